// External authorization (ExtAuthPolicy) with stock Envoy's ext_authz filter (stage `authz`), calling an HTTP service
// or a gRPC one (envoy.service.auth.v3.Authorization). Each policy gets its own filter
// (`gatehouse.filters.http.ext_authz/<namespace>/<name>`), disabled by default; a route enables the one of its policy.
// A Gateway- or listener-wide policy's filter is enabled for the whole listener. The auth service is reached through a
// cluster this plugin generates (`extauthz_<namespace>_<name>`). Denied: the service's status (403 from gRPC).
import {
  SDK_VERSION,
  XdsType,
  msToProtoDuration,
  parseDurationMs,
  setPerFilterConfig,
  typed,
  typedConfig,
  type AttachedPolicy,
  type EnvoyMessage,
  type EnvoyTypes,
  type GeneratedResource,
  type PluginContext,
  type StagedHttpFilter,
  type TranslatorPlugin,
  parseServiceUrl,
  serviceCluster,
  serviceClusterName,
  type ServiceUrl,
} from '@gatehouse/plugin-sdk';
import { EXT_AUTH_POLICY, EXT_AUTH_POLICY_CRD } from './crd.js';
import { effective, fromPolicy, policiesIn, policyProblem, refName, tryPolicy } from './policy-kit.js';

export { EXT_AUTH_POLICY, EXT_AUTH_POLICY_CRD } from './crd.js';

export interface ExtAuthPolicySpec {
  http?: { url: string; upstreamHeaders?: string[] };
  grpc?: { url: string };
  requestHeaders?: string[];
  timeout?: string;
  failOpen?: boolean;
}

export const EXT_AUTHZ_PLUGIN = 'ext-authz';
const FILTER_PREFIX = 'gatehouse.filters.http.ext_authz/';
const EXT_AUTHZ = 'envoy.extensions.filters.http.ext_authz.v3.ExtAuthz' as const;
const PER_ROUTE = 'envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute';
const DEFAULT_TIMEOUT_MS = 1000;

export const extAuthzFilterName = (p: AttachedPolicy<unknown>) => FILTER_PREFIX + refName(p);
const authCluster = (p: AttachedPolicy<unknown>) => serviceClusterName('extauthz', p.source.namespace, p.source.name);

/** The auth service's URL, parsed; a problem names the policy and the field. */
function serviceOf(p: AttachedPolicy<ExtAuthPolicySpec>): { url: ServiceUrl; field: string } {
  const field = p.spec.http ? 'spec.http.url' : 'spec.grpc.url';
  const text = p.spec.http?.url ?? p.spec.grpc?.url;
  if (text === undefined || (p.spec.http && p.spec.grpc)) throw new Error(policyProblem(p, 'spec', 'set exactly one of http and grpc'));
  try {
    return { url: parseServiceUrl(text, p.spec.http ? ['http', 'https'] : ['grpc', 'grpcs']), field };
  } catch (err) {
    throw new Error(policyProblem(p, field, (err as Error).message), { cause: err });
  }
}

const exact = (names: string[]) => ({ patterns: names.map((n) => ({ exact: n.toLowerCase() })) });

/** The ExtAuthz of one policy. */
export function extAuthz(p: AttachedPolicy<ExtAuthPolicySpec>): EnvoyTypes[typeof EXT_AUTHZ] {
  const { url } = serviceOf(p);
  const timeout = msToProtoDuration(p.spec.timeout ? (parseDurationMs(p.spec.timeout) ?? DEFAULT_TIMEOUT_MS) : DEFAULT_TIMEOUT_MS);
  const out: EnvoyMessage = { transportApiVersion: 'V3', statPrefix: `gatehouse_${p.source.namespace}_${p.source.name}`.replace(/[^A-Za-z0-9_]/g, '_') };
  if (p.spec.http) {
    const authority = `${url.scheme}://${url.host.includes(':') ? `[${url.host}]` : url.host}:${url.port}`;
    out['httpService'] = {
      serverUri: { uri: authority, cluster: authCluster(p), timeout },
      ...(url.path !== '/' ? { pathPrefix: url.path.replace(/\/$/, '') } : {}),
      ...(p.spec.http.upstreamHeaders?.length ? { authorizationResponse: { allowedUpstreamHeaders: exact(p.spec.http.upstreamHeaders) } } : {}),
    };
  } else {
    out['grpcService'] = { envoyGrpc: { clusterName: authCluster(p), authority: url.host }, timeout };
  }
  if (p.spec.requestHeaders?.length) out['allowedHeaders'] = exact(p.spec.requestHeaders);
  if (p.spec.failOpen) out['failureModeAllow'] = true;
  return out;
}

function enable(ctx: PluginContext, p: AttachedPolicy<ExtAuthPolicySpec>, out: EnvoyMessage): void {
  // A wrong policy refuses the route (its filter is left out of the listener): never served unchecked.
  fromPolicy(ctx, p, () => extAuthz(p));
  setPerFilterConfig(out, extAuthzFilterName(p), typed('envoy.config.route.v3.FilterConfig', { config: typedConfig(PER_ROUTE, { checkSettings: {} }) }));
  // A Gateway- or listener-wide policy this one overrides stays off for the route.
  for (const other of p.merged) {
    const name = FILTER_PREFIX + `${other.source.namespace}/${other.source.name}`;
    if ((other.scope === 'gateway' || other.scope === 'listener') && name !== extAuthzFilterName(p))
      setPerFilterConfig(out, name, typed('envoy.config.route.v3.FilterConfig', { disabled: true }));
  }
}

export const extAuthzPlugin: TranslatorPlugin = {
  name: EXT_AUTHZ_PLUGIN,
  sdkVersion: SDK_VERSION,
  protos: { envoy: ['envoy/extensions/filters/http/ext_authz/v3/ext_authz.proto'] },
  kinds: [{ crd: EXT_AUTH_POLICY_CRD, attach: 'targetRefs' }],
  route(ctx, route, out) {
    const p = effective<ExtAuthPolicySpec>(route, EXT_AUTH_POLICY);
    if (p) enable(ctx, p, out);
  },
  virtualHost(ctx, vhost, out) {
    const p = effective<ExtAuthPolicySpec>(vhost, EXT_AUTH_POLICY);
    if (p) enable(ctx, p, out);
  },
  httpFilters(ctx, listener) {
    const own = effective<ExtAuthPolicySpec>(listener, EXT_AUTH_POLICY);
    const out: StagedHttpFilter[] = [];
    for (const [name, p] of policiesIn<ExtAuthPolicySpec>(ctx, listener, EXT_AUTH_POLICY)) {
      const config = tryPolicy(ctx, p, () => extAuthz(p));
      if (!config) continue;
      const on = own !== undefined && refName(own) === name;
      out.push({ stage: 'authz', filter: { name: FILTER_PREFIX + name, typedConfig: typedConfig(EXT_AUTHZ, config), ...(on ? {} : { disabled: true }) } });
    }
    return out;
  },
  // The cluster each policy's auth service is reached through.
  resources(ctx, ir, gatewayKey) {
    const gw = ir.gateways.find((g) => g.key === gatewayKey);
    const out = new Map<string, GeneratedResource>();
    for (const l of gw?.listeners ?? []) {
      for (const p of policiesIn<ExtAuthPolicySpec>(ctx, l, EXT_AUTH_POLICY).values()) {
        const name = authCluster(p);
        if (out.has(name)) continue;
        try {
          out.set(name, { typeUrl: XdsType.Cluster, name, resource: serviceCluster(name, serviceOf(p).url), sources: [p.source] });
        } catch {
          // Reported by the filter (httpFilters), which leaves the policy out with it.
        }
      }
    }
    return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  },
};
