export { ReportBook, cond, type CachedReport } from './report-book.js';
export { INVALID_BACKEND_CLUSTER, PARENT_KINDS, ROUTE_KINDS, processRoute, type Attachment, type Problem, type RouteContext } from './routes.js';
export { acceptedClasses, processGateways, type GatewayState, type ListenerSlot } from './gateways.js';
export { VirtualHostTable, type BuiltVirtualHost, type Ranked, type VirtualHostChange } from './virtual-hosts.js';
export { intersectHostnames, hostnameApplies, compareDomains } from './hostnames.js';
export { gatewayLayout, type GatewayLayout } from './layout.js';
export { internalError } from './internal-error.js';
export { StreamTable, type StreamEntry } from './stream-table.js';
export { BackendTlsIndex, backendTlsPolicies, type PolicyMatch, type PolicyState } from './backend-tls.js';
