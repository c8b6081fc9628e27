// What route processing works with: the snapshot, where reports go, the Gateways, backend resolvers and what was
// resolved so far.
import type { DepRecorder, ResourceRef, ResourceSnapshot } from '@gatehouse/api';
import type { RouteIR, StreamRouteIR, UpstreamIR } from '@gatehouse/ir';
import type { BackendResolver, PluginContext } from '@gatehouse/plugin-sdk';
import type { BackendTlsIndex, PolicyMatch } from './backend-tls.js';
import type { GatewayState, ListenerSetState } from './gateways.js';
import type { ReportBook } from './report-book.js';

export type Problem = { reason: string; message: string };
export type ReportCall = ['reject' | 'warn', ResourceRef, string, string];

export interface RouteContext {
  snapshot: ResourceSnapshot;
  book: ReportBook;
  gateways: ReadonlyMap<string, GatewayState>;
  /** ListenerSets attached to a Gatehouse Gateway, by `namespace/name`, with that Gateway. */
  listenerSets: ReadonlyMap<string, { gateway: GatewayState; set: ListenerSetState }>;
  resolvers: ReadonlyMap<string, BackendResolver>;
  /** ExtensionRef filter kinds plugins claimed (TranslatorPlugin.extensionRefs), as `group/kind`. */
  extensionRefs: ReadonlySet<string>;
  /** Of those, the plugin-owned kinds whose objects ExtensionRef filters name (`group/kind`): they must exist. */
  extensionKinds?: ReadonlySet<string>;
  pluginCtx: PluginContext;
  /**
   * Backends resolved so far, by target key (one resolution per target per translation), with what they read and
   * reported: a route reusing a resolution gets both, as if it had resolved the backend itself.
   */
  resolved: Map<string, { result: UpstreamIR | Problem; deps: ReadonlySet<string>; reports: ReportCall[]; policy?: PolicyMatch }>;
  /** BackendTLSPolicies by target. */
  backendTls: BackendTlsIndex;
  /** The policies the route being processed uses (its backends'): their ancestor status comes from its parents. */
  policiesUsed: PolicyMatch[];
  /** Records what route processing reads from the snapshot; a cached resolution replays its reads. */
  deps: DepRecorder;
}

/** A route's rules, built once for all its parents. */
export interface BuiltRules {
  /** HTTP-like routes (HTTPRoute, GRPCRoute). */
  routes: RouteIR[];
  /** Stream routes (TLSRoute, TCPRoute, UDPRoute). */
  streams: StreamRouteIR[];
  /** Unresolvable backends (ResolvedRefs=False). */
  problems: Problem[];
  /** Rules dropped because they cannot be honoured (PartiallyInvalid, or Accepted=False when all are). */
  invalid: string[];
  ruleCount: number;
}
