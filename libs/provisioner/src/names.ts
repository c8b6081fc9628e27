// Names and labels of the objects provisioned for a Gateway. They live in the Gateway's namespace (an ownerReference
// cannot cross namespaces), named after it, and carry the labels Gateway API asks for (GEP-1762).
import { createHash } from 'node:crypto';

export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
export const GATEWAY_CLASS_LABEL = 'gateway.networking.k8s.io/gateway-class-name';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
export const NAME_LABEL = 'app.kubernetes.io/name';
/** On every provisioned object: a hash of what Gatehouse applied (unchanged hash: nothing to do). */
export const CONFIG_HASH_ANNOTATION = 'gatehouse.dev/config-hash';
/** On the Envoy pod template: the bootstrap and credentials it runs with (a change rolls the pods). */
export const BOOTSTRAP_HASH_ANNOTATION = 'gatehouse.dev/bootstrap-hash';

/** Selects every object Gatehouse provisions, in any namespace. */
export const OWNED_SELECTOR = `${MANAGED_BY_LABEL}=gatehouse,${COMPONENT_LABEL}=proxy`;

export function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * The name of a Gateway's Deployment, Service, ConfigMap and Secret: `gatehouse-<name>`, a DNS-1035 label (a Service
 * name must be one). A Gateway name with dots or over the length gets a hash suffix, so two names never collide.
 */
export function objectName(gatewayName: string): string {
  const plain = `gatehouse-${gatewayName}`;
  if (plain.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(plain)) return plain;
  const cleaned = plain
    .replace(/[^-a-z0-9]/g, '-')
    .slice(0, 54)
    .replace(/-+$/, '');
  return `${cleaned}-${shortHash(gatewayName)}`;
}

/** A label value naming `value` (at most 63 characters; a longer name is cut and given a hash suffix). */
export function labelValue(value: string): string {
  if (value.length <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value)) return value;
  const cleaned = value
    .replace(/[^-A-Za-z0-9_.]/g, '-')
    .slice(0, 54)
    .replace(/[^A-Za-z0-9]+$/, '');
  return `${cleaned}-${shortHash(value)}`;
}

/** The labels the Envoy pods are selected by (the Deployment's selector and the Service's). */
export function selectorLabels(gatewayName: string): Record<string, string> {
  return { [NAME_LABEL]: 'envoy', [COMPONENT_LABEL]: 'proxy', [MANAGED_BY_LABEL]: 'gatehouse', [GATEWAY_NAME_LABEL]: labelValue(gatewayName) };
}

/** Every provisioned object's own labels. */
export function ownLabels(gatewayName: string, className: string): Record<string, string> {
  return { ...selectorLabels(gatewayName), [GATEWAY_CLASS_LABEL]: labelValue(className) };
}
