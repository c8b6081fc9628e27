import { policyCrd } from './policy-kit.js';

export const BUFFER_POLICY = 'BufferPolicy';

/** BufferPolicy: Envoy buffers whole requests up to `maxRequestBytes`; a larger one gets 413. */
export const BUFFER_POLICY_CRD = policyCrd(BUFFER_POLICY, 'bufferpolicies', { maxRequestBytes: { type: 'integer', minimum: 1, maximum: 4294967295 } }, [
  'maxRequestBytes',
]);
