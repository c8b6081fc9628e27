// Inline Lua scripts (LuaPolicy) with stock Envoy's Lua filter. The filter sits disabled in the connection manager
// of listeners that have a LuaPolicy; each route enables it with its policy's script (LuaPerRoute.sourceCode). A
// Gateway- or listener-wide policy is the filter's default script instead (the filter then runs for every route).
import { SDK_VERSION, setPerFilterConfig, typed, typedConfig, type EnvoyMessage, type TranslatorPlugin } from '@gatehouse/plugin-sdk';
import { LUA_POLICY, LUA_POLICY_CRD } from './crd.js';
import { effective, policiesIn } from './policy-scan.js';

export { LUA_POLICY, LUA_POLICY_CRD } from './crd.js';

export interface LuaPolicySpec {
  inlineCode: string;
}

export const LUA_PLUGIN = 'lua';
/** Its own filter name, so it never meets other Lua filters (openapi-functions) in typedPerFilterConfig. */
export const LUA_FILTER = 'gatehouse.filters.http.lua';
const LUA = 'envoy.extensions.filters.http.lua.v3.Lua' as const;
const LUA_PER_ROUTE = 'envoy.extensions.filters.http.lua.v3.LuaPerRoute';

function perRoute(spec: LuaPolicySpec): EnvoyMessage {
  return typed('envoy.config.route.v3.FilterConfig', { config: typedConfig(LUA_PER_ROUTE, { sourceCode: { inlineString: spec.inlineCode } }) });
}

export const luaPlugin: TranslatorPlugin = {
  name: LUA_PLUGIN,
  sdkVersion: SDK_VERSION,
  protos: { envoy: ['envoy/extensions/filters/http/lua/v3/lua.proto'] },
  kinds: [{ crd: LUA_POLICY_CRD, attach: 'targetRefs' }],
  route(_ctx, route, out) {
    const p = effective<LuaPolicySpec>(route, LUA_POLICY);
    if (p) setPerFilterConfig(out, LUA_FILTER, perRoute(p.spec));
  },
  virtualHost(_ctx, vhost, out) {
    const p = effective<LuaPolicySpec>(vhost, LUA_POLICY);
    if (p) setPerFilterConfig(out, LUA_FILTER, perRoute(p.spec));
  },
  httpFilters(ctx, listener) {
    if (policiesIn(ctx, listener, LUA_POLICY).size === 0) return [];
    const own = effective<LuaPolicySpec>(listener, LUA_POLICY);
    const filter = own
      ? { name: LUA_FILTER, typedConfig: typedConfig(LUA, { defaultSourceCode: { inlineString: own.spec.inlineCode } }) }
      : { name: LUA_FILTER, typedConfig: typedConfig(LUA, {}), disabled: true };
    return [{ stage: 'route', position: 'before', filter }];
  },
};
