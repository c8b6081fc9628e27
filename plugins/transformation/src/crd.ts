import { policyCrd } from './policy-kit.js';

export const TRANSFORMATION_POLICY = 'TransformationPolicy';

const HEADER_NAME = { type: 'string', minLength: 1, maxLength: 256, pattern: "^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$" };
const HEADER_VALUES = {
  type: 'array',
  maxItems: 16,
  items: { type: 'object', required: ['name', 'value'], properties: { name: HEADER_NAME, value: { type: 'string', maxLength: 4096 } } },
};

/** Header changes (set replaces, add appends, remove drops) and body changes (set replaces it, replace edits it). */
const DIRECTION = {
  type: 'object',
  properties: {
    headers: { type: 'object', properties: { set: HEADER_VALUES, add: HEADER_VALUES, remove: { type: 'array', maxItems: 16, items: HEADER_NAME } } },
    body: {
      type: 'object',
      properties: {
        set: { type: 'string', maxLength: 65536 },
        // Literal (not pattern) replacements, applied in order to the whole body.
        replace: {
          type: 'array',
          maxItems: 16,
          items: {
            type: 'object',
            required: ['match', 'with'],
            properties: { match: { type: 'string', minLength: 1, maxLength: 4096 }, with: { type: 'string', maxLength: 4096 } },
          },
        },
      },
    },
  },
};

/** TransformationPolicy: change the request before it goes upstream and the response before it goes back. */
export const TRANSFORMATION_POLICY_CRD = policyCrd(
  TRANSFORMATION_POLICY,
  'transformationpolicies',
  { request: DIRECTION, response: DIRECTION },
  [],
  [{ rule: 'has(self.request) || has(self.response)', message: 'set request, response or both' }],
);
