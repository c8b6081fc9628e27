import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkShippedCrd, policyObject, validationErrors } from '../../../test/harness/policy-crds.js';
import { attached, envoyAccepts, listener, policiesOf, route, runHooks } from '../../../test/harness/plugin-ir.js';
import { RATE_LIMIT_FILTER, RATE_LIMIT_POLICY, localRateLimitPlugin } from './index.js';

describe('RateLimitPolicy', () => {
  it('ships its CRD, which validates policies', () => {
    checkShippedCrd(localRateLimitPlugin, join(import.meta.dirname, '..'));
    expect(validationErrors(policyObject(RATE_LIMIT_POLICY, 'r', { requests: 3, window: '10s' }))).toEqual([]);
    expect(validationErrors(policyObject(RATE_LIMIT_POLICY, 'r', { requests: 0, window: '10s' })).join()).toContain('spec.requests');
    expect(validationErrors(policyObject(RATE_LIMIT_POLICY, 'r', { requests: 3 })).join()).toContain('spec.window');
  });
});

describe('local-ratelimit plugin', () => {
  it('gives each route with a policy its own token bucket; the listener filter limits nothing by itself', () => {
    const p = attached(RATE_LIMIT_POLICY, 'three', { requests: 3, window: '10s', responseHeaders: true });
    const { filters, routes } = runHooks(localRateLimitPlugin, listener([route('app', policiesOf(RATE_LIMIT_POLICY, p)), route('other')]));
    expect(filters).toEqual([
      { stage: 'ratelimit', filter: { name: RATE_LIMIT_FILTER, typedConfig: expect.not.objectContaining({ tokenBucket: expect.anything() }) } },
    ]);
    const config = (routes[0]!['typedPerFilterConfig'] as Record<string, { config: Record<string, unknown> }>)[RATE_LIMIT_FILTER]!.config;
    expect(config).toMatchObject({
      statPrefix: 'gatehouse_rl_default_three',
      tokenBucket: { maxTokens: 3, tokensPerFill: 3, fillInterval: '10s' },
      enableXRatelimitHeaders: 'DRAFT_VERSION_03',
    });
    expect(routes[1]!['typedPerFilterConfig']).toBeUndefined();
  });

  it('refuses a window Envoy cannot refill in, naming the policy and field', () => {
    const p = attached(RATE_LIMIT_POLICY, 'fast', { requests: 1, window: '10ms' });
    expect(() => runHooks(localRateLimitPlugin, listener([route('app', policiesOf(RATE_LIMIT_POLICY, p))]))).toThrow(
      'RateLimitPolicy default/fast: spec.window: must be at least 50ms',
    );
  });

  it('is accepted by envoy', () => {
    const p = attached(RATE_LIMIT_POLICY, 'three', { requests: 3, window: '1m' });
    envoyAccepts(localRateLimitPlugin, listener([route('app', policiesOf(RATE_LIMIT_POLICY, p))]));
    envoyAccepts(localRateLimitPlugin, listener([route('app')], policiesOf(RATE_LIMIT_POLICY, { ...p, scope: 'listener' })));
  });
});
