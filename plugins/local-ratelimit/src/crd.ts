import { policyCrd } from './policy-kit.js';

export const RATE_LIMIT_POLICY = 'RateLimitPolicy';

/** RateLimitPolicy: at most `requests` per `window` (a token bucket in each Envoy), then 429. */
export const RATE_LIMIT_POLICY_CRD = policyCrd(
  RATE_LIMIT_POLICY,
  'ratelimitpolicies',
  {
    requests: { type: 'integer', minimum: 1, maximum: 1000000000 },
    // At least 50ms, as Envoy's token bucket requires.
    window: { type: 'string', pattern: '^([0-9]{1,5}(h|m|s|ms)){1,4}$' },
    // Response headers telling the client its limit (x-ratelimit-limit/remaining/reset).
    responseHeaders: { type: 'boolean' },
  },
  ['requests', 'window'],
);
