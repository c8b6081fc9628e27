import { policyCrd } from './policy-crd.js';

export const LUA_POLICY = 'LuaPolicy';

/** LuaPolicy: an inline Lua script run by Envoy's Lua filter for the requests of its targets. */
export const LUA_POLICY_CRD = policyCrd(
  LUA_POLICY,
  'luapolicies',
  {
    // envoy_on_request(handle) and/or envoy_on_response(handle), as Envoy's Lua filter documents.
    inlineCode: { type: 'string', minLength: 1, maxLength: 65536 },
  },
  ['inlineCode'],
);
