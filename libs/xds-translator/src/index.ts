export { Hooks, byPriority, routeClusters, type BuiltCluster } from './hooks.js';
export { DIRECT_HOOK_RUNNER, type HookCall, type HookName, type HookOverrun, type HookRunner } from './hook-runner.js';
export { Shapers } from './shapers.js';
export { gatewayResources, withClientCert } from './gateway-resources.js';
export { envoyRoute, routeMatch, MISDIRECTED_ROUTE, type ServedAt } from './routes.js';
export { envoyCluster, loadAssignment, upstreamTls, ADS_CONFIG_SOURCE, SYSTEM_CA_FILE } from './clusters.js';
export { envoyListener, routeConfiguration, tlsSecret, HCM_TYPE, type RankedHttpFilter } from './listeners.js';
export { envoyStreamListener, streamClusters } from './stream-listeners.js';
