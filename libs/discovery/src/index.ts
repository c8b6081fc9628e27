export { BUILTIN_DISCOVERERS } from './builtin.js';
export { DiscoveryRunner, type DiscovererView, type DiscoveryLog, type DiscoveryMetrics, type DiscoveryRunnerOptions, type SecretReader } from './runner.js';
export {
  DEFAULT_DISCOVERER_SETTINGS,
  parseSelector,
  resolveSettings,
  type DiscovererSettings,
  type DiscovererSettingsInput,
  type DiscoverySettings,
} from './settings.js';
export { scopeFor } from './scope.js';
export { MemorySink } from './memory-sink.js';
export { KubeSink, fieldManager } from './kube-sink.js';
export { mergeFunctions, normalizeFunctions, upstreamKey, type DiscoverySink } from './sink.js';
export { kubeSecrets, snapshotSecrets } from './secrets.js';
export { KUBERNETES_DISCOVERER, kubernetesServicesDiscoverer, serviceUpstreamName } from './discoverers/kubernetes-services.js';
export { AWS_LAMBDA_DISCOVERER, awsLambdaDiscoverer } from './discoverers/aws-lambda.js';
export { DEFAULT_OPENAPI_PATHS, OPENAPI_DISCOVERER, openApiDiscoverer } from './discoverers/openapi.js';
export { documentFunctions, parseText } from './discoverers/openapi-document.js';
export { commandLineSettings, withSettingsResource, type SettingsResource } from './settings-resource.js';
