// Gateway API route precedence (HTTPRoute spec, "precedence" across rules and routes).
import type { RouteIR } from '@gatehouse/ir';
import { hostnameSpecificity } from './hostnames.js';

/** A route plus what precedence needs but Envoy does not. */
export interface RankedRoute {
  route: RouteIR;
  /** The hostname pattern the route was attached under. */
  hostname: string;
  createdAt: string;
}

function pathRank(r: RouteIR): [number, number] {
  const p = r.match.path;
  if (p.type === 'Exact') return [3, p.value.length];
  // Prefix and regex compete on length; on equal length a prefix wins (its meaning is known).
  return [p.type === 'PathPrefix' ? 2 : 1, p.value.length];
}

/** Sorts routes so that Envoy's first-match order equals Gateway API precedence. */
export function compareRoutes(a: RankedRoute, b: RankedRoute): number {
  const [ta, la] = pathRank(a.route);
  const [tb, lb] = pathRank(b.route);
  return (
    hostnameSpecificity(b.hostname) - hostnameSpecificity(a.hostname) ||
    (ta === 3 || tb === 3 ? tb - ta : 0) ||
    lb - la ||
    tb - ta ||
    Number(b.route.match.method !== undefined) - Number(a.route.match.method !== undefined) ||
    b.route.match.headers.length - a.route.match.headers.length ||
    b.route.match.queryParams.length - a.route.match.queryParams.length ||
    (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0) ||
    compareStr(`${a.route.source.namespace}/${a.route.source.name}`, `${b.route.source.namespace}/${b.route.source.name}`) ||
    a.route.ruleIndex - b.route.ruleIndex ||
    a.route.matchIndex - b.route.matchIndex
  );
}

function compareStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
