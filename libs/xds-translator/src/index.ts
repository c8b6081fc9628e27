export { Hooks, routeClusters, type BuiltCluster } from './hooks.js';
export { envoyRoute, routeMatch, type ServedAt } from './routes.js';
export { envoyCluster, loadAssignment, ADS_CONFIG_SOURCE } from './clusters.js';
export { envoyListener, routeConfiguration, tlsSecret, HCM_TYPE } from './listeners.js';
export { envoyStreamListener, streamClusters } from './stream-listeners.js';
