// Upstream discovery from Kubernetes Services (Gloo's UDS): one Upstream per Service port in scope, named
// `<service>-<port>`, carrying the Service's labels, resolved as that Service port (endpoints by EDS from its
// EndpointSlices). ExternalName Services have no endpoints to discover and are skipped.
import { resourcesOfKind, type KubeObject } from '@gatehouse/api';
import type { DiscoveredUpstream, UpstreamDiscoverer } from '@gatehouse/plugin-sdk';

interface ServiceLike extends KubeObject {
  spec?: { type?: string; ports?: Array<{ name?: string; port: number }> };
}

export const KUBERNETES_DISCOVERER = 'kubernetes';

/** The Upstream name for a Service port: `<service>-<port>` (a DNS label when the Service name is one). */
export function serviceUpstreamName(service: string, port: number): string {
  return `${service}-${port}`;
}

export const kubernetesServicesDiscoverer: UpstreamDiscoverer = {
  name: KUBERNETES_DISCOVERER,
  kind: 'upstreams',
  discover(ctx) {
    const out: DiscoveredUpstream[] = [];
    for (const stored of resourcesOfKind<ServiceLike>(ctx.snapshot, 'Service')) {
      const svc = stored.object;
      if (svc.spec?.type === 'ExternalName' || !ctx.inScope(svc)) continue;
      for (const p of svc.spec?.ports ?? []) {
        out.push({
          namespace: stored.ref.namespace,
          name: serviceUpstreamName(stored.ref.name, p.port),
          labels: { ...(svc.metadata.labels ?? {}) },
          spec: { kube: { serviceName: stored.ref.name, servicePort: p.port } },
          owner: { apiVersion: 'v1', kind: 'Service', name: stored.ref.name, ...(svc.metadata.uid ? { uid: svc.metadata.uid } : {}) },
        });
      }
    }
    return out;
  },
};
