// Local rate limiting (RateLimitPolicy) with stock Envoy's local_ratelimit filter (stage `ratelimit`): a token bucket
// of `requests` tokens refilled every `window`; a request finding it empty gets 429. The filter has no bucket of its
// own in listeners where only routes have policies (it then limits nothing); each route gets its policy's bucket.
import {
  SDK_VERSION,
  msToProtoDuration,
  parseDurationMs,
  setPerFilterConfig,
  typed,
  typedConfig,
  type AttachedPolicy,
  type EnvoyTypes,
  type PluginContext,
  type TranslatorPlugin,
} from '@gatehouse/plugin-sdk';
import { RATE_LIMIT_POLICY, RATE_LIMIT_POLICY_CRD } from './crd.js';
import { effective, fromPolicy, policiesIn, policyProblem, tryPolicy } from './policy-kit.js';

export { RATE_LIMIT_POLICY, RATE_LIMIT_POLICY_CRD } from './crd.js';

export interface RateLimitPolicySpec {
  requests: number;
  window: string;
  responseHeaders?: boolean;
}

export const RATE_LIMIT_PLUGIN = 'local-ratelimit';
export const RATE_LIMIT_FILTER = 'gatehouse.filters.http.local_ratelimit';
const LOCAL_RATE_LIMIT = 'envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit' as const;
const always = (runtimeKey: string) => ({ defaultValue: { numerator: 100, denominator: 'HUNDRED' as const }, runtimeKey });
const MIN_WINDOW_MS = 50;

/** The LocalRateLimit body for a policy; throws when the window is too short for Envoy. */
export function localRateLimit(name: string, spec: RateLimitPolicySpec): EnvoyTypes[typeof LOCAL_RATE_LIMIT] {
  const ms = parseDurationMs(spec.window) ?? 0;
  if (ms < MIN_WINDOW_MS) throw new Error(`must be at least ${MIN_WINDOW_MS}ms (Envoy refills its token bucket no faster)`);
  return {
    statPrefix: `gatehouse_rl_${name.replace(/[^A-Za-z0-9]/g, '_')}`,
    tokenBucket: { maxTokens: spec.requests, tokensPerFill: spec.requests, fillInterval: msToProtoDuration(ms) },
    filterEnabled: always('gatehouse.local_rate_limit.enabled'),
    filterEnforced: always('gatehouse.local_rate_limit.enforced'),
    ...(spec.responseHeaders ? { enableXRatelimitHeaders: 'DRAFT_VERSION_03' } : {}),
  };
}

/** The policy's LocalRateLimit; a problem names the policy and the field (the hook's resource is rejected). */
function bucketOf(p: AttachedPolicy<RateLimitPolicySpec>): EnvoyTypes[typeof LOCAL_RATE_LIMIT] {
  try {
    return localRateLimit(`${p.source.namespace}_${p.source.name}`, p.spec);
  } catch (err) {
    throw new Error(policyProblem(p, 'spec.window', (err as Error).message), { cause: err });
  }
}

const perRoute = (ctx: PluginContext, p: AttachedPolicy<RateLimitPolicySpec>) =>
  typed('envoy.config.route.v3.FilterConfig', {
    config: typedConfig(
      LOCAL_RATE_LIMIT,
      fromPolicy(ctx, p, () => bucketOf(p)),
    ),
  });

export const localRateLimitPlugin: TranslatorPlugin = {
  name: RATE_LIMIT_PLUGIN,
  sdkVersion: SDK_VERSION,
  protos: { envoy: ['envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit.proto'] },
  kinds: [{ crd: RATE_LIMIT_POLICY_CRD, attach: 'targetRefs' }],
  route(ctx, route, out) {
    const p = effective<RateLimitPolicySpec>(route, RATE_LIMIT_POLICY);
    if (p) setPerFilterConfig(out, RATE_LIMIT_FILTER, perRoute(ctx, p));
  },
  virtualHost(ctx, vhost, out) {
    const p = effective<RateLimitPolicySpec>(vhost, RATE_LIMIT_POLICY);
    if (p) setPerFilterConfig(out, RATE_LIMIT_FILTER, perRoute(ctx, p));
  },
  httpFilters(ctx, listener) {
    if (policiesIn(ctx, listener, RATE_LIMIT_POLICY).size === 0) return [];
    const own = effective<RateLimitPolicySpec>(listener, RATE_LIMIT_POLICY);
    // A wrong listener-wide policy leaves the filter without a bucket; the routes under it are refused by their own hook.
    const config = (own && tryPolicy(ctx, own, () => bucketOf(own))) ?? { statPrefix: 'gatehouse_rl' };
    return [{ stage: 'ratelimit', filter: { name: RATE_LIMIT_FILTER, typedConfig: typedConfig(LOCAL_RATE_LIMIT, config) } }];
  },
};
