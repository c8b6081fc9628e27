export * from './meta.js';
export * from './groups.js';
export * from './gateway-api.js';
export * from './core.js';
export * from './gatehouse.js';
export * from './snapshot.js';
export * from './scope.js';
export * from './duration.js';
export type { ConfigSource } from './source.js';
