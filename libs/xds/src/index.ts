export * from './codec/proto-root.js';
export * from './codec/strict-encoder.js';
export * from './cache/snapshot.js';
export * from './cache/snapshot-cache.js';
export * from './cache/consistency.js';
export * from './server/ads-server.js';
export * from './server/proxy-state.js';
export { XdsCodec } from './server/xds-codec.js';
export * from './bootstrap.js';
