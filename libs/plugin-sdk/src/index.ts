// The public plugin contract. Plugins import only this package.
export * from './envoy.js';
export * from './stages.js';
export * from './reports.js';
export * from './plugin.js';
export * from './policies.js';
export * from './merge.js';
export * from './policy-kit.js';
export * from './service-cluster.js';
export * from './version.js';
export * from './names.js';
export type * from '@gatehouse/ir';
export type { Condition, ResourceRef, ResourceSnapshot, StoredResource, KubeObject } from '@gatehouse/api';
export {
  describeRef,
  resourceKey,
  resourcesOfKind,
  resourcesByLabel,
  parseDurationMs,
  msToProtoDuration,
  SERVICE_NAME_LABEL,
  GATEHOUSE_GROUP,
} from '@gatehouse/api';
export * from './paths.js';
export * from './discovery.js';
export * from './upstream-variants.js';
export type * from './resources.js';
export * from './generated/envoy-filters.js';
