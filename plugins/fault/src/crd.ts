import { policyCrd } from './policy-kit.js';

export const FAULT_POLICY = 'FaultPolicy';

const PERCENTAGE = { type: 'integer', minimum: 0, maximum: 100 };
const DURATION = { type: 'string', pattern: '^([0-9]{1,5}(h|m|s|ms)){1,4}$' };

/** FaultPolicy: abort a share of requests with a status, and/or delay a share of them. */
export const FAULT_POLICY_CRD = policyCrd(
  FAULT_POLICY,
  'faultpolicies',
  {
    abort: { type: 'object', required: ['httpStatus'], properties: { httpStatus: { type: 'integer', minimum: 200, maximum: 599 }, percentage: PERCENTAGE } },
    delay: { type: 'object', required: ['fixedDelay'], properties: { fixedDelay: DURATION, percentage: PERCENTAGE } },
  },
  [],
  [{ rule: 'has(self.abort) || has(self.delay)', message: 'set abort, delay or both' }],
);
