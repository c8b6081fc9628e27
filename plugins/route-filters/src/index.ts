// HTTPRoute filters on Envoy routes: header modifiers, URL rewrite, request mirroring, CORS.
import {
  allVirtualHosts,
  escapeRegex,
  replaceFullPath,
  replacePrefix,
  headerValueOptions,
  typed,
  type CorsIR,
  type EnvoyMessage,
  type SessionPersistenceIR,
  type StagedHttpFilter,
  type HttpListenerIR,
  type PluginContext,
  type RouteIR,
  type TranslatorPlugin,
} from '@gatehouse/plugin-sdk';

const CORS_FILTER = 'envoy.filters.http.cors';

const SESSION_FILTER = 'envoy.filters.http.stateful_session';
const headersToAdd = headerValueOptions;

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
  // A preflight from an origin that is not allowed is answered here, never forwarded to the backend.
  policy['forwardNotMatchingPreflights'] = false;
  return typed('envoy.extensions.filters.http.cors.v3.CorsPolicy', policy);
}

function mirrorPolicy(clusterName: string, fraction?: { numerator: number; denominator: number }): EnvoyMessage {
  if (!fraction) return { cluster: clusterName };
  const perMillion = Math.round((fraction.numerator / fraction.denominator) * 1_000_000);
  return { cluster: clusterName, runtimeFraction: { defaultValue: { numerator: perMillion, denominator: 'MILLION' } } };
}

/** Sticky sessions for one route: Envoy's stateful session filter, configured per route. */
function sessionPolicy(s: SessionPersistenceIR): EnvoyMessage {
  const state =
    s.type === 'Cookie'
      ? {
          name: 'envoy.http.stateful_session.cookie',
          typedConfig: typed('envoy.extensions.http.stateful_session.cookie.v3.CookieBasedSessionState', {
            cookie: { name: s.name, path: s.path ?? '/', ...(s.ttlSeconds !== undefined ? { ttl: `${s.ttlSeconds}s` } : {}) },
          }),
        }
      : {
          name: 'envoy.http.stateful_session.header',
          typedConfig: typed('envoy.extensions.http.stateful_session.header.v3.HeaderBasedSessionState', { name: s.name }),
        };
  return typed('envoy.extensions.filters.http.stateful_session.v3.StatefulSessionPerRoute', { statefulSession: { sessionState: state } });
}

function applyFilters(route: RouteIR, out: EnvoyMessage): void {
  const action = out['route'] as EnvoyMessage | undefined;
  if (route.action.kind === 'forward' && route.action.sessionPersistence) {
    out['typedPerFilterConfig'] = {
      ...((out['typedPerFilterConfig'] as EnvoyMessage) ?? {}),
      [SESSION_FILTER]: sessionPolicy(route.action.sessionPersistence),
    };
  }
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
function uses(ctx: PluginContext, l: HttpListenerIR): { cors: boolean; session: boolean } {
  const per = allVirtualHosts(l).map((vh) =>
    ctx.memo.get('route-filters/uses', vh, () => ({
      cors: vh.routes.some((r) => r.filters.some((f) => f.type === 'CORS')),
      session: vh.routes.some((r) => r.action.kind === 'forward' && r.action.sessionPersistence !== undefined),
    })),
  );
  return { cors: per.some((u) => u.cors), session: per.some((u) => u.session) };
}

export const routeFiltersPlugin: TranslatorPlugin = {
  name: 'route-filters',
  route: (_ctx, route, out) => applyFilters(route, out),
  httpFilters: (ctx, listener) => {
    const used = uses(ctx, listener);
    const out: StagedHttpFilter[] = [];
    if (used.cors) out.push({ stage: 'cors', filter: { name: CORS_FILTER, typedConfig: typed('envoy.extensions.filters.http.cors.v3.Cors') } });
    // Off unless a route configures it (StatefulSessionPerRoute).
    if (used.session)
      out.push({
        stage: 'route',
        position: 'before',
        filter: { name: SESSION_FILTER, typedConfig: typed('envoy.extensions.filters.http.stateful_session.v3.StatefulSession') },
      });
    return out;
  },
};
