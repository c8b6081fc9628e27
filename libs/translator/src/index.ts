export { translateResources, type ResourceTranslation, type ResourceTranslatorOptions } from './translate-resources.js';
export { ReportBook, cond } from './report-book.js';
export { INVALID_BACKEND_CLUSTER } from './routes.js';
export { intersectHostnames, hostnameApplies, compareDomains } from './hostnames.js';
