export { DirectorySource, DEFAULT_MAX_DOCUMENTS, DEFAULT_MAX_FILE_BYTES, DEFAULT_SETTLE_MS, type DirectorySourceOptions } from './directory-source.js';
export { parseDocuments, parseFile, type ParsedFile, type ParseLimits } from './parse-documents.js';
export { FileFirstSeen, MemoryFirstSeen, type FirstSeenStore } from './first-seen.js';
// Plugin-owned kinds are registered before a source reads anything (so their objects are validated like built-ins).
export { registerPluginKinds, pluginCrds, PluginKindError } from '@gatehouse/validation';
