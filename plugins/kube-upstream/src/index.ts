// The `kube` variant of gatehouse.dev/Upstream (what Service discovery makes): a Service port of the Upstream's
// namespace, resolved exactly as a backendRef to that Service port (endpoints by EDS from its EndpointSlices,
// appProtocol, BackendTLSPolicy), under the Upstream's own cluster name.
import { type UpstreamVariant } from '@gatehouse/plugin-sdk';

interface KubeSpec {
  serviceName?: string;
  servicePort?: number;
}

export const kubeUpstreamVariant: UpstreamVariant = {
  field: 'kube',
  resolve(_ctx, target, upstream) {
    const kube = ((upstream.object as { spec?: { kube?: KubeSpec } }).spec?.kube ?? {}) as KubeSpec;
    if (!kube.serviceName || !Number.isInteger(kube.servicePort)) {
      return { reason: 'InvalidUpstream', message: `Upstream ${target.namespace}/${target.name}: spec.kube needs serviceName and servicePort` };
    }
    return { redirect: { group: '', kind: 'Service', namespace: target.namespace, name: kube.serviceName, port: kube.servicePort! } };
  },
};
