import { extensionRefCrd, policyCrd } from './policy-kit.js';

export const LUA_POLICY = 'LuaPolicy';
export const LUA_FILTER_KIND = 'LuaFilter';

// envoy_on_request(handle) and/or envoy_on_response(handle), as Envoy's Lua filter documents.
const INLINE_CODE = { type: 'string', minLength: 1, maxLength: 65536 };

/** LuaPolicy: an inline Lua script run by Envoy's Lua filter for the requests of its targets. */
export const LUA_POLICY_CRD = policyCrd(LUA_POLICY, 'luapolicies', { inlineCode: INLINE_CODE }, ['inlineCode']);

/** LuaFilter: an inline Lua script a route rule runs by naming it in an ExtensionRef filter. */
export const LUA_FILTER_CRD = extensionRefCrd(LUA_FILTER_KIND, 'luafilters', { inlineCode: INLINE_CODE }, ['inlineCode']);
