import type { ResourceRef, ResourceSnapshot } from '@gatehouse/api';
import type { HttpListenerIR, IR, RouteIR, UpstreamIR, VirtualHostIR } from '@gatehouse/ir';
import type { EnvoyMessage, XdsTypeUrl } from './envoy.js';
import type { ReportSink } from './reports.js';
import type { PluginKind } from './policies.js';
import type { StagedHttpFilter } from './stages.js';

/**
 * A cache that outlives one translation. Keys are objects (source resources are frozen and stay the same object
 * while their file is unchanged), so a result computed from unchanged inputs is reused as the same object — and
 * the snapshot builder then reuses its encoding. The compute function must depend only on what the key identifies.
 */
export interface TranslationMemo {
  get<K extends object, V>(scope: string, key: K, compute: () => V): V;
}

/** A memo that remembers nothing: every translation computes everything (the default). */
export const NO_MEMO: TranslationMemo = { get: (_scope, _key, compute) => compute() };

/** A memo kept by a long-running control plane between translations. */
export function createMemo(): TranslationMemo {
  const scopes = new Map<string, WeakMap<object, unknown>>();
  return {
    get<K extends object, V>(scope: string, key: K, compute: () => V): V {
      let m = scopes.get(scope);
      if (!m) scopes.set(scope, (m = new WeakMap()));
      if (m.has(key)) return m.get(key) as V;
      const v = compute();
      m.set(key, v);
      return v;
    },
  };
}

/** What every hook receives. Read-only inputs plus a place to report problems. */
export interface PluginContext {
  readonly snapshot: ResourceSnapshot;
  readonly reports: ReportSink;
  readonly memo: TranslationMemo;
}

/** A backendRef, already defaulted (namespace filled in, port as written). */
export interface BackendTarget {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  port?: number;
}

/** Why a backendRef could not be resolved, with the Gateway API reason (`BackendNotFound`, `InvalidKind`...). */
export interface BackendError {
  reason: string;
  message: string;
}

/**
 * Resolves backendRefs of one group/kind into upstreams.
 *
 * @example
 * { group: 'gatehouse.dev', kind: 'Upstream', resolve: (ctx, target) => ({ clusterName: ..., ... }) }
 */
export interface BackendResolver {
  group: string;
  kind: string;
  resolve(ctx: PluginContext, target: BackendTarget): UpstreamIR | BackendError;
}

/** A resource a plugin adds to the snapshot beside the generated ones. */
export interface GeneratedResource {
  typeUrl: XdsTypeUrl;
  name: string;
  resource: EnvoyMessage;
  /** The source resources it came from (for status and NACK attribution). */
  sources: ResourceRef[];
}

/**
 * A translation plugin. Implement only the hooks you need; every hook is optional. Hooks mutate the Envoy
 * message they are given (`out`). A hook that throws rejects only the resource being processed.
 *
 * @example
 * export const addHeader: TranslatorPlugin = {
 *   name: 'add-header',
 *   route(ctx, route, out) { out['requestHeadersToAdd'] = [{ header: { key: 'x-gw', value: 'gatehouse' } }]; },
 * };
 */
export interface TranslatorPlugin {
  readonly name: string;
  /**
   * The `@gatehouse/plugin-sdk` version the plugin was built against (set it to the SDK's `SDK_VERSION`). The
   * loader refuses a plugin whose SDK major differs from the running control plane's.
   */
  readonly sdkVersion?: string;
  /**
   * Order among plugins implementing the same hook (lower first; default 0; ties keep load order, built-ins
   * first). For HTTP filters it orders filters inside the same stage and position.
   */
  readonly priority?: number;
  /**
   * Proto types this plugin emits beyond the built-in set, so the strict encoder knows them: `envoy` lists proto
   * files of the installed Envoy API set (e.g. `envoy/extensions/filters/http/rbac/v3/rbac.proto`); `files` are
   * the plugin's own `.proto` files (absolute paths), resolved against `includeDirs` and the Envoy set.
   */
  readonly protos?: { readonly envoy?: readonly string[]; readonly files?: readonly string[]; readonly includeDirs?: readonly string[] };
  /** Resource kinds (CRDs) this plugin owns: policies attached by targetRefs, or ExtensionRef filter objects. */
  readonly kinds?: readonly PluginKind[];
  /** backendRef kinds this plugin resolves into upstreams. */
  readonly backends?: readonly BackendResolver[];
  /**
   * ExtensionRef filter kinds this plugin handles: a route rule's ExtensionRef filter of one of these group/kind
   * pairs is kept (in order, as `{ type: 'ExtensionRef', group, kind, name }` in RouteIR.filters) for the plugin's
   * hooks to act on; it emits nothing by itself. A rule with an ExtensionRef no plugin claims is dropped
   * (PartiallyInvalid).
   *
   * @example
   * extensionRefs: [{ group: 'gatehouse.dev', kind: 'UpstreamFunction' }]
   */
  readonly extensionRefs?: ReadonlyArray<{ group: string; kind: string }>;
  /**
   * Shape the Cluster for an upstream this plugin owns (`upstream.plugin === name`) or any upstream. Runs again when
   * the upstream changes; a change to anything it read from `ctx.snapshot` makes the next translation a full one.
   */
  cluster?(ctx: PluginContext, upstream: UpstreamIR, out: EnvoyMessage): void;
  /** Shape an Envoy Route. Runs again when its HTTPRoute is redone (it, or anything its translation read, changed). */
  route?(ctx: PluginContext, route: RouteIR, out: EnvoyMessage): void;
  /** Shape an Envoy VirtualHost. Runs again when a route under its hostname changes. */
  virtualHost?(ctx: PluginContext, vhost: VirtualHostIR, out: EnvoyMessage): void;
  /** Shape an Envoy Listener (after its filter chains are built). Runs on every translation: keep it cheap. */
  listener?(ctx: PluginContext, listener: HttpListenerIR, out: EnvoyMessage): void;
  /**
   * HTTP filters to add to a listener's connection manager, each in a named stage. Runs on every translation: to
   * look at routes, answer per virtual host from `ctx.memo` (unchanged virtual hosts are the same objects).
   */
  httpFilters?(ctx: PluginContext, listener: HttpListenerIR): StagedHttpFilter[];
  /**
   * Extra resources for a gateway's snapshot. Runs on every translation. `ir.gateways` holds that gateway only (the
   * one `gatewayKey` names); `ir.upstreams` every upstream.
   */
  resources?(ctx: PluginContext, ir: IR, gatewayKey: string): GeneratedResource[];
}

export function isBackendError(x: UpstreamIR | BackendError): x is BackendError {
  return 'reason' in x && !('clusterName' in x);
}
