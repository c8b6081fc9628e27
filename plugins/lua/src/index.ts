// Inline Lua scripts with stock Envoy's Lua filter, configured two ways:
// - LuaPolicy (targetRefs): the filter `gatehouse.filters.http.lua` sits disabled in the connection manager of
//   listeners that have one; each route it applies to enables it with the policy's script (LuaPerRoute.sourceCode).
//   A Gateway- or listener-wide policy is the filter's default script instead (it then runs for every route).
// - LuaFilter (ExtensionRef on a route rule): a second filter `gatehouse.filters.http.lua.rule`, after the policy's,
//   enabled on that rule's routes with the LuaFilter's script. Both can apply to one route (policy script first).
import {
  GATEHOUSE_GROUP,
  SDK_VERSION,
  allVirtualHosts,
  setPerFilterConfig,
  typed,
  typedConfig,
  type EnvoyMessage,
  type PluginContext,
  type RouteIR,
  type StagedHttpFilter,
  type TranslatorPlugin,
} from '@gatehouse/plugin-sdk';
import { LUA_FILTER_CRD, LUA_FILTER_KIND, LUA_POLICY, LUA_POLICY_CRD } from './crd.js';
import { effective, policiesIn, routeName } from './policy-kit.js';

export { LUA_FILTER_CRD, LUA_FILTER_KIND, LUA_POLICY, LUA_POLICY_CRD } from './crd.js';

export interface LuaPolicySpec {
  inlineCode: string;
}

export const LUA_PLUGIN = 'lua';
/** Its own filter names, so they never meet other Lua filters (openapi-functions) in typedPerFilterConfig. */
export const LUA_FILTER = 'gatehouse.filters.http.lua';
export const LUA_RULE_FILTER = 'gatehouse.filters.http.lua.rule';
const LUA = 'envoy.extensions.filters.http.lua.v3.Lua' as const;
const LUA_PER_ROUTE = 'envoy.extensions.filters.http.lua.v3.LuaPerRoute';

function perRoute(inlineCode: string): EnvoyMessage {
  return typed('envoy.config.route.v3.FilterConfig', { config: typedConfig(LUA_PER_ROUTE, { sourceCode: { inlineString: inlineCode } }) });
}

/** The script of the rule's LuaFilter, if it names one; throws (refusing the route) when it cannot be used. */
export function ruleScript(ctx: PluginContext, route: RouteIR): string | undefined {
  const refs = route.filters.filter((f) => f.type === 'ExtensionRef' && f.group === GATEHOUSE_GROUP && f.kind === LUA_FILTER_KIND);
  if (refs.length === 0) return undefined;
  if (refs.length > 1)
    throw new Error(
      `${routeName(route)}: filters: at most one ExtensionRef to a ${LUA_FILTER_KIND} per rule (Envoy runs one script per filter); merge the scripts`,
    );
  const name = (refs[0] as { name: string }).name;
  const object = ctx.snapshot.resources.get(`${LUA_FILTER_KIND}/${route.source.namespace}/${name}`)?.object as { spec?: LuaPolicySpec } | undefined;
  if (!object?.spec?.inlineCode)
    throw new Error(`${routeName(route)}: filters: ExtensionRef ${LUA_FILTER_KIND} ${route.source.namespace}/${name.slice(0, 253)} not found`);
  return object.spec.inlineCode;
}

/** Whether a route of the virtual host names a LuaFilter (memoized: an unchanged virtual host is the same object). */
function usesRuleFilter(ctx: PluginContext, listener: Parameters<typeof allVirtualHosts>[0]): boolean {
  return allVirtualHosts(listener).some((vh) =>
    ctx.memo.get('lua/rule-filters', vh, () =>
      vh.routes.some((r) => r.filters.some((f) => f.type === 'ExtensionRef' && f.group === GATEHOUSE_GROUP && f.kind === LUA_FILTER_KIND)),
    ),
  );
}

export const luaPlugin: TranslatorPlugin = {
  name: LUA_PLUGIN,
  sdkVersion: SDK_VERSION,
  protos: { envoy: ['envoy/extensions/filters/http/lua/v3/lua.proto'] },
  kinds: [
    { crd: LUA_POLICY_CRD, attach: 'targetRefs' },
    { crd: LUA_FILTER_CRD, attach: 'extensionRef' },
  ],
  extensionRefs: [{ group: GATEHOUSE_GROUP, kind: LUA_FILTER_KIND }],
  route(ctx, route, out) {
    const p = effective<LuaPolicySpec>(route, LUA_POLICY);
    if (p) setPerFilterConfig(out, LUA_FILTER, perRoute(p.spec.inlineCode));
    const script = ruleScript(ctx, route);
    if (script !== undefined) setPerFilterConfig(out, LUA_RULE_FILTER, perRoute(script));
  },
  virtualHost(_ctx, vhost, out) {
    const p = effective<LuaPolicySpec>(vhost, LUA_POLICY);
    if (p) setPerFilterConfig(out, LUA_FILTER, perRoute(p.spec.inlineCode));
  },
  httpFilters(ctx, listener) {
    const out: StagedHttpFilter[] = [];
    if (policiesIn(ctx, listener, LUA_POLICY).size > 0) {
      const own = effective<LuaPolicySpec>(listener, LUA_POLICY);
      const filter = own
        ? { name: LUA_FILTER, typedConfig: typedConfig(LUA, { defaultSourceCode: { inlineString: own.spec.inlineCode } }) }
        : { name: LUA_FILTER, typedConfig: typedConfig(LUA, {}), disabled: true };
      out.push({ stage: 'route', position: 'before', filter });
    }
    if (usesRuleFilter(ctx, listener))
      out.push({ stage: 'route', position: 'before', filter: { name: LUA_RULE_FILTER, typedConfig: typedConfig(LUA, {}), disabled: true } });
    return out;
  },
};
