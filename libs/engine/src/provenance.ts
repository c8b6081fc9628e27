// Which source resources produced each Envoy resource: the key to NACK attribution and status.
import type { ResourceRef } from '@gatehouse/api';
import { XdsType, type XdsTypeUrl } from '@gatehouse/plugin-sdk';
import { routeClusters, streamClusters } from '@gatehouse/xds-translator';
import type { Engine, GatewayOut, State } from './state.js';
import { dedupeRefs } from './util.js';

export interface Provenance {
  names(type: XdsTypeUrl): string[];
  sources(type: XdsTypeUrl, name: string): ResourceRef[];
  /**
   * Plugins that shaped the Envoy resource (their hook wrote to it or reached into it, added an HTTP filter to it, or
   * generated it), in the order their hooks run; empty when none did. An encoding failure names them.
   */
  /** `element`: an object inside the resource (a route); when hooks shaped it, only its shapers are named. */
  shapedBy(type: XdsTypeUrl, name: string, element?: object): string[];
}

/** Provenance as plain data (for output and comparison), types and names in order. */
export function provenanceRecord(p: Provenance): Record<string, Record<string, ResourceRef[]>> {
  const out: Record<string, Record<string, ResourceRef[]>> = {};
  for (const type of Object.values(XdsType)) out[type] = Object.fromEntries(p.names(type).map((n) => [n, p.sources(type, n)]));
  return out;
}

/** Which plugins shaped which Envoy resource, as plain data: only resources some plugin shaped. */
export function shapedByRecord(p: Provenance): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const type of Object.values(XdsType)) {
    const byName = Object.fromEntries(p.names(type).flatMap((n) => (p.shapedBy(type, n).length ? [[n, p.shapedBy(type, n)]] : [])));
    if (Object.keys(byName).length) out[type] = byName;
  }
  return out;
}

/** A gateway's provenance, computed when first read; `current()` is false once the translator has moved on. */
export function gatewayProvenance(engine: Engine, st: State, out: GatewayOut, current: () => boolean): Provenance {
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
      for (const c of sst.table.chains())
        for (const name of streamClusters(c.route)) clusterUsers.set(name, [...(clusterUsers.get(name) ?? []), c.route.source]);
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
  let shaped: Map<string, Map<string, string[]>> | undefined;
  return {
    names: (type) => [...((byType ??= compute()).get(type)?.keys() ?? [])].sort(),
    sources: (type, name) => (byType ??= compute()).get(type)?.get(name) ?? [],
    shapedBy: (type, name, element) => {
      // A message the hooks saw (one route of a route configuration): the plugins that shaped that message alone.
      const { shapers: s, plugins } = engine.hooks;
      if (element && s.knows(element)) return plugins.map((p) => p.name).filter((n) => s.of(element).includes(n));
      return (shaped ??= shapers(engine, out, current)).get(type)?.get(name) ?? [];
    },
  };
}

/** Plugins that shaped each served Envoy resource (a route configuration: its virtual hosts' and routes'). */
function shapers(engine: Engine, out: GatewayOut, current: () => boolean): Map<string, Map<string, string[]>> {
  if (!current()) throw new Error('provenance read after the translator moved on to a newer translation');
  const { shapers, plugins } = engine.hooks;
  const records = out.records;
  const inRunOrder = (names: ReadonlySet<string>) => plugins.map((p) => p.name).filter((n) => names.has(n));
  const m = new Map<string, Map<string, string[]>>();
  const put = (type: XdsTypeUrl, name: string, names: ReadonlySet<string>) => {
    if (names.size === 0) return;
    let byName = m.get(type);
    if (!byName) m.set(type, (byName = new Map()));
    byName.set(name, inRunOrder(new Set([...(byName.get(name) ?? []), ...names])));
  };
  for (const type of [XdsType.Listener, XdsType.Cluster]) for (const [name, msg] of Object.entries(records[type])) put(type, name, new Set(shapers.of(msg)));
  for (const t of out.tables.values()) {
    if (!records[XdsType.Route][t.routeConfigName]) continue;
    const names = new Set<string>();
    for (const vh of t.table.virtualHosts()) {
      for (const n of shapers.of(vh.value.message)) names.add(n);
      for (const r of vh.ranked) if (r.payload) for (const n of shapers.of(r.payload)) names.add(n);
    }
    put(XdsType.Route, t.routeConfigName, names);
  }
  for (const g of out.generated) put(g.typeUrl, g.name, new Set(shapers.of(g.resource)));
  return m;
}
