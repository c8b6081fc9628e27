// The discovery contract: discoverers find backends (Upstreams) and the functions they offer, and the discovery
// module runs them (scope, schedule, concurrency, timeouts, backoff) and keeps their results — as Upstream custom
// resources in Kubernetes mode, in memory beside the configuration in standalone mode. A discoverer does I/O; the
// translation plugins that use its results do not.
import type { KubeObject, ResourceSnapshot, StoredResource } from '@gatehouse/api';
import type { RouteIR } from '@gatehouse/ir';

/** Label on every Upstream a discoverer created: which discoverer (its name). */
export const DISCOVERED_BY_LABEL = 'gatehouse.dev/discovered-by';

/**
 * Opt a Namespace, a Service or an Upstream in (`enabled`) or out (`disabled`) of discovery. An object's own label
 * wins over its namespace's.
 */
export const DISCOVERY_OPT_LABEL = 'gatehouse.dev/discovery';

/**
 * One callable function of an Upstream: what a single route can target (by `name`). Discoverers fill these in;
 * they can be written by hand too.
 *
 * @example
 * { name: 'hello:prod', lambda: { functionName: 'hello', qualifier: 'prod' } }
 * { name: 'getPet', http: { method: 'GET', path: '/pets/{petId}' } }
 */
export interface UpstreamFunction {
  /** Unique on its Upstream; what a route names. */
  name: string;
  /** An AWS Lambda function: its name, a version or alias, and how it is invoked (default synchronously). */
  lambda?: { functionName: string; qualifier?: string; invocation?: 'Synchronous' | 'Asynchronous'; arn?: string };
  /** An HTTP operation (OpenAPI): method and path template; `{name}` segments are path parameters. */
  http?: { method: string; path: string; operationId?: string };
}

/** A discovery problem, as it appears on the Upstream's status: an error code (AWS's own, or Gatehouse's) and where. */
export interface DiscoveryProblem {
  /** e.g. `UnrecognizedClientException`, `InvalidDocument`, `Timeout`, `Unreachable`. */
  code: string;
  message: string;
  /** For a document that does not parse: the line (1-based). */
  line?: number;
  /** The document or endpoint concerned, when there is one. */
  source?: string;
}

/** What one discoverer reports on one Upstream (`status.discovery.<discoverer>`). */
export interface DiscoveryStatus {
  /** `Discovered`: the last run succeeded; `Failed`: it did not (the previous functions are kept); `Pending`: not run yet. */
  state: 'Discovered' | 'Failed' | 'Pending';
  /** When the last run ended (RFC 3339). */
  lastRun?: string;
  /** When the last successful run ended. */
  lastSuccess?: string;
  /** Functions found by the last successful run. */
  functions?: number;
  /** The limit cut the list (maxFunctions). */
  truncated?: boolean;
  /** Where the functions came from (an OpenAPI document's URL). */
  source?: string;
  error?: DiscoveryProblem;
}

/** Thrown by a discoverer: the problem goes on the Upstream's status, with its code and line. */
export class DiscoveryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly line?: number,
    readonly source?: string,
  ) {
    super(message);
  }

  toProblem(): DiscoveryProblem {
    return { code: this.code, message: this.message, ...(this.line !== undefined ? { line: this.line } : {}), ...(this.source ? { source: this.source } : {}) };
  }
}

/** An Upstream a discoverer wants to exist. */
export interface DiscoveredUpstream {
  namespace: string;
  name: string;
  /** Labels to carry (the discovered-by label is added by the discovery module). */
  labels: Record<string, string>;
  /** The spec fields discovery owns; fields a user adds to the Upstream beside them survive rediscovery. */
  spec: Record<string, unknown>;
  /** The object it was made from (Kubernetes mode: its owner, so deleting it deletes the Upstream too). */
  owner?: { apiVersion: string; kind: string; name: string; uid?: string };
}

/** Functions found on one Upstream, and where they came from. */
export interface DiscoveredFunctions {
  functions: UpstreamFunction[];
  /** e.g. the OpenAPI document's URL. */
  source?: string;
}

/** What a discoverer is given on every run. */
export interface DiscoveryContext {
  /** The configuration as the source sees it (Services, EndpointSlices, Upstreams, Namespaces...). */
  readonly snapshot: ResourceSnapshot;
  /** Aborted at the run's timeout or at shutdown: pass it to every request. */
  readonly signal: AbortSignal;
  /** Whether an object is in this discoverer's scope (namespaces, selector, opt-in/out labels). */
  inScope(object: KubeObject): boolean;
  /**
   * A Secret's data, decoded (Kubernetes mode: read from the API on demand, never cached beyond the run; standalone:
   * from the configuration). Undefined when it does not exist.
   */
  secret(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  readonly log: { debug(m: string): void; info(m: string): void; warn(m: string): void };
}

/**
 * Finds Upstreams in other resources (e.g. one per Service port). Runs on changes to the snapshot and on the
 * refresh interval; the module creates, updates and deletes Upstreams to match what it returns.
 *
 * @example
 * { name: 'kubernetes', kind: 'upstreams', discover: (ctx) => servicesOf(ctx.snapshot).filter(ctx.inScope).map(...) }
 */
export interface UpstreamDiscoverer {
  readonly name: string;
  readonly kind: 'upstreams';
  discover(ctx: DiscoveryContext): DiscoveredUpstream[] | Promise<DiscoveredUpstream[]>;
}

/**
 * Finds the functions of existing Upstreams (AWS Lambda functions, OpenAPI operations). Each Upstream it applies to
 * is a target with its own schedule, timeout and backoff; a failure goes on that Upstream's status only.
 */
export interface FunctionDiscoverer {
  readonly name: string;
  readonly kind: 'functions';
  /** Whether this Upstream is one this discoverer can look at (e.g. it has `spec.aws`). */
  appliesTo(upstream: StoredResource): boolean;
  /** Whether the Upstream asks for this discovery itself (then no opt-in label is needed). */
  explicit?(upstream: StoredResource): boolean;
  discover(ctx: DiscoveryContext, upstream: StoredResource): Promise<DiscoveredFunctions>;
}

export type Discoverer = UpstreamDiscoverer | FunctionDiscoverer;

/** The ExtensionRef a route rule names a function with: `{ group: gatehouse.dev, kind: UpstreamFunction, name: <function> }`. */
export const FUNCTION_REF = { group: 'gatehouse.dev', kind: 'UpstreamFunction' } as const;

/**
 * What the function plugins read from a RouteIR once the translator hands them ExtensionRef filters (pending in
 * libs/translator): the rule's ExtensionRef filters among `route.filters`, and each forward backend's reference.
 */
export interface ExtensionRefFilterIR {
  type: 'ExtensionRef';
  group: string;
  kind: string;
  name: string;
}
export interface BackendRefIR {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/** The function a route calls: its Upstream and the function entry; or why it cannot be called (with the Upstream when known). */
export type FunctionCall = { upstream: StoredResource; fn: UpstreamFunction } | { error: string; upstream?: StoredResource };

/**
 * The function a route targets: an ExtensionRef filter of kind UpstreamFunction naming a function of the route's
 * (one) Upstream backend. Undefined when the route names no function.
 */
export function functionCall(snapshot: ResourceSnapshot, route: RouteIR): FunctionCall | undefined {
  const refs = (route.filters as ReadonlyArray<{ type: string }>)
    .filter((f): f is ExtensionRefFilterIR => f.type === 'ExtensionRef')
    .filter((f) => f.group === FUNCTION_REF.group && f.kind === FUNCTION_REF.kind);
  const ref = refs[0];
  if (!ref) return undefined;
  if (refs.length > 1) return { error: `names ${refs.length} functions: a route calls one` };
  if (route.action.kind !== 'forward') return { error: `function ${ref.name}: the rule must forward to an Upstream` };
  const backends = route.action.backends.filter((b) => b.valid) as Array<{ ref?: BackendRefIR }>;
  const upstreams = backends.map((b) => b.ref).filter((r): r is BackendRefIR => !!r && r.group === FUNCTION_REF.group && r.kind === 'Upstream');
  if (upstreams.length !== 1 || backends.length !== 1)
    return { error: `function ${ref.name}: the rule needs exactly one backendRef, to the gatehouse.dev Upstream that has the function` };
  const u = upstreams[0]!;
  const upstream = snapshot.resources.get(`Upstream/${u.namespace}/${u.name}`);
  if (!upstream) return { error: `function ${ref.name}: Upstream ${u.namespace}/${u.name} not found` };
  const fns = (upstream.object as { spec?: { functions?: UpstreamFunction[] } }).spec?.functions ?? [];
  const fn = fns.find((f) => f.name === ref.name);
  if (!fn)
    return {
      upstream,
      error: `Upstream ${u.namespace}/${u.name} has no function "${ref.name.slice(0, 100)}" (it has ${fns.length}: see gatehouse get upstreams)`,
    };
  return { upstream, fn };
}

/** Whether an Upstream is the `aws` variant (its functions are Lambda functions). */
export function isAwsUpstream(upstream: StoredResource | undefined): boolean {
  return !!(upstream?.object as { spec?: { aws?: unknown } } | undefined)?.spec?.aws;
}
