/** Stable identifiers users and tools rely on. */
export const CONTROLLER_NAME = 'gatehouse.dev/gateway-controller';
export const GATEHOUSE_GROUP = 'gatehouse.dev';
export const GATEHOUSE_API_VERSION = 'gatehouse.dev/v1alpha1';
export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
export const GATEWAY_API_VERSION = 'gateway.networking.k8s.io/v1';
/** Node metadata key (and node.cluster value) that selects a Gateway's snapshot. */
export const NODE_GATEWAY_METADATA_KEY = 'gatehouse.dev/gateway';
/** The EndpointSlice label that ties a slice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
