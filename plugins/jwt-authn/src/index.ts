// JWT authentication (JwtPolicy) with stock Envoy's jwt_authn filter (stage `authn`). Each policy gets its own filter
// (`gatehouse.filters.http.jwt_authn/<namespace>/<name>`) holding its providers and one requirement (any of them),
// disabled by default; a route enables the one of its policy. A Gateway- or listener-wide policy's filter is enabled
// for the whole listener. Remote JWKS are fetched through clusters this plugin generates (`jwks_<ns>_<policy>_<provider>`).
// A missing or invalid token gets 401.
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
} from '@gatehouse/plugin-sdk';
import { JWT_POLICY, JWT_POLICY_CRD } from './crd.js';
import { effective, fromPolicy, policiesIn, policyProblem, refName, tryPolicy } from './policy-kit.js';

export { JWT_POLICY, JWT_POLICY_CRD } from './crd.js';

export interface JwtProviderSpec {
  name: string;
  issuer?: string;
  audiences?: string[];
  remoteJwks?: { uri: string; cacheDuration?: string };
  localJwks?: { inline: string };
  fromHeader?: { name: string; prefix?: string };
  forwardToken?: boolean;
  claimToHeaders?: Array<{ claim: string; header: string }>;
}
export interface JwtPolicySpec {
  providers: JwtProviderSpec[];
}

export const JWT_PLUGIN = 'jwt-authn';
const FILTER_PREFIX = 'gatehouse.filters.http.jwt_authn/';
const JWT_AUTHN = 'envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication' as const;
const PER_ROUTE = 'envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig';
/** The one requirement each policy's filter has. */
const REQUIREMENT = 'policy';

export const jwtFilterName = (p: AttachedPolicy<unknown>) => FILTER_PREFIX + refName(p);
const jwksCluster = (p: AttachedPolicy<unknown>, provider: string) => serviceClusterName('jwks', p.source.namespace, p.source.name, provider);

function hasKeys(text: string): boolean {
  try {
    const keys = (JSON.parse(text) as { keys?: unknown }).keys;
    return Array.isArray(keys) && keys.length > 0 && keys.every((k) => typeof (k as { kty?: unknown })?.kty === 'string');
  } catch {
    return false;
  }
}

function provider(p: AttachedPolicy<JwtPolicySpec>, s: JwtProviderSpec, i: number): EnvoyMessage {
  const out: EnvoyMessage = {};
  if (s.issuer) out['issuer'] = s.issuer;
  if (s.audiences?.length) out['audiences'] = s.audiences;
  if (s.remoteJwks) {
    const url = s.remoteJwks.uri;
    try {
      parseServiceUrl(url, ['http', 'https']);
    } catch (err) {
      throw new Error(policyProblem(p, `spec.providers[${i}].remoteJwks.uri`, (err as Error).message), { cause: err });
    }
    const cache = s.remoteJwks.cacheDuration ? parseDurationMs(s.remoteJwks.cacheDuration) : undefined;
    out['remoteJwks'] = {
      httpUri: { uri: url, cluster: jwksCluster(p, s.name), timeout: '5s' },
      ...(cache ? { cacheDuration: msToProtoDuration(cache) } : {}),
    };
  } else if (s.localJwks) {
    // Envoy refuses (NACKs) a JWKS without a usable key: refuse it here, on the policy.
    if (!hasKeys(s.localJwks.inline))
      throw new Error(policyProblem(p, `spec.providers[${i}].localJwks.inline`, 'must be a JWKS: JSON with a non-empty "keys" list of JWKs (each with "kty")'));
    out['localJwks'] = { inlineString: s.localJwks.inline };
  } else {
    throw new Error(policyProblem(p, `spec.providers[${i}]`, 'set remoteJwks or localJwks'));
  }
  if (s.fromHeader) out['fromHeaders'] = [{ name: s.fromHeader.name, ...(s.fromHeader.prefix ? { valuePrefix: s.fromHeader.prefix } : {}) }];
  if (s.forwardToken) out['forward'] = true;
  if (s.claimToHeaders?.length) out['claimToHeaders'] = s.claimToHeaders.map((c) => ({ claimName: c.claim, headerName: c.header }));
  return out;
}

/** The JwtAuthentication of one policy: its providers, and one requirement (any of them) used on every path. */
export function jwtAuthentication(p: AttachedPolicy<JwtPolicySpec>): EnvoyTypes[typeof JWT_AUTHN] {
  const providers = Object.fromEntries(p.spec.providers.map((s, i) => [s.name, provider(p, s, i)]));
  const names = p.spec.providers.map((s) => s.name);
  const requires = names.length === 1 ? { providerName: names[0] } : { requiresAny: { requirements: names.map((n) => ({ providerName: n })) } };
  return { providers, requirementMap: { [REQUIREMENT]: requires }, rules: [{ match: { prefix: '/' }, requirementName: REQUIREMENT }] };
}

function enable(ctx: PluginContext, p: AttachedPolicy<JwtPolicySpec>, out: EnvoyMessage): void {
  // A wrong policy refuses the route (its filter is left out of the listener): never served unauthenticated.
  fromPolicy(ctx, p, () => jwtAuthentication(p));
  setPerFilterConfig(out, jwtFilterName(p), typed('envoy.config.route.v3.FilterConfig', { config: typedConfig(PER_ROUTE, { requirementName: REQUIREMENT }) }));
  // A Gateway- or listener-wide policy this one overrides stays off for the route.
  for (const other of p.merged) {
    const name = FILTER_PREFIX + `${other.source.namespace}/${other.source.name}`;
    if ((other.scope === 'gateway' || other.scope === 'listener') && name !== jwtFilterName(p))
      setPerFilterConfig(out, name, typed('envoy.config.route.v3.FilterConfig', { disabled: true }));
  }
}

export const jwtAuthnPlugin: TranslatorPlugin = {
  name: JWT_PLUGIN,
  sdkVersion: SDK_VERSION,
  protos: { envoy: ['envoy/extensions/filters/http/jwt_authn/v3/config.proto'] },
  kinds: [{ crd: JWT_POLICY_CRD, attach: 'targetRefs' }],
  route(ctx, route, out) {
    const p = effective<JwtPolicySpec>(route, JWT_POLICY);
    if (p) enable(ctx, p, out);
  },
  virtualHost(ctx, vhost, out) {
    const p = effective<JwtPolicySpec>(vhost, JWT_POLICY);
    if (p) enable(ctx, p, out);
  },
  httpFilters(ctx, listener) {
    const own = effective<JwtPolicySpec>(listener, JWT_POLICY);
    const out: StagedHttpFilter[] = [];
    for (const [name, p] of policiesIn<JwtPolicySpec>(ctx, listener, JWT_POLICY)) {
      const config = tryPolicy(ctx, p, () => jwtAuthentication(p));
      if (!config) continue;
      const on = own !== undefined && refName(own) === name;
      out.push({ stage: 'authn', filter: { name: FILTER_PREFIX + name, typedConfig: typedConfig(JWT_AUTHN, config), ...(on ? {} : { disabled: true }) } });
    }
    return out;
  },
  // The clusters remote JWKS are fetched through, one per provider of every policy the gateway uses.
  resources(ctx, ir, gatewayKey) {
    const gw = ir.gateways.find((g) => g.key === gatewayKey);
    const out = new Map<string, GeneratedResource>();
    for (const l of gw?.listeners ?? []) {
      for (const p of policiesIn<JwtPolicySpec>(ctx, l, JWT_POLICY).values()) {
        for (const s of p.spec.providers) {
          if (!s.remoteJwks) continue;
          const name = jwksCluster(p, s.name);
          if (out.has(name)) continue;
          try {
            out.set(name, {
              typeUrl: XdsType.Cluster,
              name,
              resource: serviceCluster(name, parseServiceUrl(s.remoteJwks.uri, ['http', 'https'])),
              sources: [p.source],
            });
          } catch {
            // Reported by the filter (httpFilters): the policy's filter is left out with it.
          }
        }
      }
    }
    return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  },
};
