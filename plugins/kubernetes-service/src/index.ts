// Resolves backendRefs to core Services into EDS upstreams, with endpoints from the Service's EndpointSlices.
import {
  SERVICE_NAME_LABEL,
  clusterName,
  resourcesByLabel,
  type BackendError,
  type BackendTarget,
  type EndpointIR,
  type KubeObject,
  type PluginContext,
  type ResourceRef,
  type TranslatorPlugin,
  type UpstreamIR,
} from '@gatehouse/plugin-sdk';

interface ServiceLike extends KubeObject {
  spec?: { ports?: Array<{ name?: string; port: number; appProtocol?: string }>; type?: string };
}
interface SliceLike extends KubeObject {
  addressType?: string;
  endpoints?: Array<{ addresses?: string[]; conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean } }>;
  ports?: Array<{ name?: string; port?: number }>;
}

export const PLUGIN_NAME = 'kubernetes-service';

function resolveService(ctx: PluginContext, target: BackendTarget): UpstreamIR | BackendError {
  const svcKey = `Service/${target.namespace}/${target.name}`;
  const svc = ctx.snapshot.resources.get(svcKey)?.object as ServiceLike | undefined;
  if (!svc) return { reason: 'BackendNotFound', message: `Service ${target.namespace}/${target.name} not found` };
  // Same Service object, same slice objects, same port: the same upstream as last time.
  const slices = resourcesByLabel(ctx.snapshot, 'EndpointSlice', target.namespace, SERVICE_NAME_LABEL, target.name);
  const cached = ctx.memo.get('kubernetes-service', svc, () => new Map<number | undefined, { slices: readonly object[]; result: UpstreamIR | BackendError }>());
  const hit = cached.get(target.port);
  if (hit && hit.slices.length === slices.length && hit.slices.every((o, i) => o === slices[i]!.object)) return hit.result;
  const result = computeUpstream(target, svc, slices);
  cached.set(target.port, { slices: slices.map((s) => s.object), result });
  return result;
}

function computeUpstream(target: BackendTarget, svc: ServiceLike, slices: ReturnType<typeof resourcesByLabel>): UpstreamIR | BackendError {
  if (target.port === undefined) {
    return { reason: 'UnsupportedValue', message: `backendRef to Service ${target.namespace}/${target.name} must set port` };
  }
  const svcPort = svc.spec?.ports?.find((p) => p.port === target.port);
  if (!svcPort) {
    const known = (svc.spec?.ports ?? []).map((p) => p.port).join(', ') || 'none';
    return { reason: 'BackendNotFound', message: `Service ${target.namespace}/${target.name} has no port ${target.port} (ports: ${known})` };
  }
  const sources: ResourceRef[] = [{ kind: 'Service', namespace: target.namespace, name: target.name }];
  const seen = new Set<string>();
  const endpoints: EndpointIR[] = [];
  // Endpoints that are shutting down but still serving: used only when nothing is ready (as kube-proxy does), so a
  // rolling update of a one-replica Deployment does not drop traffic while the old pod drains.
  const draining = new Set<EndpointIR>();
  for (const slice of slices) {
    const obj = slice.object as SliceLike;
    if (obj.addressType === 'FQDN') continue;
    sources.push(slice.ref);
    // A slice port matches the Service port by name (both unnamed for single-port Services).
    const slicePort = obj.ports?.find((p) => (p.name ?? '') === (svcPort.name ?? ''))?.port;
    if (slicePort === undefined) continue;
    for (const ep of obj.endpoints ?? []) {
      const ready = ep.conditions?.ready !== false;
      const drains = !ready && ep.conditions?.serving === true && ep.conditions?.terminating === true;
      for (const address of ep.addresses ?? []) {
        const id = `${address}:${slicePort}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const e: EndpointIR = { address, port: slicePort, ready };
        if (drains) draining.add(e);
        endpoints.push(e);
      }
    }
  }
  if (draining.size > 0 && !endpoints.some((e) => e.ready)) for (const e of draining) e.ready = true;
  const order = (a: EndpointIR, b: EndpointIR) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port);
  // Slices usually list endpoints in order already: check before paying for a sort.
  if (endpoints.some((e, i) => i > 0 && order(endpoints[i - 1]!, e) > 0)) endpoints.sort(order);
  const appProtocol = APP_PROTOCOLS[svcPort.appProtocol ?? ''];
  return {
    clusterName: clusterName('kube', target.namespace, target.name, target.port),
    sources,
    discovery: 'eds',
    endpoints,
    connectTimeoutMs: 5000,
    plugin: PLUGIN_NAME,
    policies: {},
    ...(appProtocol ? { appProtocol } : {}),
  };
}

/** Service port appProtocol values that change how Envoy talks to the backend (others: HTTP/1.1). */
const APP_PROTOCOLS: Record<string, UpstreamIR['appProtocol']> = {
  'kubernetes.io/h2c': 'h2c',
  h2c: 'h2c',
  'kubernetes.io/ws': 'ws',
};

export const kubernetesServicePlugin: TranslatorPlugin = {
  name: PLUGIN_NAME,
  backends: [{ group: '', kind: 'Service', resolve: resolveService }],
};
