// Routes that call one HTTP operation (an OpenAPI function) of their Upstream: stock Envoy's Lua filter sits
// disabled in the connection manager, and such a route enables it for itself with a script that sets the method
// and fills the path template (see lua.ts). Also reports routes naming a function they cannot call.
import {
  FUNCTION_REF,
  allVirtualHosts,
  functionCall,
  isAwsUpstream,
  typed,
  type EnvoyMessage,
  type HttpListenerIR,
  type PluginContext,
  type RouteIR,
  type TranslatorPlugin,
  type VirtualHostIR,
} from '@gatehouse/plugin-sdk';
import { operationScript } from './lua.js';

export { operationScript, luaString, templateParts } from './lua.js';

export const PLUGIN_NAME = 'openapi-functions';
export const LUA_FILTER = 'envoy.filters.http.lua';
const LUA = 'envoy.extensions.filters.http.lua.v3.Lua';
const LUA_PER_ROUTE = 'envoy.extensions.filters.http.lua.v3.LuaPerRoute';

/** The route's Lua config, a problem to report, or undefined when it calls no HTTP operation. */
function operationRoute(ctx: PluginContext, route: RouteIR): EnvoyMessage | string | undefined {
  const call = functionCall(ctx.snapshot, route);
  // Lambda functions (and their problems) are the aws-lambda plugin's.
  if (!call || isAwsUpstream(call.upstream)) return undefined;
  if ('error' in call) return call.error;
  const op = call.fn.http;
  if (!op) return `function ${call.fn.name} is not an HTTP operation`;
  try {
    const script = ctx.memo.get('openapi-functions-script', call.fn, () => operationScript(op.method, op.path));
    return typed('envoy.config.route.v3.FilterConfig', { config: typed(LUA_PER_ROUTE, { sourceCode: { inlineString: script } }) });
  } catch (err) {
    return `function ${call.fn.name}: ${(err as Error).message}`;
  }
}

function usesOperations(ctx: PluginContext, vh: VirtualHostIR): boolean {
  return ctx.memo.get('openapi-functions-vhost', vh, () => vh.routes.some((r) => typeof operationRoute(ctx, r) === 'object'));
}

export const openApiFunctionsPlugin: TranslatorPlugin = {
  name: PLUGIN_NAME,
  // Routes name a function with an ExtensionRef filter: the translator keeps it in RouteIR.filters for route().
  extensionRefs: [FUNCTION_REF],
  route(ctx, route, out) {
    const config = operationRoute(ctx, route);
    if (config === undefined) return;
    if (typeof config === 'string') {
      ctx.reports.warn(
        route.source,
        'InvalidFunction',
        `${route.source.kind} ${route.source.namespace}/${route.source.name}: rule ${route.ruleIndex}: ${config}; the rule answers 500`,
      );
      delete out['route'];
      out['directResponse'] = { status: 500 };
      return;
    }
    out['typedPerFilterConfig'] = { ...((out['typedPerFilterConfig'] as EnvoyMessage | undefined) ?? {}), [LUA_FILTER]: config };
  },
  httpFilters: (ctx, listener: HttpListenerIR) =>
    allVirtualHosts(listener).some((vh) => usesOperations(ctx, vh))
      ? [{ stage: 'route', filter: { name: LUA_FILTER, typedConfig: typed(LUA, {}), disabled: true } }]
      : [],
};
