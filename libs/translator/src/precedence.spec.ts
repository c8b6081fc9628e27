import { describe, expect, it } from 'vitest';
import type { RouteIR, RouteMatchIR } from '@gatehouse/ir';
import { compareRoutes, type RankedRoute } from './precedence.js';

const ranked = (name: string, match: Partial<RouteMatchIR>, o: { hostname?: string; createdAt?: string; ruleIndex?: number } = {}): RankedRoute => ({
  route: {
    name,
    source: { kind: match.grpc ? 'GRPCRoute' : 'HTTPRoute', namespace: 'default', name },
    ruleIndex: o.ruleIndex ?? 0,
    matchIndex: 0,
    match: { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [], ...match },
    action: { kind: 'direct', status: 200 },
    filters: [],
    policies: {},
  } as RouteIR,
  hostname: o.hostname ?? 'a.test',
  createdAt: o.createdAt ?? '2026-01-01T00:00:00Z',
});
const grpc = (service: string, method: string, headers = 0) => ({
  grpc: { service, method },
  headers: Array.from({ length: headers }, (_, i) => ({ type: 'Exact' as const, name: `h${i}`, value: 'v' })),
});

describe('route precedence with GRPCRoutes', () => {
  it('ranks gRPC rules by service characters, then method characters, then header matches, ahead of HTTP rules', () => {
    const list = [
      ranked('http-exact', { path: { type: 'Exact', value: '/pkg.Svc/Method' } }),
      ranked('method-only', grpc('', 'Method')),
      ranked('service-only', grpc('pkg.Svc', '')),
      ranked('both', grpc('pkg.Svc', 'Method')),
      ranked('both-with-header', grpc('pkg.Svc', 'Method', 1)),
      ranked('catch-all', grpc('', '')),
      ranked('wildcard-host', grpc('pkg.Svc', 'Method', 3), { hostname: '*.test' }),
    ];
    const names = [...list].sort(compareRoutes).map((r) => r.route.name);
    expect(names).toEqual(['both-with-header', 'both', 'service-only', 'method-only', 'catch-all', 'http-exact', 'wildcard-host']);
  });

  it('breaks ties by creation time, then namespace/name, then rule order', () => {
    const list = [
      ranked('b', grpc('s', 'm'), { ruleIndex: 1 }),
      ranked('b', grpc('s', 'm')),
      ranked('a', grpc('s', 'm'), { createdAt: '2026-01-02T00:00:00Z' }),
      ranked('c', grpc('s', 'm')),
    ];
    expect([...list].sort(compareRoutes).map((r) => `${r.route.name}${r.route.ruleIndex}`)).toEqual(['b0', 'b1', 'c0', 'a0']);
  });

  it('is a total order: sorting any permutation gives the same result', () => {
    const list = [
      ranked('x', grpc('a', 'b')),
      ranked('y', { path: { type: 'Exact', value: '/z' } }),
      ranked('z', grpc('a', '')),
      ranked('w', { path: { type: 'PathPrefix', value: '/abc' } }),
    ];
    const want = [...list].sort(compareRoutes).map((r) => r.route.name);
    for (let i = 0; i < 10; i++)
      expect(
        [...list]
          .sort(() => Math.random() - 0.5)
          .sort(compareRoutes)
          .map((r) => r.route.name),
      ).toEqual(want);
  });
});
