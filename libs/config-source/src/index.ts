export { DirectorySource, type DirectorySourceOptions } from './directory-source.js';
export { parseDocuments, type ParsedFile } from './parse-documents.js';
export { FileFirstSeen, MemoryFirstSeen, type FirstSeenStore } from './first-seen.js';
