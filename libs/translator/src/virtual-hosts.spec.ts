import { describe, expect, it } from 'vitest';
import type { RouteIR } from '@gatehouse/ir';
import { VirtualHostTable, type Ranked } from './virtual-hosts.js';

let seed = 7;
const rnd = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);

function route(owner: string, i: number, path: string): RouteIR {
  return { name: `${owner}/${i}`, source: { kind: 'HTTPRoute', namespace: 'default', name: owner }, ruleIndex: i, matchIndex: 0, match: { path: { type: rnd(3) ? 'PathPrefix' : 'Exact', value: path }, headers: [], queryParams: [] }, action: { kind: 'direct', status: 200 }, filters: [], policies: {} };
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
      if (old) live.remove(owner, old.map((e) => e.hostname));
      if (rnd(5) === 0) owned.delete(owner);
      else {
        const next = entries(owner, step);
        owned.set(owner, next);
        live.add(owner, next);
      }
      live.rebuild((_ir, ranked) => ranked.map((r) => r.payload));
      const fresh = new VirtualHostTable<string, string[]>();
      for (const [o, list] of owned) fresh.add(o, list.map((e) => ({ ...e })));
      fresh.rebuild((_ir, ranked) => ranked.map((r) => r.payload));
      expect(names(live), `step ${step}`).toEqual(names(fresh));
    }
  });
});
