// Assembly: brings a Gateway's Envoy resources up to date with its route and stream tables — route configurations,
// listeners (through the listener hooks), clusters (through the cluster hooks), secrets, plugin-generated resources.
// Unchanged resources keep their objects, so the snapshot builder reuses their encoding.
import type { ResourceRef, ResourceSnapshot } from '@gatehouse/api';
import type { UpstreamIR, VirtualHostIR } from '@gatehouse/ir';
import { XdsType, emptyXdsResources, type EnvoyMessage, type PluginContext, type XdsTypeUrl } from '@gatehouse/plugin-sdk';
import { ReportBook, type Ranked } from '@gatehouse/translator';
import {
  MISDIRECTED_ROUTE,
  envoyStreamListener,
  withClientCert as clusterWithClientCert,
  routeClusters,
  routeConfiguration,
  streamClusters,
  tlsSecret,
  type BuiltCluster,
} from '@gatehouse/xds-translator';
import { gatewayIr, httpListeners } from './ir-view.js';
import type { Engine, GatewayOut, Payload, RouteTable, State, VirtualHostValue } from './state.js';
import { sortedRecord } from './util.js';

/** Brings a gateway's Envoy resources up to date with its route tables. */
/** `upstreams`: every upstream as an IR record, computed at most once per translation (for `resources` hooks). */
export function assemble(
  engine: Engine,
  st: State,
  out: GatewayOut,
  tracked: ResourceSnapshot,
  changedUpstreams: ReadonlySet<string>,
  full: boolean,
  upstreams: () => Record<string, UpstreamIR>,
): void {
  const gwRef = out.state.stored.ref;
  const dirtyClusters = new Set<string>();
  for (const [tableKey, t] of out.tables) {
    const changes = t.table.rebuild((ir, ranked) => virtualHost(engine, st, out, tracked, ir, ranked, tableKey));
    if (changes.length === 0 && t.config) continue;
    for (const c of changes) {
      if (c.before && c.after && sameList(c.before.value.clusters, c.after.value.clusters)) continue;
      for (const name of c.before?.value.clusters ?? []) {
        const n = t.clusterUse.get(name)! - 1;
        if (n > 0) t.clusterUse.set(name, n);
        else {
          t.clusterUse.delete(name);
          dirtyClusters.add(name);
        }
      }
      for (const name of c.after?.value.clusters ?? []) {
        const n = t.clusterUse.get(name) ?? 0;
        t.clusterUse.set(name, n + 1);
        if (n === 0) dirtyClusters.add(name);
      }
    }
    t.config = routeConfiguration(
      t.routeConfigName,
      t.table.virtualHosts().map((v) => v.value.message),
    );
  }

  // Stream tables: their chains are rebuilt when a route of theirs changed (few routes each: no finer bookkeeping).
  for (const sst of out.streams.values()) {
    if (sst.table.revision === sst.seen) continue;
    sst.seen = sst.table.revision;
    const now = new Set(sst.table.chains().flatMap((c) => streamClusters(c.route)));
    for (const name of now) if (!sst.clusters.has(name)) dirtyClusters.add(name);
    for (const name of sst.clusters) if (!now.has(name)) dirtyClusters.add(name);
    sst.clusters = now;
  }

  // Listeners: their hooks may look at every route, so they run on every translation (they are few and cheap).
  const books: ReportBook[] = [];
  const ctx = (): PluginContext => {
    const book = new ReportBook();
    books.push(book);
    return { snapshot: st.snapshot, reports: book, memo: engine.memo };
  };
  const records = emptyXdsResources();
  const okTables: RouteTable[] = [];
  for (const l of httpListeners(st, out)) {
    const built = engine.hooks.listener(ctx(), l, gwRef);
    if (!built) continue;
    // Rebuilt every time but rarely different: the same content keeps the old object (and its encoding).
    const prev = out.records[XdsType.Listener][l.name];
    records[XdsType.Listener][l.name] = prev && JSON.stringify(prev) === JSON.stringify(built) ? prev : built;
    for (const chain of l.tlsChains ?? [{ routeConfigName: l.name, secretNames: [] as string[], key: '' }]) {
      const t = out.tables.get(l.tlsChains ? `${l.name}/${chain.key}` : l.name)!;
      okTables.push(t);
      records[XdsType.Route][t.routeConfigName] = t.config!;
      for (const name of chain.secretNames) {
        const sec = st.secrets[name];
        if (sec) records[XdsType.Secret][name] = out.records[XdsType.Secret][name] ?? tlsSecret(name, sec.certificateChain, sec.privateKey);
      }
    }
  }

  for (const sl of out.layout.streamListeners((name) => out.streams.get(name)!.table.chains())) {
    const built = envoyStreamListener(sl);
    if (!built) continue;
    const prev = out.records[XdsType.Listener][sl.name];
    records[XdsType.Listener][sl.name] = prev && JSON.stringify(prev) === JSON.stringify(built) ? prev : built;
    for (const c of sl.chains) {
      for (const name of c.secretNames ?? []) {
        const sec = st.secrets[name];
        if (sec) records[XdsType.Secret][name] = out.records[XdsType.Secret][name] ?? tlsSecret(name, sec.certificateChain, sec.privateKey);
      }
    }
  }

  // Clusters: those the served routes send to. Counted per table; recounted whole when listeners come or go.
  const okListeners = Object.keys(records[XdsType.Listener]).join('\n');
  const recount = full || okListeners !== out.okListeners;
  out.okListeners = okListeners;
  if (recount) {
    out.clusters.clear();
    for (const t of okTables) for (const name of t.clusterUse.keys()) dirtyClusters.add(name);
    for (const sst of out.streams.values()) for (const name of sst.clusters) dirtyClusters.add(name);
  }
  for (const name of changedUpstreams) dirtyClusters.add(name);
  for (const name of out.failedClusters) dirtyClusters.add(name);
  out.failedClusters.clear();
  let clustersChanged = recount;
  for (const name of dirtyClusters) {
    const used = okTables.some((t) => t.clusterUse.has(name)) || [...out.streams.values()].some((sst) => sst.clusters.has(name));
    const u = used ? st.upstreams.get(name) : undefined;
    const prev = out.clusters.get(name);
    if (!u) {
      if (out.clusters.delete(name)) clustersChanged = true;
      continue;
    }
    if (prev?.upstream === u && prev.built) continue; // a cluster a hook failed on is tried again
    const built = withClientCert(engine, out, cluster(engine, st, tracked, u), u);
    if (!built) out.failedClusters.add(name);
    out.clusters.set(name, { upstream: u, built });
    clustersChanged = true;
  }
  if (clustersChanged) {
    out.clusterNames = [...out.clusters.keys()].sort();
    const clusters: Record<string, EnvoyMessage> = {};
    const endpoints: Record<string, EnvoyMessage> = {};
    for (const name of out.clusterNames) {
      const built = out.clusters.get(name)!.built;
      if (!built) continue;
      clusters[name] = built.cluster;
      if (built.endpoints) endpoints[name] = built.endpoints;
    }
    records[XdsType.Cluster] = clusters;
    records[XdsType.Endpoint] = endpoints;
  } else {
    records[XdsType.Cluster] = out.records[XdsType.Cluster];
    records[XdsType.Endpoint] = out.records[XdsType.Endpoint];
  }
  // The Gateway's client certificate for TLS backends travels over SDS, like listener certificates.
  const clientCert = out.state.backendClientCert;
  if (clientCert && out.clusterNames.some((n) => out.clusters.get(n)!.upstream.tls)) {
    records[XdsType.Secret][clientCert.name] =
      out.records[XdsType.Secret][clientCert.name] ?? tlsSecret(clientCert.name, clientCert.certificateChain, clientCert.privateKey);
  }
  // Extra resources from plugins: they may look at the whole Gateway and every upstream, so they are asked on every
  // translation.
  out.generated = engine.hooks.has.resources ? engine.hooks.resources(ctx(), gatewayIr(st, out, upstreams), out.state.key, gwRef) : [];
  for (const g of out.generated) records[g.typeUrl] = { ...records[g.typeUrl], [g.name]: g.resource };
  // Deterministic order; an unchanged type keeps its record object (the snapshot builder then skips it).
  for (const type of Object.keys(records) as XdsTypeUrl[]) {
    if (records[type] === out.records[type]) continue;
    if (!isSorted(records[type])) records[type] = sortedRecord(records[type]);
    if (sameRecord(records[type], out.records[type])) records[type] = out.records[type];
  }
  out.books = books;
  out.records = records;
}

/** A TLS cluster of a Gateway with spec.tls.backend presents its client certificate (the same object each time). */
function withClientCert(engine: Engine, out: GatewayOut, built: BuiltCluster | null, u: UpstreamIR): BuiltCluster | null {
  const cert = out.state.backendClientCert;
  if (!built || !cert || !u.tls) return built;
  let withCert = out.clientCertClusters.get(built);
  if (!withCert) {
    withCert = { ...built, cluster: clusterWithClientCert(built.cluster, cert.name) };
    engine.hooks.shapers.copy(built.cluster, withCert.cluster);
    out.clientCertClusters.set(built, withCert);
  }
  return withCert;
}

function virtualHost(
  engine: Engine,
  st: State,
  out: GatewayOut,
  tracked: ResourceSnapshot,
  built: VirtualHostIR,
  ranked: Array<Ranked<Payload>>,
  tableKey: string,
): VirtualHostValue {
  // Policy seam (policy-seam.ts): the virtual host IR with its policies, before its hooks and the IR view see it.
  const ir = st.policies.virtualHost(built, out.state, tableKey);
  const routes: EnvoyMessage[] = ir.misdirected ? [MISDIRECTED_ROUTE] : [];
  const clusters: string[] = [];
  const sources: ResourceRef[] = [];
  for (const r of ranked) {
    if (!r.payload) continue;
    routes.push(r.payload);
    sources.push(r.route.source);
    clusters.push(...routeClusters(r.route));
  }
  if (!engine.hooks.has.virtualHost) return { ir, message: { name: ir.name, domains: ir.domains, routes }, clusters, sources };
  const book = new ReportBook();
  const { value: message, deps } = engine.recorder.capture(() =>
    engine.hooks.virtualHost({ snapshot: tracked, reports: book, memo: engine.memo }, ir, routes, out.state.stored.ref),
  );
  for (const d of deps) st.fullDeps.add(d);
  return { ir, message, clusters, sources, book };
}

function cluster(engine: Engine, st: State, tracked: ResourceSnapshot, u: UpstreamIR): BuiltCluster | null {
  // An upstream reused from the last translation (same object) keeps its Envoy messages, and so its encoding.
  const slot = st.clusterCache.get('xds-cluster', u, () => ({ built: undefined as BuiltCluster | undefined }));
  if (slot.built) return slot.built;
  // Without cluster hooks nothing can report on a cluster: no book to keep.
  const book = engine.hooks.has.cluster ? new ReportBook() : (engine.unused ??= new ReportBook());
  const { value, deps } = engine.recorder.capture(() => engine.hooks.cluster({ snapshot: tracked, reports: book, memo: engine.memo }, u));
  for (const d of deps) st.fullDeps.add(d);
  if (engine.hooks.has.cluster) st.clusterBooks.set(u, book);
  // Only a success is remembered: a failing hook runs (and reports) again next time.
  if (value) slot.built = value;
  return value;
}

function sameRecord(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  if (a === b) return true;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function isSorted(r: Record<string, unknown>): boolean {
  let prev = '';
  for (const k in r) {
    if (k < prev) return false;
    prev = k;
  }
  return true;
}
