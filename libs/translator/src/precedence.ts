// Gateway API route precedence (HTTPRoute spec, "precedence" across rules and routes).
import type { RouteIR } from '@gatehouse/ir';
import { hostnameSpecificity } from './hostnames.js';

/** A route plus what precedence needs but Envoy does not. */
export interface RankedRoute {
  route: RouteIR;
  /** The hostname pattern the route was attached under. */
  hostname: string;
  /** The route's own hostname that gave it (`*` when the route names none): ranks routes meeting on `hostname`. */
  origin?: string;
  createdAt: string;
}

// Prefix and regex compete on length; on equal length a prefix wins (its meaning is known).
const pathType = (r: RouteIR) => (r.match.path.type === 'Exact' ? 3 : r.match.path.type === 'PathPrefix' ? 2 : 1);

/**
 * Sorts routes so that Envoy's first-match order equals Gateway API precedence. Within a hostname, GRPCRoute rules
 * (which match gRPC requests only) come before HTTPRoute rules and rank by their own criteria: characters in the
 * service, then in the method, then header matches.
 */
export function compareRoutes(a: RankedRoute, b: RankedRoute): number {
  const ga = a.route.match.grpc;
  const gb = b.route.match.grpc;
  const byHost =
    hostnameSpecificity(b.hostname) - hostnameSpecificity(a.hostname) || hostnameSpecificity(b.origin ?? '*') - hostnameSpecificity(a.origin ?? '*');
  if (byHost || ga || gb) {
    if (byHost) return byHost;
    if (!ga || !gb) return ga ? -1 : 1;
    return (
      gb.service.length - ga.service.length ||
      gb.method.length - ga.method.length ||
      b.route.match.headers.length - a.route.match.headers.length ||
      tieBreak(a, b)
    );
  }
  const ta = pathType(a.route);
  const tb = pathType(b.route);
  const la = a.route.match.path.value.length;
  const lb = b.route.match.path.value.length;
  return (
    (ta === 3 || tb === 3 ? tb - ta : 0) ||
    lb - la ||
    tb - ta ||
    Number(b.route.match.method !== undefined) - Number(a.route.match.method !== undefined) ||
    b.route.match.headers.length - a.route.match.headers.length ||
    b.route.match.queryParams.length - a.route.match.queryParams.length ||
    tieBreak(a, b)
  );
}

/** Across routes: the oldest, then namespace/name; within one: rule order, then match order. */
function tieBreak(a: RankedRoute, b: RankedRoute): number {
  return (
    (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0) ||
    compareNamespacedName(a.route.source, b.route.source) ||
    a.route.ruleIndex - b.route.ruleIndex ||
    a.route.matchIndex - b.route.matchIndex
  );
}

/** Order of `namespace/name` strings, without building them when the namespaces are equal (the common case). */
function compareNamespacedName(a: RouteIR['source'], b: RouteIR['source']): number {
  return a.namespace === b.namespace ? compareStr(a.name, b.name) : compareStr(`${a.namespace}/`, `${b.namespace}/`);
}

function compareStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
