import { describe, expect, it } from 'vitest';
import type { ResourceSnapshot, StoredResource } from '@gatehouse/api';
import { MemorySink } from './memory-sink.js';

const stored = (kind: string, name: string, spec: Record<string, unknown> = {}): StoredResource => ({
  key: `${kind}/default/${name}`,
  ref: { kind, namespace: 'default', name },
  object: { apiVersion: 'v1', kind, metadata: { name, namespace: 'default' }, spec } as StoredResource['object'],
  origin: { source: 'file', file: 'a.yaml', line: 1 },
  createdAt: '2026-01-01T00:00:00Z',
});

function snapshot(resources: StoredResource[], since?: { snap: ResourceSnapshot; keys: string[] }): ResourceSnapshot {
  return {
    resources: new Map(resources.map((r) => [r.key, r])),
    problems: [],
    revision: {},
    ...(since ? { changes: { since: since.snap.revision!, keys: new Set(since.keys) } } : {}),
  };
}

describe('MemorySink', () => {
  it('lays discovered Upstreams and functions over the source, saying what changed', async () => {
    let changes = 0;
    const sink = new MemorySink(() => changes++);
    const pets = stored('Upstream', 'pets', {
      static: { hosts: [{ address: '10.0.0.1', port: 80 }] },
      functions: [{ name: 'mine', http: { method: 'GET', path: '/x' } }],
    });
    const s1 = snapshot([pets, stored('HTTPRoute', 'r')]);
    const m1 = sink.merge(s1);
    expect(m1.changes).toBeUndefined();
    expect(m1.resources.get(pets.key)).toBe(pets);

    await sink.upstreams('kubernetes', [
      { namespace: 'default', name: 'web-80', labels: { app: 'web' }, spec: { kube: { serviceName: 'web', servicePort: 80 } } },
    ]);
    await sink.functions(
      'openapi',
      pets.ref,
      [
        { name: 'getPet', http: { method: 'GET', path: '/pets/{id}' } },
        { name: 'mine', http: { method: 'POST', path: '/y' } },
      ],
      { state: 'Discovered', functions: 2 },
    );
    expect(changes).toBe(2);
    const m2 = sink.merge(s1);
    expect([...m2.changes!.keys].sort()).toEqual(['Upstream/default/pets', 'Upstream/default/web-80']);
    expect(m2.changes!.since).toBe(m1.revision);
    const web = m2.resources.get('Upstream/default/web-80')!;
    expect(web.object.metadata.labels).toEqual({ app: 'web', 'gatehouse.dev/discovered-by': 'kubernetes' });
    expect(Object.isFrozen(web.object)).toBe(true);
    // The written function wins over the discovered one of the same name.
    expect((m2.resources.get(pets.key)!.object as unknown as { spec: { functions: unknown[] } }).spec.functions).toEqual([
      { name: 'mine', http: { method: 'GET', path: '/x' } },
      { name: 'getPet', http: { method: 'GET', path: '/pets/{id}' } },
    ]);

    // A source change elsewhere: only that key changes; the overlaid objects stay the same objects.
    const route2 = stored('HTTPRoute', 'r');
    const s2 = snapshot([pets, route2], { snap: s1, keys: ['HTTPRoute/default/r'] });
    const m3 = sink.merge(s2);
    expect([...m3.changes!.keys]).toEqual(['HTTPRoute/default/r']);
    expect(m3.resources.get(pets.key)).toBe(m2.resources.get(pets.key));
    expect(m3.resources.get('Upstream/default/web-80')).toBe(web);

    // Gone from the discoverer's set: removed.
    await sink.upstreams('kubernetes', []);
    const m4 = sink.merge(s2);
    expect([...m4.changes!.keys]).toEqual(['Upstream/default/web-80']);
    expect(m4.resources.has('Upstream/default/web-80')).toBe(false);
  });

  it('a failure is a warning on its Upstream; a written Upstream of a discovered name wins', async () => {
    const sink = new MemorySink(() => undefined);
    const web = stored('Upstream', 'web-80', { static: { hosts: [] } });
    await sink.upstreams('kubernetes', [{ namespace: 'default', name: 'web-80', labels: {}, spec: { kube: { serviceName: 'web', servicePort: 80 } } }]);
    await sink.functions('openapi', web.ref, undefined, {
      state: 'Failed',
      error: { code: 'InvalidDocument', message: 'not valid YAML', line: 7, source: 'http://x/openapi.yaml' },
    });
    const m = sink.merge(snapshot([web]));
    expect(m.resources.get(web.key)).toBe(web);
    expect(m.problems.map((p) => p.message)).toEqual([
      'discovery (kubernetes) would make Upstream default/web-80 too; the written one is kept (rename it, or opt its source out with the gatehouse.dev/discovery: disabled label)',
      'discovery (openapi) failed (http://x/openapi.yaml): InvalidDocument at line 7: not valid YAML',
    ]);
    expect(m.problems.every((p) => p.severity === 'warning' && p.ref?.name === 'web-80')).toBe(true);
  });
});
