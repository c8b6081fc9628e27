import { policyCrd } from './policy-kit.js';

export const RBAC_POLICY = 'RbacPolicy';

/** RbacPolicy: `Allow` lets only requests matching a rule through, `Deny` refuses those (403 either way). */
export const RBAC_POLICY_CRD = policyCrd(
  RBAC_POLICY,
  'rbacpolicies',
  {
    action: { type: 'string', enum: ['Allow', 'Deny'] },
    rules: {
      type: 'array',
      minItems: 1,
      maxItems: 64,
      items: {
        type: 'object',
        properties: {
          // All listed headers must have exactly these values.
          headers: {
            type: 'array',
            maxItems: 16,
            items: {
              type: 'object',
              required: ['name', 'value'],
              properties: {
                name: { type: 'string', minLength: 1, maxLength: 256, pattern: "^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$" },
                value: { type: 'string', maxLength: 4096 },
              },
            },
          },
          // The client's address (the connection's peer) is in one of these (`10.0.0.0/8`, `192.0.2.7`, `2001:db8::/32`).
          clientCIDRs: { type: 'array', maxItems: 64, items: { type: 'string', minLength: 2, maxLength: 43, pattern: '^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$' } },
        },
      },
    },
  },
  ['action', 'rules'],
);
