// What a Translator keeps between translations, and the per-translator parts every phase uses.
import type { DepRecorder, ResourceRef, ResourceSnapshot } from '@gatehouse/api';
import type { SecretIR, UpstreamIR, VirtualHostIR } from '@gatehouse/ir';
import type { BackendResolver, EnvoyMessage, GeneratedResource, TranslationMemo, XdsResources } from '@gatehouse/plugin-sdk';
import type {
  BackendTlsIndex,
  CachedReport,
  GatewayLayout,
  GatewayState,
  ListenerSlot,
  Ranked,
  ReportBook,
  RouteContext,
  StreamEntry,
  StreamTable,
  VirtualHostTable,
} from '@gatehouse/translator';
import type { BuiltCluster, Hooks } from '@gatehouse/xds-translator';
import type { TranslateOptions } from './options.js';
import type { IrPolicies } from './policy-seam.js';

/** The parts of a Translator every phase uses; `generation` counts translations (stale lazy reads fail). */
export interface Engine {
  readonly options: TranslateOptions;
  readonly hooks: Hooks;
  readonly memo: TranslationMemo;
  readonly recorder: DepRecorder;
  /** A one-shot translation records nothing for later updates. */
  readonly once: boolean;
  readonly resolvers: ReadonlyMap<string, BackendResolver>;
  /** ExtensionRef filter kinds plugins claimed, as `group/kind`. */
  readonly extensionRefs: ReadonlySet<string>;
  generation: number;
  /** The one book a one-shot translation records every route unit in. */
  onceBook?: ReportBook;
  /** A book nobody reads (cluster building without cluster hooks). */
  unused?: ReportBook;
}

/** An Envoy route, or null when a plugin failed on it. */
export type Payload = EnvoyMessage | null;

export interface VirtualHostValue {
  /** The virtual host's IR with its policies (what hooks and the IR view see). */
  ir: VirtualHostIR;
  message: EnvoyMessage;
  clusters: string[];
  sources: ResourceRef[];
  book?: ReportBook;
}

/** Where a route unit placed its routes: a route table (HTTP, HTTPS) or a stream table (TLS, TCP, UDP). */
export type Placement =
  | { slot: ListenerSlot; table: RouteTable; stream?: undefined; hostnames: string[]; ranked: Array<Ranked<Payload>> }
  | { slot: ListenerSlot; table?: undefined; stream: StreamState; entries: StreamEntry[] };

export interface StreamState {
  table: StreamTable;
  /** Clusters its chains send to, as last built. */
  clusters: ReadonlySet<string>;
  /** The table's revision `clusters` was built from. */
  seen: number;
}

/** One route resource translated: its reports, where it placed its routes, what it sends to and what it read. */
export interface RouteUnit {
  book: ReportBook;
  placed: Placement[];
  clusters: string[];
  deps: ReadonlySet<string>;
}

export interface RouteTable {
  routeConfigName: string;
  table: VirtualHostTable<Payload, VirtualHostValue>;
  /** Cluster name → how many (virtual host, route) pairs send to it. */
  clusterUse: Map<string, number>;
  config?: EnvoyMessage;
}

export interface GatewayOut {
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

export interface State {
  revision?: object;
  snapshot: ResourceSnapshot;
  gatewayBook: ReportBook;
  gateways: Map<string, GatewayOut>;
  secrets: Record<string, SecretIR>;
  gatewayStates: ReadonlyMap<string, GatewayState>;
  listenerSets: RouteContext['listenerSets'];
  backendTls: BackendTlsIndex;
  /** Policies to put into IR nodes (see policy-seam.ts). */
  policies: IrPolicies;
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
