// Gateway API hostname rules: listener ∩ route hostname intersection, and specificity for precedence.

/** True when `pattern` (exact or `*.suffix`) matches the concrete-or-wildcard `host`. */
function wildcardCovers(wildcard: string, host: string): boolean {
  // `*.example.com` matches `a.example.com` and `a.b.example.com`, never `example.com`.
  const suffix = wildcard.slice(1); // `.example.com`
  return host.endsWith(suffix) && host.length > suffix.length;
}

/**
 * The hostnames a route serves on a listener. `undefined` listener hostname means any; an empty route list means
 * "inherit the listener's". Returns [] when they do not intersect, `['*']` when both are unrestricted.
 */
export function intersectHostnames(listenerHostname: string | undefined, routeHostnames: readonly string[]): string[] {
  if (routeHostnames.length === 0) return [listenerHostname ?? '*'];
  if (!listenerHostname) return [...new Set(routeHostnames)];
  const out = new Set<string>();
  for (const h of routeHostnames) {
    if (h === listenerHostname) out.add(h);
    else if (listenerHostname.startsWith('*.') && !h.startsWith('*.') && wildcardCovers(listenerHostname, h)) out.add(h);
    else if (h.startsWith('*.') && !listenerHostname.startsWith('*.') && wildcardCovers(h, listenerHostname)) out.add(listenerHostname);
    else if (h.startsWith('*.') && listenerHostname.startsWith('*.')) {
      // Both wildcards: the more specific one, if one covers the other.
      if (wildcardCovers(listenerHostname, h.slice(2))) out.add(h);
      else if (wildcardCovers(h, listenerHostname.slice(2))) out.add(listenerHostname);
    }
  }
  return [...out];
}

/**
 * The route's own hostname each intersected hostname came from (the most specific, when several give it); `*` when
 * the route names none. Precedence between routes meeting on one hostname looks at these (the spec's
 * GatewayRouteHostnameIntersectionPrecedence).
 */
export function hostnameOrigins(listenerHostname: string | undefined, routeHostnames: readonly string[], intersected: readonly string[]): string[] {
  return intersected.map((h) => {
    let best = '*';
    for (const r of routeHostnames) {
      if (intersectHostnames(listenerHostname, [r]).includes(h) && hostnameSpecificity(r) > hostnameSpecificity(best)) best = r;
    }
    return best;
  });
}

/** True when a route served under `pattern` applies to requests for virtual-host domain `domain`. */
export function hostnameApplies(pattern: string, domain: string): boolean {
  if (pattern === '*' || pattern === domain) return true;
  if (!pattern.startsWith('*.')) return false;
  if (domain.startsWith('*.')) return wildcardCovers(pattern, domain.slice(2)) || pattern === domain;
  return wildcardCovers(pattern, domain);
}

/**
 * Specificity for precedence across routes (spec: most characters in a matching non-wildcard hostname, then in
 * a matching hostname). Higher is more specific.
 */
export function hostnameSpecificity(pattern: string): number {
  if (pattern === '*') return 0;
  if (pattern.startsWith('*.')) return 1000 + pattern.length;
  return 100_000 + pattern.length;
}

/** Deterministic virtual-host order: exact names, then wildcards (longest first), then the catch-all. */
export function compareDomains(a: string, b: string): number {
  return hostnameSpecificity(b) - hostnameSpecificity(a) || (a < b ? -1 : a > b ? 1 : 0);
}
