// Runs a filter plugin's hooks on a small hand-made IR (one listener, one virtual host, one route), with policies
// placed where the engine puts them: what each hook adds, without the rest of translation.
import type {
  AttachedPolicy,
  EnvoyMessage,
  KubeObject,
  HttpListenerIR,
  PluginContext,
  PolicyScope,
  RouteIR,
  StagedHttpFilter,
  TranslatorPlugin,
  VirtualHostIR,
} from '@gatehouse/plugin-sdk';
import { NO_MEMO, XdsType, policyKey, sortHttpFilters, typed } from '@gatehouse/plugin-sdk';
import { validateWithEnvoy, type GatewayXds } from '@gatehouse/plugin-sdk/testing';
import { StrictEncoder, pluginProtoRoot } from '@gatehouse/xds';
import { envoyBinary } from './peers.js';

export interface Reported {
  kind: 'reject' | 'warn';
  reason: string;
  message: string;
}

/** A context whose snapshot holds `objects` (namespaced; keyed as the engine keys them). */
export function pluginContext(reported: Reported[] = [], objects: KubeObject[] = []): PluginContext {
  const resources = new Map(
    objects.map((o) => {
      const ref = { kind: o.kind, namespace: o.metadata.namespace ?? 'default', name: o.metadata.name ?? '' };
      return [`${ref.kind}/${ref.namespace}/${ref.name}`, { ref, object: o }];
    }),
  );
  return {
    snapshot: { resources } as unknown as PluginContext['snapshot'],
    reports: {
      reject: (_r, reason, message) => reported.push({ kind: 'reject', reason, message }),
      warn: (_r, reason, message) => reported.push({ kind: 'warn', reason, message }),
    },
    memo: NO_MEMO,
  };
}

/** An AttachedPolicy of `kind` named `name` (namespace default) at `scope`. */
export function attached<Spec>(
  kind: string,
  name: string,
  spec: Spec,
  scope: PolicyScope = 'route',
  merged: AttachedPolicy<Spec>['merged'] = [],
): AttachedPolicy<Spec> {
  const source = { kind, namespace: 'default', name };
  return { spec, source, scope, merged: merged.length ? merged : [{ spec, source, scope }] };
}

export function route(name: string, policies: Record<string, unknown> = {}, filters: RouteIR['filters'] = []): RouteIR {
  return {
    name: `default/${name}/rule/0/match/0`,
    source: { kind: 'HTTPRoute', namespace: 'default', name },
    ruleIndex: 0,
    matchIndex: 0,
    match: { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] },
    action: { kind: 'forward', backends: [{ clusterName: 'app', weight: 1, valid: true }] },
    filters,
    policies,
  };
}

export function listener(routes: RouteIR[], policies: Record<string, unknown> = {}): HttpListenerIR {
  const vh: VirtualHostIR = { name: 'catch-all', domains: ['*'], routes, policies: {} };
  return { name: 'http-8080', protocol: 'HTTP', address: '0.0.0.0', port: 8080, sectionNames: ['http'], virtualHosts: [vh], policies };
}

/** `{ [policyKey]: policy }` for IR `policies`. */
export function policiesOf(kind: string, p: AttachedPolicy<unknown>): Record<string, unknown> {
  return { [policyKey('gatehouse.dev', kind)]: p };
}

/** What the plugin adds: the staged filters for the listener, and each route's Envoy route after the route hook. */
export function runHooks(plugin: TranslatorPlugin, l: HttpListenerIR, ctx = pluginContext()): { filters: StagedHttpFilter[]; routes: EnvoyMessage[] } {
  const filters = plugin.httpFilters?.(ctx, l) ?? [];
  const routes = l.virtualHosts.flatMap((vh) =>
    vh.routes.map((r) => {
      const out: EnvoyMessage = { name: r.name, match: { prefix: '/' }, route: { cluster: 'app' } };
      plugin.route?.(ctx, r, out);
      return out;
    }),
  );
  return { filters, routes };
}

/**
 * The listener and routes the plugin shaped, as a Gateway would be served (HTTP connection manager with the staged
 * filters then the router, a route table, an `app` cluster and the plugin's generated clusters): strictly encoded
 * with the plugin's declared protos, then checked by the real `envoy --mode validate`.
 */
export function envoyAccepts(plugin: TranslatorPlugin, l: HttpListenerIR, ctx = pluginContext()): GatewayXds {
  const { filters, routes } = runHooks(plugin, l, ctx);
  const httpFilters = [
    ...sortHttpFilters(filters).map((f) => f.filter),
    { name: 'envoy.filters.http.router', typedConfig: typed('envoy.extensions.filters.http.router.v3.Router') },
  ];
  const hcm = typed('envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager', {
    statPrefix: 'test',
    rds: { routeConfigName: 'rc', configSource: { ads: {}, resourceApiVersion: 'V3' } },
    httpFilters,
  });
  const listenerRes = {
    name: l.name,
    address: { socketAddress: { address: '127.0.0.1', portValue: 10000 } },
    filterChains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typedConfig: hcm }] }],
  };
  const routeConfig = { name: 'rc', virtualHosts: [{ name: 'vh', domains: ['*'], routes }] };
  const app = {
    name: 'app',
    connectTimeout: '1s',
    type: 'STATIC',
    loadAssignment: {
      clusterName: 'app',
      endpoints: [{ lbEndpoints: [{ endpoint: { address: { socketAddress: { address: '127.0.0.1', portValue: 9 } } } }] }],
    },
  };
  const ir = { gateways: [{ key: 'default/gw', ref: { kind: 'Gateway', namespace: 'default', name: 'gw' }, listeners: [l] }], upstreams: {}, secrets: {} };
  const generated = plugin.resources?.(ctx, ir, 'default/gw') ?? [];
  const x: GatewayXds = {
    listeners: [listenerRes],
    routes: [routeConfig],
    clusters: [app, ...generated.filter((g) => g.typeUrl === XdsType.Cluster).map((g) => g.resource)],
  };
  const encoder = new StrictEncoder(pluginProtoRoot([plugin]).root);
  for (const r of x.listeners!) encoder.encode(XdsType.Listener, r);
  for (const r of x.routes!) encoder.encode(XdsType.Route, r);
  for (const r of x.clusters!) encoder.encode(XdsType.Cluster, r);
  validateWithEnvoy(x, plugin.name, envoyBinary());
  return x;
}
