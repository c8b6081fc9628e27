export { startController, isLoopback, type ControllerOptions, type KubernetesOptions, type ProvisionOptions, type RunningController } from './controller.js';
export { BUILTIN_PLUGINS } from './builtin-plugins.js';
export { Publisher, type PublishResult } from './publisher.js';
export { annotateRefusals, type EnvoyRefusal } from './envoy-refusals.js';
export * from './plugin-loader/index.js';
