// GatewayParameters (gatehouse.dev/v1alpha1): how a Gateway's Envoy is provisioned. A GatewayClass names one with
// spec.parametersRef (for all its Gateways); a Gateway may name one in its own namespace with
// spec.infrastructure.parametersRef, whose fields win. Any other kind, or a missing object, is InvalidParameters.
import { GATEHOUSE_GROUP, describeRef, type KubeObject } from '@gatehouse/api';

export const PARAMETERS_KIND = 'GatewayParameters';
export const PARAMETERS_API_VERSION = `${GATEHOUSE_GROUP}/v1alpha1`;

export type Quantity = string | number;
export interface ResourceList {
  cpu?: Quantity;
  memory?: Quantity;
}

export interface ServiceParameters {
  /** Default LoadBalancer. */
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  externalTrafficPolicy?: 'Cluster' | 'Local';
  loadBalancerClass?: string;
  annotations?: Record<string, string>;
}

export interface GatewayParametersSpec {
  /** Envoy pods (default 1). */
  replicas?: number;
  /** The Envoy image (default: the Envoy version Gatehouse is tested with). */
  image?: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  resources?: { requests?: ResourceList; limits?: ResourceList };
  service?: ServiceParameters;
  /** Envoy's log level (default info). */
  logLevel?: 'trace' | 'debug' | 'info' | 'warning' | 'error' | 'critical' | 'off';
  nodeSelector?: Record<string, string>;
}

export interface GatewayParameters extends KubeObject {
  kind: 'GatewayParameters';
  spec?: GatewayParametersSpec;
}

export interface ParametersRef {
  group?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

/** Finds a GatewayParameters by namespace and name; `served` is false when its CRD is not installed. */
export interface ParametersLookup {
  served: boolean;
  get(namespace: string, name: string): { spec?: GatewayParametersSpec } | undefined;
}

export type Resolved = { ok: true; spec: GatewayParametersSpec } | { ok: false; message: string };

const q = (s: string | undefined) => JSON.stringify((s ?? '').length > 100 ? `${s!.slice(0, 100)}…` : (s ?? ''));

/**
 * Resolves a parametersRef. `where` names the field for messages (e.g. `GatewayClass gatehouse: spec.parametersRef`);
 * `namespace` is the namespace a Gateway's local reference points into (a GatewayClass's reference names its own).
 */
export function resolveRef(ref: ParametersRef | undefined, where: string, lookup: ParametersLookup, namespace?: string): Resolved {
  if (!ref) return { ok: true, spec: {} };
  if ((ref.group ?? '') !== GATEHOUSE_GROUP || ref.kind !== PARAMETERS_KIND) {
    return {
      ok: false,
      message: `${where}: kind ${q(ref.kind)} in group ${q(ref.group)} is not supported: reference a ${PARAMETERS_KIND} (group ${GATEHOUSE_GROUP}) or remove the reference`,
    };
  }
  const ns = namespace ?? ref.namespace;
  if (!ns)
    return {
      ok: false,
      message: `${where}: namespace is required (${PARAMETERS_KIND} is namespaced): set it to the namespace of ${PARAMETERS_KIND} ${q(ref.name)}`,
    };
  if (!lookup.served)
    return {
      ok: false,
      message: `${where}: the ${PARAMETERS_KIND} CRD (gatewayparameters.${GATEHOUSE_GROUP}) is not installed: install Gatehouse's CRDs (charts/gatehouse/crds)`,
    };
  const found = lookup.get(ns, ref.name ?? '');
  if (!found)
    return {
      ok: false,
      message: `${where}: ${describeRef({ kind: PARAMETERS_KIND, namespace: ns, name: ref.name ?? '' })} does not exist: create it or fix the reference`,
    };
  return { ok: true, spec: found.spec ?? {} };
}

/** The Gateway's own parameters over its class's, field by field (service fields one by one too). */
export function mergeParameters(base: GatewayParametersSpec, over: GatewayParametersSpec): GatewayParametersSpec {
  const merged: GatewayParametersSpec = { ...base, ...over };
  if (base.service || over.service) merged.service = { ...base.service, ...over.service };
  return merged;
}
