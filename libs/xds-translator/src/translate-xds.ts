// Stage 3: IR → Envoy resources per gateway, with plugin hooks. Pure. A hook that throws drops only the
// resource it was shaping and rejects that resource's sources.
import {
  NO_MEMO,
  XdsType,
  describeRef,
  emptyXdsResources,
  type EnvoyMessage,
  type IR,
  type PluginContext,
  type ResourceRef,
  type RouteIR,
  type StagedHttpFilter,
  type TranslatorPlugin,
  type UpstreamIR,
  type VirtualHostIR,
  type XdsResources,
  type XdsTypeUrl,
} from '@gatehouse/plugin-sdk';
import { envoyCluster, loadAssignment } from './clusters.js';
import { envoyListener, routeConfiguration, tlsSecret } from './listeners.js';
import { envoyRoute } from './routes.js';

/** Which source resources produced each Envoy resource: the key to NACK attribution and status. */
export type Provenance = Record<XdsTypeUrl, Record<string, ResourceRef[]>>;

export interface GatewayXds {
  resources: XdsResources;
  provenance: Provenance;
}

export function translateXds(ir: IR, plugins: readonly TranslatorPlugin[], ctx: PluginContext, hookBudgetMs?: number): Record<string, GatewayXds> {
  const routeCache = new Map<RouteIR, Map<number, EnvoyMessage | null>>();
  const clusterCache = new Map<string, { cluster: EnvoyMessage; endpoints?: EnvoyMessage } | null>();
  const out: Record<string, GatewayXds> = {};

  const guard = (plugin: TranslatorPlugin, refs: ResourceRef[], what: string, fn: () => void): boolean => {
    const started = hookBudgetMs === undefined ? 0 : performance.now();
    try {
      fn();
    } catch (err) {
      for (const ref of refs) ctx.reports.reject(ref, 'PluginError', `${describeRef(ref)}: plugin "${plugin.name}" failed on ${what}: ${(err as Error).message}`);
      return false;
    }
    const took = hookBudgetMs === undefined ? 0 : performance.now() - started;
    if (hookBudgetMs !== undefined && took > hookBudgetMs) {
      for (const ref of refs) ctx.reports.reject(ref, 'PluginTimeout', `${describeRef(ref)}: plugin "${plugin.name}" took ${took.toFixed(0)} ms on ${what} (budget ${hookBudgetMs} ms); its output is dropped`);
      return false;
    }
    return true;
  };

  const route = (r: RouteIR, port: number, scheme: 'http' | 'https'): EnvoyMessage | null => {
    let byPort = routeCache.get(r);
    if (!byPort) routeCache.set(r, (byPort = new Map()));
    if (!byPort.has(port)) {
      const msg = envoyRoute(r, { port, scheme });
      const ok = plugins.every((p) => !p.route || guard(p, [r.source], `route ${r.name}`, () => p.route!(ctx, r, msg)));
      byPort.set(port, ok ? msg : null);
    }
    return byPort.get(port)!;
  };

  // A plugin's cluster hook may read anything in the snapshot, so cluster messages are only remembered across
  // translations when no plugin shapes clusters.
  const clusterMemo = plugins.some((p) => p.cluster) ? NO_MEMO : ctx.memo;
  const cluster = (u: UpstreamIR) => {
    if (!clusterCache.has(u.clusterName)) {
      // An upstream reused from the last translation (same object) keeps its Envoy messages, and so its encoding.
      const slot = clusterMemo.get('xds-cluster', u, () => ({ built: undefined as { cluster: EnvoyMessage; endpoints?: EnvoyMessage } | undefined }));
      if (!slot.built) {
        const msg = envoyCluster(u);
        const ok = plugins.every((p) => !p.cluster || guard(p, u.sources, `cluster ${u.clusterName}`, () => p.cluster!(ctx, u, msg)));
        // Only a success is remembered: a failing hook runs (and reports) again next time.
        if (ok) slot.built = { cluster: msg, ...(u.discovery === 'eds' ? { endpoints: loadAssignment(u) } : {}) };
      }
      clusterCache.set(u.clusterName, slot.built ?? null);
    }
    return clusterCache.get(u.clusterName)!;
  };

  for (const gw of ir.gateways) {
    const resources = emptyXdsResources();
    // Sources per resource, collected by identity as they are added (refs are shared objects); deduplicated by key
    // and sorted once at the end.
    const sourceSets = new Map<XdsTypeUrl, Map<string, Set<ResourceRef>>>();
    const add = (type: XdsTypeUrl, name: string, msg: EnvoyMessage, sources: ResourceRef[]) => {
      resources[type][name] = msg;
      let byName = sourceSets.get(type);
      if (!byName) sourceSets.set(type, (byName = new Map()));
      let set = byName.get(name);
      if (!set) byName.set(name, (set = new Set()));
      for (const r of sources) set.add(r);
    };
    for (const l of gw.listeners) {
      const scheme = l.protocol === 'HTTPS' ? 'https' : 'http';
      const virtualHosts = (vhs: VirtualHostIR[], routeSources: ResourceRef[]) => vhs.map((vh) => {
        const routes: EnvoyMessage[] = [];
        for (const r of vh.routes) {
          const msg = route(r, l.port, scheme);
          if (!msg) continue;
          routes.push(msg);
          routeSources.push(r.source);
          // Clusters this route sends to: its backends and its mirrors.
          const used = [
            ...(r.action.kind === 'forward' ? r.action.backends.filter((b) => b.valid).map((b) => b.clusterName) : []),
            ...r.filters.flatMap((f) => (f.type === 'RequestMirror' && f.valid ? [f.clusterName] : [])),
          ];
          for (const name of used) {
            const u = ir.upstreams[name];
            const built = u && cluster(u);
            if (!u || !built) continue;
            add(XdsType.Cluster, u.clusterName, built.cluster, [...u.sources, r.source]);
            if (built.endpoints) add(XdsType.Endpoint, u.clusterName, built.endpoints, u.sources);
          }
        }
        const msg: EnvoyMessage = { name: vh.name, domains: vh.domains, routes };
        for (const p of plugins) if (p.virtualHost) guard(p, [gw.ref], `virtual host ${vh.name}`, () => p.virtualHost!(ctx, vh, msg));
        return msg;
      });
      const filters: StagedHttpFilter[] = [];
      let listenerOk = true;
      for (const p of plugins) if (p.httpFilters) listenerOk &&= guard(p, [gw.ref], `listener ${l.name}`, () => filters.push(...p.httpFilters!(ctx, l)));
      const listener = envoyListener(l, filters);
      for (const p of plugins) if (p.listener) listenerOk &&= guard(p, [gw.ref], `listener ${l.name}`, () => p.listener!(ctx, l, listener));
      if (!listenerOk) continue;
      add(XdsType.Listener, l.name, listener, [gw.ref]);
      const chains = l.tlsChains ?? [{ routeConfigName: l.name, virtualHosts: l.virtualHosts, secretNames: [] as string[] }];
      for (const chain of chains) {
        const sources: ResourceRef[] = [];
        add(XdsType.Route, chain.routeConfigName, routeConfiguration(chain.routeConfigName, virtualHosts(chain.virtualHosts, sources)), dedupeRefs(sources));
        for (const name of chain.secretNames) {
          const sec = ir.secrets[name];
          if (sec) add(XdsType.Secret, name, tlsSecret(name, sec.certificateChain, sec.privateKey), [sec.source, gw.ref]);
        }
      }
    }
    for (const p of plugins) {
      if (!p.resources) continue;
      guard(p, [gw.ref], `gateway ${gw.key}`, () => {
        for (const g of p.resources!(ctx, ir, gw.key)) add(g.typeUrl, g.name, g.resource, g.sources);
      });
    }
    const provenance = emptyProvenance();
    for (const [type, byName] of sourceSets) for (const [name, set] of byName) provenance[type][name] = dedupeRefs([...set]);
    out[gw.key] = { resources: sortResources(resources), provenance };
  }
  return out;
}

function emptyProvenance(): Provenance {
  return { [XdsType.Cluster]: {}, [XdsType.Endpoint]: {}, [XdsType.Listener]: {}, [XdsType.Route]: {}, [XdsType.Secret]: {} };
}

function dedupeRefs(refs: ResourceRef[]): ResourceRef[] {
  const seen = new Map<string, ResourceRef>();
  for (const r of refs) seen.set(`${r.kind}/${r.namespace}/${r.name}`, r);
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

function sortResources(r: XdsResources): XdsResources {
  const out = emptyXdsResources();
  for (const type of Object.keys(r) as XdsTypeUrl[]) {
    for (const name of Object.keys(r[type]).sort()) out[type][name] = r[type][name]!;
  }
  return out;
}
