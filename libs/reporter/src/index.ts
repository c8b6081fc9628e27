export { Reporter, ReporterUnavailable, boundedProxyRow, type ReporterOptions, type StatusInput, type ReportQuery } from './reporter.js';
export type { ResourceStatusRow, ResourceHistoryRow, ProxyStateRow } from './entities.js';
export { MIGRATIONS } from './migrations.js';
