export { translateXds, type GatewayXds, type Provenance } from './translate-xds.js';
export { envoyRoute, routeMatch } from './routes.js';
export { envoyCluster, loadAssignment, ADS_CONFIG_SOURCE } from './clusters.js';
export { envoyListener, routeConfiguration, HCM_TYPE } from './listeners.js';
