// Real Envoy, real backends, real files: routing as the Gateway API YAML says, over SotW and delta xDS.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateway, gatewayClass, httpRoute, service, tempDir, toService, writeYaml } from '../harness/config.js';
import { freePort, request, startBackend, startEnvoy, startGatehouse, waitFor, type Backend, type Envoy, type Gatehouse } from '../harness/peers.js';

type Counters = Record<string, { responses: number; resourcesSent: number; resources?: Record<string, { state: string }> }>;

describe.each([
  { mode: 'sotw', delta: false, address: '127.0.0.11' },
  { mode: 'delta', delta: true, address: '127.0.0.12' },
])('routing through a real Envoy over $mode xDS', ({ delta, address }) => {
  const dir = tempDir('e2e-config');
  const work = tempDir('e2e-work');
  let a: Backend, b: Backend, c: Backend;
  let gh: Gatehouse;
  let envoy: Envoy;
  let port: number, port2: number;

  const url = (path: string, p = port) => `http://${address}:${p}${path}`;
  const get = (host: string, path: string, headers: Record<string, string> = {}, p = port) => request(url(path, p), { host, headers });

  const routes = (apiBackend: string, secondPrefix = '/v1') => [
    httpRoute('exact', {
      parentRefs: [{ name: 'gw', sectionName: 'main' }],
      hostnames: ['exact.test'],
      rules: [{ matches: [{ path: { type: 'Exact', value: '/exact' } }], backendRefs: [toService('c')] }, { backendRefs: [toService('a')] }],
    }),
    httpRoute('prefix', {
      parentRefs: [{ name: 'gw', sectionName: 'main' }],
      hostnames: ['prefix.test'],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [toService(apiBackend)] }, { backendRefs: [toService('a')] }],
    }),
    httpRoute('header', {
      parentRefs: [{ name: 'gw', sectionName: 'main' }],
      hostnames: ['header.test'],
      rules: [{ matches: [{ headers: [{ name: 'X-Env', value: 'canary' }] }], backendRefs: [toService('c')] }, { backendRefs: [toService('a')] }],
    }),
    httpRoute('weights', {
      parentRefs: [{ name: 'gw', sectionName: 'main' }],
      hostnames: ['weights.test'],
      rules: [{ backendRefs: [toService('a', 80), toService('b', 20)] }],
    }),
    httpRoute('partial', {
      parentRefs: [{ name: 'gw', sectionName: 'main' }],
      hostnames: ['partial.test'],
      rules: [{ backendRefs: [toService('a', 50), toService('does-not-exist', 50)] }],
    }),
    httpRoute('second', {
      parentRefs: [{ name: 'gw', sectionName: 'second' }],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: secondPrefix } }], backendRefs: [toService('b')] }],
    }),
  ];

  beforeAll(async () => {
    [a, b, c] = await Promise.all([
      startBackend('a', { host: '127.0.0.21' }),
      startBackend('b', { host: '127.0.0.22' }),
      startBackend('c', { host: '127.0.0.23' }),
    ]);
    [port, port2] = [await freePort(address), await freePort(address)];
    writeYaml(dir, 'gateway.yaml', [
      gatewayClass,
      gateway('gw', address, [
        { name: 'main', port },
        { name: 'second', port: port2 },
      ]),
    ]);
    writeYaml(dir, 'services.yaml', [...service('a', a), ...service('b', b), ...service('c', c)]);
    writeYaml(dir, 'routes.yaml', routes('b'));
    gh = await startGatehouse({ configDir: dir, dataDir: join(work, 'data') });
    envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, delta, workDir: work });
    await waitFor('routes served', async () => (await get('prefix.test', '/api')).backend === 'b' && (await get('x', '/v1', {}, port2)).backend === 'b');
  });

  afterAll(async () => {
    await envoy?.stop();
    await gh?.stop();
    await Promise.all([a, b, c].map((x) => x?.close()));
  });

  it('PathPrefix matches whole path elements only', async () => {
    expect((await get('prefix.test', '/api')).backend).toBe('b');
    expect((await get('prefix.test', '/api/v2/items?x=1')).backend).toBe('b');
    expect((await get('prefix.test', '/apis')).backend).toBe('a');
    expect((await get('prefix.test', '/')).backend).toBe('a');
  });

  it('Exact matches the whole path', async () => {
    expect((await get('exact.test', '/exact')).backend).toBe('c');
    expect((await get('exact.test', '/exact/more')).backend).toBe('a');
  });

  it('header matches, with case-insensitive header names', async () => {
    expect((await get('header.test', '/', { 'x-env': 'canary' })).backend).toBe('c');
    expect((await get('header.test', '/', { 'X-ENV': 'canary' })).backend).toBe('c');
    expect((await get('header.test', '/', { 'x-env': 'stable' })).backend).toBe('a');
    expect((await get('header.test', '/')).backend).toBe('a');
  });

  it('hostnames are isolated: an unknown host gets 404, a host with a port still matches', async () => {
    expect((await get('unknown.test', '/')).status).toBe(404);
    expect((await get(`prefix.test:${port}`, '/api')).backend).toBe('b');
  });

  it('splits traffic by weight (80/20 over 400 requests)', async () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < 400; i++) {
      const r = await get('weights.test', '/');
      counts[r.backend ?? String(r.status)] = (counts[r.backend ?? String(r.status)] ?? 0) + 1;
    }
    expect(Object.keys(counts).sort()).toEqual(['a', 'b']);
    expect(counts['a']! / 400).toBeGreaterThan(0.7);
    expect(counts['a']! / 400).toBeLessThan(0.9);
  });

  it('an unresolvable backend gets 500 for exactly its share', async () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < 200; i++) {
      const r = await get('partial.test', '/');
      const k = r.backend ?? String(r.status);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    expect(Object.keys(counts).sort()).toEqual(['500', 'a']);
    expect(counts['500']! / 200).toBeGreaterThan(0.35);
    expect(counts['500']! / 200).toBeLessThan(0.65);
  });

  it('hot-reloads a file change (file write → new route served), measured', async () => {
    const started = performance.now();
    writeYaml(dir, 'routes.yaml', routes('c'));
    await waitFor('new route served', async () => (await get('prefix.test', '/api/x')).backend === 'c', 10_000, 5);
    const ms = performance.now() - started;
    console.log(`[${delta ? 'delta' : 'sotw'}] hot reload: file write → new route served by Envoy in ${ms.toFixed(0)} ms`);
    writeYaml(dir, 'routes.yaml', routes('b'));
    await waitFor('route restored', async () => (await get('prefix.test', '/api/x')).backend === 'b', 10_000, 5);
  });

  it('an update resends only what changed (server counters and Envoy stats)', async () => {
    const nodeCounters = async (): Promise<Counters> => {
      const { items } = (await (await fetch(`${gh.admin}/api/v1/proxies`)).json()) as { items: Array<{ nodeId: string; types: Counters }> };
      const mine = items.find((p) => p.nodeId.includes(delta ? 'delta' : 'sotw'))!;
      return Object.fromEntries(Object.entries(mine.types).map(([t, v]) => [t.split('.').pop()!, v]));
    };
    const before = await nodeCounters();
    const statsBefore = await envoy.stats();
    // Change only the route on the second listener: one RouteConfiguration changes, nothing else.
    writeYaml(dir, 'routes.yaml', routes('b', '/v2'));
    await waitFor('second listener updated', async () => (await get('x', '/v2', {}, port2)).backend === 'b', 10_000, 5);
    await waitFor('ACK recorded', async () => {
      const s = await envoy.stats();
      return s[`http.http-${port2}.rds.http-${port2}.update_success`]! > statsBefore[`http.http-${port2}.rds.http-${port2}.update_success`]!;
    });
    const after = await nodeCounters();
    const statsAfter = await envoy.stats();
    const sent = (t: string) => after[t]!.resourcesSent - before[t]!.resourcesSent;
    expect(sent('Cluster')).toBe(0);
    expect(sent('ClusterLoadAssignment')).toBe(0);
    expect(sent('Listener')).toBe(0);
    // Delta sends the one RouteConfiguration that changed; SotW resends every route configuration Envoy asked for.
    expect(sent('RouteConfiguration')).toBe(delta ? 1 : 2);
    expect(statsAfter['cluster_manager.cds.update_success']).toBe(statsBefore['cluster_manager.cds.update_success']);
    expect(statsAfter['listener_manager.lds.update_success']).toBe(statsBefore['listener_manager.lds.update_success']);
    if (delta) expect(statsAfter[`http.http-${port}.rds.http-${port}.update_success`]).toBe(statsBefore[`http.http-${port}.rds.http-${port}.update_success`]);
    expect(statsAfter['cluster_manager.cds.update_rejected'] ?? 0).toBe(0);
    if (delta) {
      // Per-resource ACK state: every resource Envoy holds is ACKed, none NACKed.
      await waitFor('per-resource ACKs', async () => {
        const now = await nodeCounters();
        return Object.values(now).every((t) => Object.values(t.resources ?? {}).every((r) => r.state === 'acked'));
      });
      expect(Object.keys((await nodeCounters())['RouteConfiguration']!.resources!).sort()).toEqual([`http-${port}`, `http-${port2}`].sort());
    }
    writeYaml(dir, 'routes.yaml', routes('b'));
  });
});
