import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkShippedCrd, policyObject, validationErrors } from '../../../test/harness/policy-crds.js';
import { attached, envoyAccepts, listener, policiesOf, route, runHooks } from '../../../test/harness/plugin-ir.js';
import { BUFFER_FILTER, BUFFER_POLICY, bufferPlugin } from './index.js';

describe('BufferPolicy', () => {
  it('ships its CRD, which validates policies', () => {
    checkShippedCrd(bufferPlugin, join(import.meta.dirname, '..'));
    expect(validationErrors(policyObject(BUFFER_POLICY, 'b', { maxRequestBytes: 1024 }))).toEqual([]);
    expect(validationErrors(policyObject(BUFFER_POLICY, 'b', { maxRequestBytes: 0 })).join()).toContain('spec.maxRequestBytes');
  });
});

describe('buffer plugin', () => {
  it("enables its disabled filter with the route's limit", () => {
    const p = attached(BUFFER_POLICY, 'small', { maxRequestBytes: 1024 });
    const { filters, routes } = runHooks(bufferPlugin, listener([route('app', policiesOf(BUFFER_POLICY, p))]));
    expect(filters).toEqual([{ stage: 'accepted', filter: expect.objectContaining({ name: BUFFER_FILTER, disabled: true }) }]);
    expect(routes[0]!['typedPerFilterConfig']).toEqual({
      [BUFFER_FILTER]: expect.objectContaining({ config: expect.objectContaining({ buffer: { maxRequestBytes: 1024 } }) }),
    });
  });

  it('is accepted by envoy', () => {
    const p = attached(BUFFER_POLICY, 'small', { maxRequestBytes: 1024 });
    envoyAccepts(bufferPlugin, listener([route('app', policiesOf(BUFFER_POLICY, p))]));
    envoyAccepts(bufferPlugin, listener([route('app')], policiesOf(BUFFER_POLICY, { ...p, scope: 'listener' })));
  });
});
