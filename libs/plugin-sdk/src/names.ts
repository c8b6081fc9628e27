/** Envoy resource names built from Kubernetes names: stable, readable, and unique per input. */
export function clusterName(prefix: string, namespace: string, name: string, port?: number): string {
  return port === undefined ? `${prefix}_${namespace}_${name}` : `${prefix}_${namespace}_${name}_${port}`;
}
