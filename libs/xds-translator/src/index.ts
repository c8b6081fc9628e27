export { Hooks, routeClusters, type BuiltCluster } from './hooks.js';
export { envoyRoute, routeMatch, type ServedAt } from './routes.js';
export { envoyCluster, loadAssignment, upstreamTls, ADS_CONFIG_SOURCE, SYSTEM_CA_FILE } from './clusters.js';
export { envoyListener, routeConfiguration, tlsSecret, HCM_TYPE } from './listeners.js';
export { envoyStreamListener, streamClusters } from './stream-listeners.js';
