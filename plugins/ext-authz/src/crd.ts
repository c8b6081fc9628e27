import { policyCrd } from './policy-kit.js';

export const EXT_AUTH_POLICY = 'ExtAuthPolicy';

const HEADERS = { type: 'array', maxItems: 32, items: { type: 'string', minLength: 1, maxLength: 256, pattern: "^[A-Za-z0-9!#$%&'*+\\-.^_`|~:]+$" } };

/** ExtAuthPolicy: every request is checked by an external authorization service (HTTP or gRPC) first. */
export const EXT_AUTH_POLICY_CRD = policyCrd(
  EXT_AUTH_POLICY,
  'extauthpolicies',
  {
    // An HTTP service: it gets the request's method, path (after pathPrefix) and allowed headers; a 2xx answer allows.
    http: {
      type: 'object',
      required: ['url'],
      properties: {
        // http(s)://host[:port][/pathPrefix]; Gatehouse generates the cluster that reaches it.
        url: { type: 'string', minLength: 8, maxLength: 2048, pattern: '^https?://' },
        // Headers of the auth service's answer added to the request sent upstream.
        upstreamHeaders: HEADERS,
      },
    },
    // A gRPC service implementing envoy.service.auth.v3.Authorization.
    grpc: { type: 'object', required: ['url'], properties: { url: { type: 'string', minLength: 8, maxLength: 2048, pattern: '^grpcs?://' } } },
    // Client request headers sent to the auth service (besides Host, Method, Path, Content-Length, Authorization).
    requestHeaders: HEADERS,
    timeout: { type: 'string', pattern: '^([0-9]{1,5}(h|m|s|ms)){1,4}$' },
    // Let requests through when the auth service cannot be reached (refused with 403 by default).
    failOpen: { type: 'boolean' },
  },
  [],
  [{ rule: 'has(self.http) != has(self.grpc)', message: 'set exactly one of http and grpc' }],
);
