import { policyCrd } from './policy-kit.js';

export const JWT_POLICY = 'JwtPolicy';

const NAME = { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' };
const HEADER = { type: 'string', minLength: 1, maxLength: 256, pattern: "^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$" };

/** JwtPolicy: requests need a valid JWT from one of the providers (else 401). */
export const JWT_POLICY_CRD = policyCrd(
  JWT_POLICY,
  'jwtpolicies',
  {
    providers: {
      type: 'array',
      minItems: 1,
      maxItems: 8,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      items: {
        type: 'object',
        required: ['name'],
        'x-kubernetes-validations': [{ rule: 'has(self.remoteJwks) != has(self.localJwks)', message: 'exactly one of remoteJwks and localJwks' }],
        properties: {
          name: NAME,
          // The token's `iss` must be this (any issuer when absent).
          issuer: { type: 'string', minLength: 1, maxLength: 1024 },
          // The token's `aud` must contain one of these (not checked when absent).
          audiences: { type: 'array', maxItems: 16, items: { type: 'string', minLength: 1, maxLength: 1024 } },
          remoteJwks: {
            type: 'object',
            required: ['uri'],
            properties: {
              // http(s)://host[:port]/path; Gatehouse generates the cluster that reaches it.
              uri: { type: 'string', minLength: 8, maxLength: 2048, pattern: '^https?://' },
              cacheDuration: { type: 'string', pattern: '^([0-9]{1,5}(h|m|s|ms)){1,4}$' },
            },
          },
          localJwks: { type: 'object', required: ['inline'], properties: { inline: { type: 'string', minLength: 2, maxLength: 65536 } } },
          // Where the token is: `Authorization: Bearer <token>` when absent.
          fromHeader: { type: 'object', required: ['name'], properties: { name: HEADER, prefix: { type: 'string', maxLength: 64 } } },
          // Keep the token in the request sent upstream (removed by default).
          forwardToken: { type: 'boolean' },
          // Copy claims into request headers for the backend.
          claimToHeaders: {
            type: 'array',
            maxItems: 16,
            items: { type: 'object', required: ['claim', 'header'], properties: { claim: { type: 'string', minLength: 1, maxLength: 256 }, header: HEADER } },
          },
        },
      },
    },
  },
  ['providers'],
);
