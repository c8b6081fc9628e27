// HTTPRoute filters on Envoy routes: header modifiers, URL rewrite, request mirroring, CORS.
import {
  allVirtualHosts,
  escapeRegex,
  replaceFullPath,
  replacePrefix,
  typed,
  type CorsIR,
  type EnvoyMessage,
  type HeaderModifierIR,
  type HttpListenerIR,
  type PluginContext,
  type RouteIR,
  type TranslatorPlugin,
} from '@gatehouse/plugin-sdk';

const CORS_FILTER = 'envoy.filters.http.cors';

function headersToAdd(m: HeaderModifierIR): EnvoyMessage[] {
  return [
    ...m.set.map((h) => ({ header: { key: h.name, value: h.value }, appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD' })),
    ...m.add.map((h) => ({ header: { key: h.name, value: h.value }, appendAction: 'APPEND_IF_EXISTS_OR_ADD' })),
  ];
}

/** Origins as Envoy string matchers: `*` anything, `https://*.example.com` a wildcard label. */
function originMatchers(origins: string[]): EnvoyMessage[] {
  return origins.map((o) => {
    if (o === '*') return { safeRegex: { regex: '.*' } };
    if (!o.includes('*')) return { exact: o };
    return { safeRegex: { regex: `^${o.split('*').map(escapeRegex).join('[^/]+')}$` } };
  });
}

function corsPolicy(c: CorsIR): EnvoyMessage {
  const policy: EnvoyMessage = { allowOriginStringMatch: originMatchers(c.allowOrigins), maxAge: String(c.maxAgeSeconds) };
  if (c.allowMethods.length) policy['allowMethods'] = c.allowMethods.join(',');
  if (c.allowHeaders.length) policy['allowHeaders'] = c.allowHeaders.join(',');
  if (c.exposeHeaders.length) policy['exposeHeaders'] = c.exposeHeaders.join(',');
  if (c.allowCredentials) policy['allowCredentials'] = true;
  return typed('envoy.extensions.filters.http.cors.v3.CorsPolicy', policy);
}

function mirrorPolicy(clusterName: string, fraction?: { numerator: number; denominator: number }): EnvoyMessage {
  if (!fraction) return { cluster: clusterName };
  const perMillion = Math.round((fraction.numerator / fraction.denominator) * 1_000_000);
  return { cluster: clusterName, runtimeFraction: { defaultValue: { numerator: perMillion, denominator: 'MILLION' } } };
}

function applyFilters(route: RouteIR, out: EnvoyMessage): void {
  const action = out['route'] as EnvoyMessage | undefined;
  for (const f of route.filters) {
    switch (f.type) {
      case 'RequestHeaderModifier':
        out['requestHeadersToAdd'] = [...((out['requestHeadersToAdd'] as EnvoyMessage[]) ?? []), ...headersToAdd(f.modifier)];
        if (f.modifier.remove.length) out['requestHeadersToRemove'] = f.modifier.remove;
        break;
      case 'ResponseHeaderModifier':
        out['responseHeadersToAdd'] = [...((out['responseHeadersToAdd'] as EnvoyMessage[]) ?? []), ...headersToAdd(f.modifier)];
        if (f.modifier.remove.length) out['responseHeadersToRemove'] = f.modifier.remove;
        break;
      case 'URLRewrite':
        if (!action) break;
        if (f.hostname) action['hostRewriteLiteral'] = f.hostname;
        if (f.path?.type === 'ReplaceFullPath') action['regexRewrite'] = replaceFullPath(f.path.value);
        if (f.path?.type === 'ReplacePrefixMatch') action['regexRewrite'] = replacePrefix(route.match.path.value, f.path.value);
        break;
      case 'RequestMirror':
        if (!action || !f.valid) break;
        action['requestMirrorPolicies'] = [...((action['requestMirrorPolicies'] as EnvoyMessage[]) ?? []), mirrorPolicy(f.clusterName, f.fraction)];
        break;
      case 'CORS':
        out['typedPerFilterConfig'] = { ...((out['typedPerFilterConfig'] as EnvoyMessage) ?? {}), [CORS_FILTER]: corsPolicy(f.cors) };
        break;
    }
  }
}

// Listener hooks run on every translation: answer per virtual host from the memo (an unchanged virtual host is the
// same object), so the cost follows the virtual hosts that changed, not every route.
function usesCors(ctx: PluginContext, l: HttpListenerIR): boolean {
  return allVirtualHosts(l).some((vh) => ctx.memo.get('route-filters/cors', vh, () => vh.routes.some((r) => r.filters.some((f) => f.type === 'CORS'))));
}

export const routeFiltersPlugin: TranslatorPlugin = {
  name: 'route-filters',
  route: (_ctx, route, out) => applyFilters(route, out),
  httpFilters: (ctx, listener) =>
    usesCors(ctx, listener) ? [{ stage: 'cors', filter: { name: CORS_FILTER, typedConfig: typed('envoy.extensions.filters.http.cors.v3.Cors') } }] : [],
};
