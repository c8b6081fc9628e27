import { registeredKind } from './plugin-kinds.js';

/** Kinds that live outside any namespace. Everything else defaults to namespace `default`. */
const CLUSTER_SCOPED: ReadonlySet<string> = new Set(['GatewayClass', 'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind) || registeredKind(kind)?.scope === 'Cluster';
}

/**
 * The kinds the translator understands, with the apiVersions accepted for each. A null-prototype object: a kind
 * named after an Object.prototype member (`constructor`, `__proto__`, `toString`) is simply not in it. Look kinds up
 * with `servedVersions`.
 */
export const KNOWN_KINDS: Readonly<Record<string, readonly string[]>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, readonly string[]>, {
    GatewayClass: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'],
    Gateway: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'],
    HTTPRoute: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'],
    Service: ['v1'],
    EndpointSlice: ['discovery.k8s.io/v1'],
    Namespace: ['v1'],
    Secret: ['v1'],
    ReferenceGrant: ['gateway.networking.k8s.io/v1beta1', 'gateway.networking.k8s.io/v1'],
    GRPCRoute: ['gateway.networking.k8s.io/v1'],
    TLSRoute: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1alpha3', 'gateway.networking.k8s.io/v1alpha2'],
    TCPRoute: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1alpha2'],
    UDPRoute: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1alpha2'],
    ListenerSet: ['gateway.networking.k8s.io/v1'],
    BackendTLSPolicy: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1alpha3'],
    ConfigMap: ['v1'],
    Upstream: ['gatehouse.dev/v1alpha1'],
    Settings: ['gatehouse.dev/v1alpha1'],
  }),
);

/** The apiVersions Gatehouse accepts for `kind` (a plugin-owned kind too), or undefined when it does not handle it. */
export function servedVersions(kind: string): readonly string[] | undefined {
  return Object.hasOwn(KNOWN_KINDS, kind) ? KNOWN_KINDS[kind] : registeredKind(kind)?.apiVersions;
}
