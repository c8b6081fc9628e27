import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkShippedCrd, policyObject, validationErrors } from '../../../test/harness/policy-crds.js';
import { attached, envoyAccepts, listener, policiesOf, route, runHooks } from '../../../test/harness/plugin-ir.js';
import { FAULT_FILTER, FAULT_POLICY, faultPlugin, httpFault } from './index.js';

describe('FaultPolicy', () => {
  it('ships its CRD, which validates policies', () => {
    checkShippedCrd(faultPlugin, join(import.meta.dirname, '..'));
    expect(validationErrors(policyObject(FAULT_POLICY, 'f', { abort: { httpStatus: 503, percentage: 50 }, delay: { fixedDelay: '200ms' } }))).toEqual([]);
    expect(validationErrors(policyObject(FAULT_POLICY, 'f', {})).join()).toContain('set abort, delay or both');
    expect(validationErrors(policyObject(FAULT_POLICY, 'f', { abort: { httpStatus: 700 } })).join()).toContain('spec.abort.httpStatus');
    expect(validationErrors(policyObject(FAULT_POLICY, 'f', { delay: { fixedDelay: 'soon' } })).join()).toContain('spec.delay.fixedDelay');
  });
});

describe('fault plugin', () => {
  it('maps abort and delay to an HTTPFault (100% unless said)', () => {
    expect(httpFault({ abort: { httpStatus: 418 }, delay: { fixedDelay: '1.5s', percentage: 25 } })).toEqual({
      abort: { httpStatus: 418, percentage: { numerator: 100, denominator: 'HUNDRED' } },
      delay: { fixedDelay: '1.5s', percentage: { numerator: 25, denominator: 'HUNDRED' } },
    });
  });

  it('enables its disabled filter (stage fault) per route', () => {
    const p = attached(FAULT_POLICY, 'teapot', { abort: { httpStatus: 418 } });
    const { filters, routes } = runHooks(faultPlugin, listener([route('app', policiesOf(FAULT_POLICY, p)), route('other')]));
    expect(filters).toEqual([{ stage: 'fault', filter: expect.objectContaining({ name: FAULT_FILTER, disabled: true }) }]);
    expect(routes[0]!['typedPerFilterConfig']).toEqual({
      [FAULT_FILTER]: expect.objectContaining({ config: expect.objectContaining({ abort: expect.objectContaining({ httpStatus: 418 }) }) }),
    });
    expect(routes[1]!['typedPerFilterConfig']).toBeUndefined();
  });

  it('is accepted by envoy', () => {
    const p = attached(FAULT_POLICY, 'both', { abort: { httpStatus: 503, percentage: 10 }, delay: { fixedDelay: '100ms', percentage: 50 } });
    envoyAccepts(faultPlugin, listener([route('app', policiesOf(FAULT_POLICY, p))]));
    envoyAccepts(faultPlugin, listener([route('app')], policiesOf(FAULT_POLICY, { ...p, scope: 'gateway' })));
  });
});
