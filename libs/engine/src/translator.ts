// The translator a control plane keeps: the first snapshot is translated whole; a later snapshot that says what
// changed since the last one (ResourceSnapshot.changes) is translated by redoing only the routes that read a
// changed resource, the virtual hosts they touch and the clusters they use. Both paths give the same output (the
// incremental equivalence test compares them), and a fresh Translator is exactly `translate()`.
import {
  DepRecorder,
  changeDeps,
  kindOfKey,
  resourceKey,
  resourcesOfKind,
  trackedSnapshot,
  type AnyRoute,
  type ResourceRef,
  type ResourceSnapshot,
  type StoredResource,
} from '@gatehouse/api';
import type { IR, SecretIR, UpstreamIR, VirtualHostIR } from '@gatehouse/ir';
import {
  NO_MEMO,
  XdsType,
  emptyXdsResources,
  isBackendError,
  type BackendResolver,
  type EnvoyMessage,
  type GeneratedResource,
  type PluginContext,
  type ResourceReport,
  type TranslationMemo,
  type TranslatorPlugin,
  type XdsResources,
  type XdsTypeUrl,
} from '@gatehouse/plugin-sdk';
import {
  ROUTE_KINDS,
  ReportBook,
  backendTlsPolicies,
  type BackendTlsIndex,
  StreamTable,
  VirtualHostTable,
  acceptedClasses,
  gatewayLayout,
  internalError,
  processGateways,
  processRoute,
  type CachedReport,
  type GatewayLayout,
  type GatewayState,
  type ListenerSlot,
  type RouteContext,
  type StreamEntry,
  type Ranked,
} from '@gatehouse/translator';
import { ADS_CONFIG_SOURCE, Hooks, envoyStreamListener, routeClusters, routeConfiguration, streamClusters, tlsSecret, type BuiltCluster } from '@gatehouse/xds-translator';
import { dedupeRefs, sortedRecord } from './util.js';

const ROUTE_KIND_SET = new Set(ROUTE_KINDS);

/** A request on an HTTPS connection whose Host another listener on the port serves (RFC 9110 421). */
const MISDIRECTED_ROUTE: EnvoyMessage = Object.freeze({ name: 'misdirected-request', match: Object.freeze({ prefix: '/' }), directResponse: Object.freeze({ status: 421 }) });

export interface TranslateOptions {
  plugins: readonly TranslatorPlugin[];
  defaultBindAddress?: string;
  /**
   * Whether the proxy's host has an IP address a Gateway asks for in spec.addresses (AddressNotUsable otherwise).
   * Translation does no I/O: the control plane, which knows where its Envoys run, answers. Default: every address.
   */
  addressUsable?: (address: string) => boolean;
  /**
   * False when Envoys are provisioned into a cluster: they bind the default address, and a Gateway's spec.addresses
   * ask for the Service's addresses instead (default true: Envoy binds them).
   */
  bindGatewayAddresses?: boolean;
  /**
   * A plugin hook that runs longer than this rejects the resource it was processing. Off by default, which keeps
   * translation a pure function; the control plane turns it on.
   */
  hookBudgetMs?: number;
  /** Results reused between translations; see TranslationMemo. */
  memo?: TranslationMemo;
}

/** Which source resources produced each Envoy resource: the key to NACK attribution and status. */
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

export interface GatewayXds {
  resources: XdsResources;
  provenance: Provenance;
}

export interface Translation {
  /** The IR (computed when first read). */
  readonly ir: IR;
  /** xDS resources and provenance per Gateway (`namespace/name`), the unit the xDS cache serves. */
  gateways: Record<string, GatewayXds>;
  /** Every resource's fate (computed when first read), sorted by key. */
  reports: ResourceReport[];
  /** Problems not tied to any resource (a document that does not parse). */
  problems: Array<{ file?: string; line?: number; message: string }>;
  /** Whether this translation redid only what changed, and how many routes it redid. */
  stats: { incremental: boolean; routes: number };
}

type Payload = EnvoyMessage | null;

interface VirtualHostValue {
  message: EnvoyMessage;
  clusters: string[];
  sources: ResourceRef[];
  book?: ReportBook;
}

/** Where a route unit placed its routes: a route table (HTTP, HTTPS) or a stream table (TLS, TCP, UDP). */
type Placement =
  | { slot: ListenerSlot; table: RouteTable; stream?: undefined; hostnames: string[]; ranked: Array<Ranked<Payload>> }
  | { slot: ListenerSlot; table?: undefined; stream: StreamState; entries: StreamEntry[] };

interface StreamState {
  table: StreamTable;
  /** Clusters its chains send to, as last built. */
  clusters: ReadonlySet<string>;
}

interface RouteUnit {
  book: ReportBook;
  placed: Placement[];
  clusters: string[];
  deps: ReadonlySet<string>;
}

interface RouteTable {
  routeConfigName: string;
  table: VirtualHostTable<Payload, VirtualHostValue>;
  /** Cluster name → how many (virtual host, route) pairs send to it. */
  clusterUse: Map<string, number>;
  config?: EnvoyMessage;
}

interface GatewayOut {
  state: GatewayState;
  layout: GatewayLayout;
  tables: Map<string, RouteTable>;
  /** One per Envoy stream listener (TLS, TCP, UDP). */
  streams: Map<string, StreamState>;
  /** TLS clusters with the Gateway's backend client certificate, by the cluster they were made from. */
  clientCertClusters: WeakMap<BuiltCluster, BuiltCluster>;
  clusters: Map<string, { upstream: UpstreamIR; built: BuiltCluster | null }>;
  clusterNames: string[];
  /** Clusters a plugin hook failed on: tried again on the next translation. */
  failedClusters: Set<string>;
  okListeners: string;
  records: XdsResources;
  books: ReportBook[];
  generated: GeneratedResource[];
}

interface State {
  revision?: object;
  snapshot: ResourceSnapshot;
  gatewayBook: ReportBook;
  gateways: Map<string, GatewayOut>;
  secrets: Record<string, SecretIR>;
  gatewayStates: ReadonlyMap<string, GatewayState>;
  listenerSets: RouteContext['listenerSets'];
  backendTls: BackendTlsIndex;
  units: Map<string, RouteUnit>;
  dependents: Map<string, Set<string>>;
  /** What the gateway phase and the virtual-host and cluster hooks read: a change there means a full translation. */
  fullDeps: Set<string>;
  upstreams: Map<string, UpstreamIR>;
  upstreamRefs: Map<string, number>;
  clusterCache: TranslationMemo;
  clusterBooks: WeakMap<UpstreamIR, ReportBook>;
  /** Reports of the last translation with what they were made from: unchanged ones keep their objects. */
  reportCache: Map<string, CachedReport>;
}

export class Translator {
  private readonly hooks: Hooks;
  private readonly resolvers = new Map<string, BackendResolver>();
  /** ExtensionRef filter kinds plugins claimed, as `group/kind`. */
  private readonly extensionRefs = new Set<string>();
  private readonly memo: TranslationMemo;
  private readonly recorder: DepRecorder;
  private st: State | undefined;
  private generation = 0;
  private onceBook: ReportBook | undefined;
  private unused: ReportBook | undefined;
  /** Set when a Gateway could not be assembled: the next translation is a full one. */
  private restart = false;

  /** `once`: this translator translates one snapshot only, so it records nothing for later updates. */
  constructor(
    private readonly options: TranslateOptions,
    private readonly once = false,
  ) {
    this.recorder = once ? new NoRecorder() : new DepRecorder();
    this.hooks = new Hooks(options.plugins, options.hookBudgetMs);
    this.memo = options.memo ?? NO_MEMO;
    for (const p of options.plugins) for (const r of p.backends ?? []) this.resolvers.set(`${r.group}/${r.kind}`, r);
    for (const p of options.plugins) for (const e of p.extensionRefs ?? []) this.extensionRefs.add(`${e.group}/${e.kind}`);
  }

  translate(snapshot: ResourceSnapshot): Translation {
    this.generation++;
    try {
      return this.run(snapshot);
    } catch (err) {
      this.st = undefined; // half-updated state is never reused
      throw err;
    }
  }

  private run(snapshot: ResourceSnapshot): Translation {
    let dirty = this.st && !this.restart ? this.dirtyRoutes(this.st, snapshot) : undefined;
    this.restart = false;
    const incremental = dirty !== undefined;
    if (!dirty) {
      this.st = this.gatewayPhase(snapshot);
      dirty = ROUTE_KINDS.flatMap((kind) => resourcesOfKind(snapshot, kind).map((r) => r.key)).sort();
    }
    const st = this.st!;
    st.snapshot = snapshot;
    if (snapshot.revision) st.revision = snapshot.revision;
    else delete st.revision;

    const tracked = this.track(snapshot);
    const resolved: Parameters<typeof processRoute>[0]['resolved'] = new Map();
    for (const key of dirty) {
      const old = st.units.get(key);
      if (old) this.detach(st, key, old);
      const stored = snapshot.resources.get(key);
      if (!stored || !ROUTE_KIND_SET.has(stored.ref.kind)) {
        st.units.delete(key);
        continue;
      }
      const unit = this.processUnit(st, tracked, resolved, stored as StoredResource & { object: AnyRoute });
      st.units.set(key, unit);
      this.attach(st, key, unit);
    }
    const changedUpstreams = new Set<string>();
    for (const { result } of resolved.values()) {
      if (isBackendError(result) || !st.upstreamRefs.has(result.clusterName)) continue;
      if (st.upstreams.get(result.clusterName) !== result) changedUpstreams.add(result.clusterName);
      st.upstreams.set(result.clusterName, result);
    }

    const gateways: Record<string, GatewayXds> = {};
    for (const [key, out] of st.gateways) {
      try {
        this.assemble(st, out, tracked, changedUpstreams, !incremental);
      } catch (err) {
        // This Gateway keeps the resources it had; the others are assembled as usual. Its half-updated tables are
        // not trusted again: the next translation starts from scratch.
        st.gatewayBook.reject(out.state.stored.ref, 'TranslationError', internalError(out.state.stored.ref, err));
        this.restart = true;
      }
      gateways[key] = { resources: out.records, provenance: this.provenance(st, out) };
    }
    return this.result(st, snapshot, gateways, { incremental, routes: dirty.length });
  }

  /** The routes to redo for `snapshot`, or undefined when it needs a full translation. */
  private dirtyRoutes(st: State, snapshot: ResourceSnapshot): string[] | undefined {
    const changes = snapshot.changes;
    if (!changes || !st.revision || changes.since !== st.revision) return undefined;
    const touched = new Set<string>(['*']);
    for (const k of changes.keys) {
      changeDeps(k, st.snapshot.resources.get(k), touched);
      changeDeps(k, snapshot.resources.get(k), touched);
    }
    for (const d of touched) if (st.fullDeps.has(d)) return undefined;
    const dirty = new Set<string>();
    for (const k of changes.keys) if (ROUTE_KIND_SET.has(kindOfKey(k))) dirty.add(k);
    for (const d of touched) for (const u of st.dependents.get(d) ?? []) dirty.add(u);
    return [...dirty];
  }

  private gatewayPhase(snapshot: ResourceSnapshot): State {
    const book = new ReportBook();
    const tracked = this.track(snapshot);
    const { value: [states, backendTls], deps } = this.recorder.capture(() => [processGateways(tracked, book, acceptedClasses(tracked, book), { defaultBindAddress: this.options.defaultBindAddress ?? '0.0.0.0', ...(this.options.addressUsable ? { addressUsable: this.options.addressUsable } : {}), ...(this.options.bindGatewayAddresses === false ? { bindGatewayAddresses: false } : {}) }), backendTlsPolicies(tracked, book)] as const);
    const gateways = new Map<string, GatewayOut>();
    const secrets: Record<string, SecretIR> = {};
    for (const state of states) {
      const layout = gatewayLayout(state);
      const tables = new Map<string, RouteTable>();
      for (const t of layout.tables) tables.set(t.key, { routeConfigName: t.routeConfigName, table: new VirtualHostTable(t.listeners), clusterUse: new Map() });
      const streams = new Map(layout.streamTables.map((name) => [name, { table: new StreamTable(), clusters: new Set<string>() }]));
      gateways.set(state.key, { state, layout, tables, streams, clientCertClusters: new WeakMap(), clusters: new Map(), clusterNames: [], failedClusters: new Set(), okListeners: '', records: emptyXdsResources(), books: [], generated: [] });
      for (const slot of state.slots) if (slot.usable) for (const sec of slot.secrets) secrets[sec.name] = sec;
      if (state.backendClientCert) secrets[state.backendClientCert.name] = state.backendClientCert;
    }
    return {
      snapshot,
      gatewayBook: book,
      gateways,
      gatewayStates: new Map(states.map((g) => [g.key, g])),
      listenerSets: new Map(states.flatMap((g) => [...g.listenerSets].map(([key, set]) => [key, { gateway: g, set }] as const))),
      backendTls,
      secrets: sortedRecord(secrets),
      units: new Map(),
      dependents: new Map(),
      fullDeps: deps,
      upstreams: new Map(),
      upstreamRefs: new Map(),
      // A plugin's cluster hook may read anything: its clusters are only reused within this state (its reads are in
      // fullDeps); without cluster hooks a cluster is reused as long as its upstream is the same object.
      clusterCache: this.hooks.has.cluster ? scopedMemo() : this.memo,
      clusterBooks: new WeakMap(),
      reportCache: new Map(),
    };
  }

  private processUnit(st: State, tracked: ResourceSnapshot, resolved: Parameters<typeof processRoute>[0]['resolved'], stored: StoredResource & { object: AnyRoute }): RouteUnit {
    // Units are processed in key order, so a one-shot translation can record them all in one book: the same as
    // merging one book per unit in key order, without a book per route.
    const book = this.once ? (this.onceBook ??= new ReportBook()) : new ReportBook();
    const ctx: PluginContext = { snapshot: tracked, reports: book, memo: this.memo };
    let failure: unknown;
    const { value, deps } = this.recorder.capture(() => {
      try {
        return this.placeRoute(st, tracked, resolved, stored, book, ctx);
      } catch (err) {
        // A bug or an unforeseen input shape: this route is rejected, every other resource is still translated.
        failure = err;
        return { placed: [], clusters: [] };
      }
    });
    if (failure !== undefined) book.reject(stored.ref, 'TranslationError', internalError(stored.ref, failure));
    return { book, placed: value.placed, clusters: value.clusters, deps };
  }

  private placeRoute(st: State, tracked: ResourceSnapshot, resolved: Parameters<typeof processRoute>[0]['resolved'], stored: StoredResource & { object: AnyRoute }, book: ReportBook, ctx: PluginContext): Pick<RouteUnit, 'placed' | 'clusters'> {
    const { routes, streams, attachments } = processRoute({ snapshot: tracked, book, gateways: st.gatewayStates, listenerSets: st.listenerSets, backendTls: st.backendTls, policiesUsed: [], resolvers: this.resolvers, extensionRefs: this.extensionRefs, pluginCtx: ctx, resolved, deps: this.recorder }, stored);
    // One Envoy route per route and (port, scheme): redirects take their port from where they are served.
    const messages: Array<{ port: number; scheme: string; payloads: Payload[] }> = [];
    const placed = attachments.map((a): Placement => {
      const out = st.gateways.get(`${a.slot.gatewayRef.namespace}/${a.slot.gatewayRef.name}`)!;
      const stream = out.streams.get(a.slot.envoyListener);
      if (stream) {
        const routeHostnames = (stored.object.spec as { hostnames?: string[] }).hostnames ?? [];
        return { slot: a.slot, stream, entries: a.streams.map((r) => ({ slot: a.slot, hostnames: a.hostnames, routeHostnames, stream: r, createdAt: a.createdAt })) };
      }
      const scheme = a.slot.listener.protocol === 'HTTPS' ? 'https' : 'http';
      const port = a.slot.listener.port;
      let payloads = messages.find((m) => m.port === port && m.scheme === scheme)?.payloads;
      if (!payloads) messages.push({ port, scheme, payloads: (payloads = a.routes.map((r) => this.hooks.route(ctx, r, { port, scheme }))) });
      const table = out.tables.get(out.layout.tableOf(a.slot))!;
      const ranked: Array<Ranked<Payload>> = [];
      const listener = a.slot.listener.hostname ?? '*';
      a.hostnames.forEach((hostname, h) => a.routes.forEach((route, i) => ranked.push({ route, hostname, origin: a.origins[h]!, createdAt: a.createdAt, payload: payloads[i]!, listener })));
      return { slot: a.slot, table, hostnames: a.hostnames, ranked };
    });
    return { placed, clusters: [...new Set([...routes.flatMap(routeClusters), ...streams.flatMap(streamClusters)])] };
  }

  private track(snapshot: ResourceSnapshot): ResourceSnapshot {
    return this.once ? snapshot : trackedSnapshot(snapshot, this.recorder);
  }

  private attach(st: State, key: string, unit: RouteUnit): void {
    for (const p of unit.placed) {
      if (p.table) p.table.table.add(key, p.ranked);
      else p.stream.table.add(key, p.entries);
    }
    for (const d of unit.deps) {
      let set = st.dependents.get(d);
      if (!set) st.dependents.set(d, (set = new Set()));
      set.add(key);
    }
    for (const c of unit.clusters) st.upstreamRefs.set(c, (st.upstreamRefs.get(c) ?? 0) + 1);
  }

  private detach(st: State, key: string, unit: RouteUnit): void {
    for (const p of unit.placed) {
      if (p.table) p.table.table.remove(key, p.hostnames);
      else p.stream.table.remove(key);
    }
    for (const d of unit.deps) {
      const set = st.dependents.get(d);
      set?.delete(key);
      if (set?.size === 0) st.dependents.delete(d);
    }
    for (const c of unit.clusters) {
      const n = st.upstreamRefs.get(c)! - 1;
      if (n > 0) st.upstreamRefs.set(c, n);
      else {
        st.upstreamRefs.delete(c);
        st.upstreams.delete(c);
      }
    }
  }

  /** Brings a gateway's Envoy resources up to date with its route tables. */
  private assemble(st: State, out: GatewayOut, tracked: ResourceSnapshot, changedUpstreams: ReadonlySet<string>, full: boolean): void {
    const gwRef = out.state.stored.ref;
    const dirtyClusters = new Set<string>();
    for (const t of out.tables.values()) {
      const changes = t.table.rebuild((ir, ranked) => this.virtualHost(st, tracked, ir, ranked, gwRef));
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
      t.config = routeConfiguration(t.routeConfigName, t.table.virtualHosts().map((v) => v.value.message));
    }

    // Stream tables: their chains are rebuilt when a route of theirs changed (few routes each: no finer bookkeeping).
    for (const sst of out.streams.values()) {
      if (!sst.table.dirty) continue;
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
      return { snapshot: st.snapshot, reports: book, memo: this.memo };
    };
    const listeners = out.layout.listeners((tableKey) => out.tables.get(tableKey)!.table.virtualHosts().map((v) => v.ir));
    const records = emptyXdsResources();
    const okTables: RouteTable[] = [];
    for (const l of listeners) {
      const built = this.hooks.listener(ctx(), l, gwRef);
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
      const built = this.withClientCert(out, this.cluster(st, tracked, u), u);
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
      records[XdsType.Secret][clientCert.name] = out.records[XdsType.Secret][clientCert.name] ?? tlsSecret(clientCert.name, clientCert.certificateChain, clientCert.privateKey);
    }
    // Extra resources from plugins: they may look at the whole IR, so they are asked on every translation.
    out.generated = this.hooks.has.resources ? this.hooks.resources(ctx(), this.irOf(st), out.state.key, gwRef) : [];
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
  private withClientCert(out: GatewayOut, built: BuiltCluster | null, u: UpstreamIR): BuiltCluster | null {
    const cert = out.state.backendClientCert;
    if (!built || !cert || !u.tls) return built;
    let withCert = out.clientCertClusters.get(built);
    if (!withCert) {
      const cluster = structuredClone(built.cluster) as { transportSocket: { typedConfig: { commonTlsContext: EnvoyMessage } } };
      cluster.transportSocket.typedConfig.commonTlsContext['tlsCertificateSdsSecretConfigs'] = [{ name: cert.name, sdsConfig: ADS_CONFIG_SOURCE }];
      withCert = { ...built, cluster: cluster as unknown as EnvoyMessage };
      out.clientCertClusters.set(built, withCert);
    }
    return withCert;
  }

  private virtualHost(st: State, tracked: ResourceSnapshot, ir: VirtualHostIR, ranked: Array<Ranked<Payload>>, gateway: ResourceRef): VirtualHostValue {
    const routes: EnvoyMessage[] = ir.misdirected ? [MISDIRECTED_ROUTE] : [];
    const clusters: string[] = [];
    const sources: ResourceRef[] = [];
    for (const r of ranked) {
      if (!r.payload) continue;
      routes.push(r.payload);
      sources.push(r.route.source);
      clusters.push(...routeClusters(r.route));
    }
    if (!this.hooks.has.virtualHost) return { message: { name: ir.name, domains: ir.domains, routes }, clusters, sources };
    const book = new ReportBook();
    const { value: message, deps } = this.recorder.capture(() => this.hooks.virtualHost({ snapshot: tracked, reports: book, memo: this.memo }, ir, routes, gateway));
    for (const d of deps) st.fullDeps.add(d);
    return { message, clusters, sources, book };
  }

  private cluster(st: State, tracked: ResourceSnapshot, u: UpstreamIR): BuiltCluster | null {
    // An upstream reused from the last translation (same object) keeps its Envoy messages, and so its encoding.
    const slot = st.clusterCache.get('xds-cluster', u, () => ({ built: undefined as BuiltCluster | undefined }));
    if (slot.built) return slot.built;
    // Without cluster hooks nothing can report on a cluster: no book to keep.
    const book = this.hooks.has.cluster ? new ReportBook() : (this.unused ??= new ReportBook());
    const { value, deps } = this.recorder.capture(() => this.hooks.cluster({ snapshot: tracked, reports: book, memo: this.memo }, u));
    for (const d of deps) st.fullDeps.add(d);
    if (this.hooks.has.cluster) st.clusterBooks.set(u, book);
    // Only a success is remembered: a failing hook runs (and reports) again next time.
    if (value) slot.built = value;
    return value;
  }

  private provenance(st: State, out: GatewayOut): Provenance {
    const gen = this.generation;
    const gwRef = out.state.stored.ref;
    const records = out.records;
    let byType: Map<string, Map<string, ResourceRef[]>> | undefined;
    const compute = () => {
      if (gen !== this.generation) throw new Error('provenance read after the translator moved on to a newer translation');
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

  private irOf(st: State): IR {
    const upstreams: Record<string, UpstreamIR> = {};
    for (const [name, u] of st.upstreams) upstreams[name] = u;
    return {
      gateways: [...st.gateways.values()].map((out) => ({
        key: out.state.key,
        ref: out.state.stored.ref,
        listeners: out.layout.listeners((tableKey) => out.tables.get(tableKey)!.table.virtualHosts().map((v) => v.ir)),
        streamListeners: out.layout.streamListeners((name) => out.streams.get(name)!.table.chains()),
        ...(out.state.infrastructure ? { infrastructure: out.state.infrastructure } : {}),
      })),
      upstreams: sortedRecord(upstreams),
      secrets: st.secrets,
    };
  }

  private reportsOf(st: State, snapshot: ResourceSnapshot): ResourceReport[] {
    const attached = new Map<object, number>();
    for (const unit of st.units.values()) for (const p of unit.placed) attached.set(p.slot.report, (attached.get(p.slot.report) ?? 0) + 1);
    const books: ReportBook[] = [st.gatewayBook];
    for (const key of [...st.units.keys()].sort()) {
      const book = st.units.get(key)!.book;
      if (book !== books[books.length - 1]) books.push(book);
    }
    for (const out of st.gateways.values()) {
      for (const t of out.tables.values()) for (const vh of t.table.virtualHosts()) if (vh.value.book) books.push(vh.value.book);
      for (const name of out.clusterNames) {
        const book = st.clusterBooks.get(out.clusters.get(name)!.upstream);
        if (book) books.push(book);
      }
      books.push(...out.books);
    }
    const problems = new ReportBook();
    for (const p of snapshot.problems) {
      if (!p.ref) continue;
      const where = p.origin.file ? `${p.origin.file}${p.origin.line ? `:${p.origin.line}` : ''}: ` : '';
      if (p.severity === 'error') problems.reject(p.ref, 'Invalid', where + p.message);
      else problems.warn(p.ref, 'SourceWarning', where + p.message);
    }
    books.push(problems);
    // Only reports about resources that exist (or were refused at the source).
    const known = new Set(snapshot.problems.flatMap((p) => (p.ref ? [resourceKey(p.ref)] : [])));
    return ReportBook.reports(books, (l) => attached.get(l) ?? 0, this.once ? undefined : st.reportCache).filter((r) => {
      const key = resourceKey(r.ref);
      return snapshot.resources.has(key) || known.has(key);
    });
  }

  private result(st: State, snapshot: ResourceSnapshot, gateways: Record<string, GatewayXds>, stats: Translation['stats']): Translation {
    const gen = this.generation;
    const fresh = <T>(what: string, fn: () => T) => () => {
      if (gen !== this.generation) throw new Error(`${what} read after the translator moved on to a newer translation`);
      return fn();
    };
    const problems: Translation['problems'] = snapshot.problems
      .filter((p) => !p.ref)
      .map((p) => ({ ...(p.origin.file ? { file: p.origin.file } : {}), ...(p.origin.line ? { line: p.origin.line } : {}), message: p.message }));
    return new LazyTranslation(gateways, problems, stats, fresh('IR', () => this.irOf(st)), fresh('reports', () => this.reportsOf(st, snapshot)));
  }
}

class LazyTranslation implements Translation {
  private irValue: IR | undefined;
  private reportsValue: ResourceReport[] | undefined;

  constructor(
    public gateways: Record<string, GatewayXds>,
    public problems: Translation['problems'],
    public stats: Translation['stats'],
    private readonly computeIr: () => IR,
    private readonly computeReports: () => ResourceReport[],
  ) {}

  get ir(): IR {
    return (this.irValue ??= this.computeIr());
  }

  get reports(): ResourceReport[] {
    return (this.reportsValue ??= this.computeReports());
  }

  set reports(value: ResourceReport[]) {
    this.reportsValue = value;
  }
}

function scopedMemo(): TranslationMemo {
  const m = new WeakMap<object, unknown>();
  return {
    get: <K extends object, V>(_scope: string, key: K, compute: () => V): V => {
      if (!m.has(key)) m.set(key, compute());
      return m.get(key) as V;
    },
  };
}

function sameRecord(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  if (a === b) return true;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

/** For a one-shot translation: nothing to record. */
class NoRecorder extends DepRecorder {
  private static readonly none: ReadonlySet<string> = new Set();
  override read(): void {}
  override replay(): void {}
  override capture<T>(fn: () => T): { value: T; deps: Set<string> } {
    return { value: fn(), deps: NoRecorder.none as Set<string> };
  }
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

