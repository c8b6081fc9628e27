/** Kinds that live outside any namespace. Everything else defaults to namespace `default`. */
const CLUSTER_SCOPED = new Set(['GatewayClass', 'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/** The kinds the translator understands, with the apiVersions accepted for each. */
export const KNOWN_KINDS: Readonly<Record<string, readonly string[]>> = {
  GatewayClass: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'],
  Gateway: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'],
  HTTPRoute: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'],
  Service: ['v1'],
  EndpointSlice: ['discovery.k8s.io/v1'],
  Namespace: ['v1'],
  Secret: ['v1'],
  ReferenceGrant: ['gateway.networking.k8s.io/v1beta1', 'gateway.networking.k8s.io/v1'],
  Upstream: ['gatehouse.dev/v1alpha1'],
};
