/** Envoy resource names built from Kubernetes names: stable, readable, and unique per input. */
export function clusterName(prefix: string, namespace: string, name: string, port?: number): string {
  return port === undefined ? `${prefix}_${namespace}_${name}` : `${prefix}_${namespace}_${name}_${port}`;
}

import type { HttpListenerIR, VirtualHostIR } from '@gatehouse/ir';

/** Every virtual host a listener serves: its own (HTTP) or those of its TLS filter chains (HTTPS). */
export function allVirtualHosts(l: HttpListenerIR): VirtualHostIR[] {
  return l.tlsChains ? l.tlsChains.flatMap((c) => c.virtualHosts) : l.virtualHosts;
}
