import { describe, expect, it } from 'vitest';
import type { RouteIR } from '@gatehouse/ir';
import { VirtualHostTable, type Ranked } from './virtual-hosts.js';

let seed = 7;
const rnd = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);

function route(owner: string, i: number, path: string): RouteIR {
  return {
    name: `${owner}/${i}`,
    source: { kind: 'HTTPRoute', namespace: 'default', name: owner },
    ruleIndex: i,
    matchIndex: 0,
    match: { path: { type: rnd(3) ? 'PathPrefix' : 'Exact', value: path }, headers: [], queryParams: [] },
    action: { kind: 'direct', status: 200 },
    filters: [],
    policies: {},
  };
}
const hostnames = ['a.test', 'b.test', '*.test', '*'];

function entries(owner: string, v: number): Array<Ranked<string>> {
  const hs = [hostnames[rnd(4)]!, ...(rnd(3) === 0 ? [hostnames[rnd(4)]!] : [])];
  const routes = Array.from({ length: 1 + rnd(3) }, (_, i) => route(owner, i, `/${'x'.repeat(rnd(4))}${v % 3}`));
  return [...new Set(hs)].flatMap((hostname) => routes.map((r) => ({ route: r, hostname, createdAt: `2026-01-0${1 + rnd(3)}`, payload: r.name })));
}

describe('VirtualHostTable', () => {
  it('patching a changed owner in place gives what building from scratch gives', () => {
    const live = new VirtualHostTable<string, string[]>();
    const owned = new Map<string, Array<Ranked<string>>>();
    const names = (t: VirtualHostTable<string, string[]>) => t.virtualHosts().map((v) => `${v.ir.name}: ${v.value.join(' ')}`);
    for (let step = 0; step < 300; step++) {
      const owner = `r${rnd(12)}`;
      const old = owned.get(owner);
      if (old)
        live.remove(
          owner,
          old.map((e) => e.hostname),
        );
      if (rnd(5) === 0) owned.delete(owner);
      else {
        const next = entries(owner, step);
        owned.set(owner, next);
        live.add(owner, next);
      }
      live.rebuild((_ir, ranked) => ranked.map((r) => r.payload));
      const fresh = new VirtualHostTable<string, string[]>();
      for (const [o, list] of owned)
        fresh.add(
          o,
          list.map((e) => ({ ...e })),
        );
      fresh.rebuild((_ir, ranked) => ranked.map((r) => r.payload));
      expect(names(live), `step ${step}`).toEqual(names(fresh));
    }
  });
});

describe('VirtualHostTable with listener isolation', () => {
  const listeners = ['*', '*.test', 'a.test'];
  const withListener = (owner: string, v: number) => entries(owner, v).map((e) => ({ ...e, listener: listeners[rnd(3)]! }));

  it.each([undefined, '*.test'])('patching gives what building from scratch gives (HTTPS self: %s)', (self) => {
    const config = { hostnames: listeners, ...(self ? { self } : {}) };
    const live = new VirtualHostTable<string, string[]>(config);
    const owned = new Map<string, Array<Ranked<string>>>();
    const names = (t: VirtualHostTable<string, string[]>) =>
      t.virtualHosts().map((v) => `${v.ir.name}${v.ir.misdirected ? ' (421)' : ''}: ${v.value.join(' ')}`);
    for (let step = 0; step < 200; step++) {
      const owner = `r${rnd(10)}`;
      const old = owned.get(owner);
      if (old)
        live.remove(
          owner,
          old.map((e) => e.hostname),
        );
      if (rnd(5) === 0) owned.delete(owner);
      else {
        const next = withListener(owner, step);
        owned.set(owner, next);
        live.add(owner, next);
      }
      live.rebuild((_ir, ranked) => ranked.map((r) => r.payload));
      const fresh = new VirtualHostTable<string, string[]>(config);
      for (const [o, list] of owned)
        fresh.add(
          o,
          list.map((e) => ({ ...e })),
        );
      fresh.rebuild((_ir, ranked) => ranked.map((r) => r.payload));
      expect(names(live), `step ${step}`).toEqual(names(fresh));
    }
  });

  it('serves a domain with the routes of the most specific listener only, and pins listener hostnames', () => {
    const t = new VirtualHostTable<string, string[]>({ hostnames: listeners });
    const e = (owner: string, hostname: string, listener: string): Ranked<string> => ({
      route: route(owner, 0, '/'),
      hostname,
      createdAt: '2026-01-01',
      payload: owner,
      listener,
    });
    t.add('catch-all', [e('catch-all', '*', '*')]);
    t.add('wild', [e('wild', '*.test', '*.test')]);
    t.rebuild((_ir, ranked) => ranked.map((r) => r.payload));
    const byDomain = Object.fromEntries(t.virtualHosts().map((v) => [v.ir.name, v.value]));
    expect(byDomain).toEqual({ 'a.test': [], '*.test': ['wild'], 'catch-all': ['catch-all'] });
  });
});
