export { Provisioner, type ProvisionMode, type ProvisionerOptions, type ProvisionerLog } from './provisioner.js';
export { syncCaWithSecret, XDS_CA_SECRET_TYPE, type CaSecretOptions } from './ca-secret.js';
export { provisionedBootstrap, BOOTSTRAP_FILE, TLS_FILES } from './bootstrap.js';
export {
  gatewayManifests,
  servicePorts,
  DEFAULT_ENVOY_IMAGE,
  XDS_CLIENT_SECRET_TYPE,
  ENVOY_WORKDIR,
  type ProvisionedObject,
  type ManifestInput,
} from './manifests.js';
export { planProvisioning, type Plan, type GatewayPlan } from './plan.js';
export { ReportAmender, type Address } from './report-amender.js';
export { serviceAddresses, localAddresses } from './addresses.js';
export { objectName, labelValue, GATEWAY_NAME_LABEL, GATEWAY_CLASS_LABEL, OWNED_SELECTOR } from './names.js';
export { PARAMETERS_KIND, PARAMETERS_API_VERSION, type GatewayParameters, type GatewayParametersSpec } from './parameters.js';
