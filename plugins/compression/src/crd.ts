import { policyCrd } from './policy-kit.js';

export const COMPRESSION_POLICY = 'CompressionPolicy';

/** CompressionPolicy: gzip responses for clients that accept it, when big enough and of a compressible type. */
export const COMPRESSION_POLICY_CRD = policyCrd(COMPRESSION_POLICY, 'compressionpolicies', {
  // Smallest response (bytes, by Content-Length) worth compressing; Envoy's default is 30.
  minContentLength: { type: 'integer', minimum: 0, maximum: 4294967295 },
  // Media types to compress; Envoy's default list (text/html, application/json, ...) when absent.
  contentTypes: { type: 'array', minItems: 1, maxItems: 32, items: { type: 'string', minLength: 1, maxLength: 255 } },
  level: { type: 'string', enum: ['Speed', 'Default', 'Best'] },
});
