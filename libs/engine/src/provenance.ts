// Which source resources produced each Envoy resource: the key to NACK attribution and status.
import type { ResourceRef } from '@gatehouse/api';
import { XdsType, type XdsTypeUrl } from '@gatehouse/plugin-sdk';
import { routeClusters, streamClusters } from '@gatehouse/xds-translator';
import type { GatewayOut, State } from './state.js';
import { dedupeRefs } from './util.js';

export interface Provenance {
  names(type: XdsTypeUrl): string[];
  sources(type: XdsTypeUrl, name: string): ResourceRef[];
}

/** Provenance as plain data (for output and comparison), types and names in order. */
export function provenanceRecord(p: Provenance): Record<string, Record<string, ResourceRef[]>> {
  const out: Record<string, Record<string, ResourceRef[]>> = {};
  for (const type of Object.values(XdsType)) out[type] = Object.fromEntries(p.names(type).map((n) => [n, p.sources(type, n)]));
  return out;
}

/** A gateway's provenance, computed when first read; `current()` is false once the translator has moved on. */
export function gatewayProvenance(st: State, out: GatewayOut, current: () => boolean): Provenance {
  const gwRef = out.state.stored.ref;
  const records = out.records;
  let byType: Map<string, Map<string, ResourceRef[]>> | undefined;
  const compute = () => {
    if (!current()) throw new Error('provenance read after the translator moved on to a newer translation');
    const m = new Map<string, Map<string, ResourceRef[]>>();
    const served = (type: XdsTypeUrl) => Object.keys(records[type]);
    const listeners = new Map(served(XdsType.Listener).map((n) => [n, [gwRef]]));
    // A stream listener's chains come from routes: a NACK of it is theirs too.
    for (const [name, sst] of out.streams) if (listeners.has(name)) listeners.set(name, dedupeRefs([gwRef, ...sst.table.chains().map((c) => c.route.source)]));
    const routes = new Map<string, ResourceRef[]>();
    const clusterUsers = new Map<string, ResourceRef[]>();
    for (const t of out.tables.values()) {
      if (!records[XdsType.Route][t.routeConfigName]) continue;
      const sources: ResourceRef[] = [];
      for (const vh of t.table.virtualHosts()) {
        sources.push(...vh.value.sources);
        for (const r of vh.ranked) {
          if (!r.payload) continue;
          for (const c of routeClusters(r.route)) clusterUsers.set(c, [...(clusterUsers.get(c) ?? []), r.route.source]);
        }
      }
      routes.set(t.routeConfigName, dedupeRefs(sources));
    }
    for (const sst of out.streams.values()) {
      for (const c of sst.table.chains()) for (const name of streamClusters(c.route)) clusterUsers.set(name, [...(clusterUsers.get(name) ?? []), c.route.source]);
    }
    const clusters = new Map<string, ResourceRef[]>();
    const endpoints = new Map<string, ResourceRef[]>();
    for (const name of served(XdsType.Cluster)) {
      const u = out.clusters.get(name)!.upstream;
      clusters.set(name, dedupeRefs([...u.sources, ...(clusterUsers.get(name) ?? [])]));
      if (records[XdsType.Endpoint][name]) endpoints.set(name, dedupeRefs(u.sources));
    }
    const secrets = new Map(served(XdsType.Secret).map((n) => [n, dedupeRefs([st.secrets[n]!.source, gwRef])]));
    m.set(XdsType.Listener, listeners).set(XdsType.Route, routes).set(XdsType.Cluster, clusters).set(XdsType.Endpoint, endpoints).set(XdsType.Secret, secrets);
    for (const g of out.generated) {
      const byName = m.get(g.typeUrl)!;
      byName.set(g.name, dedupeRefs([...(byName.get(g.name) ?? []), ...g.sources]));
    }
    return m;
  };
  return {
    names: (type) => [...(byType ??= compute()).get(type)?.keys() ?? []].sort(),
    sources: (type, name) => (byType ??= compute()).get(type)?.get(name) ?? [],
  };
}
