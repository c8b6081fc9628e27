export { DirectorySource, DEFAULT_MAX_DOCUMENTS, DEFAULT_MAX_FILE_BYTES, DEFAULT_SETTLE_MS, type DirectorySourceOptions } from './directory-source.js';
export { parseDocuments, parseFile, type ParsedFile, type ParseLimits } from './parse-documents.js';
export { FileFirstSeen, MemoryFirstSeen, type FirstSeenStore } from './first-seen.js';
