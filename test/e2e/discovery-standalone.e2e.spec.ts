// Discovery in standalone mode, with real local services: Kubernetes Services become Upstreams (kept in memory, one
// per port, labelled, served to a real Envoy through a route to the Upstream, removed with the Service); OpenAPI 3
// and Swagger 2.0 services serving their own documents become functions (probed paths, an explicit URL, an inline
// document with $refs), a document change is picked up on the next refresh, an unparseable document is reported
// with its line, and what is not opted in is never probed.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { gateway, gatewayClass, httpRoute, service, tempDir, writeYaml } from '../harness/config.js';
import { openApi3Document, startOpenApiService, swagger2Document, type OpenApiService } from '../harness/openapi-services.js';
import { CLI, freePort, request, startBackend, startEnvoy, startGatehouse, waitFor, type Backend, type Envoy, type Gatehouse } from '../harness/peers.js';

const run = promisify(execFile);
const ADDRESS = '127.0.0.61';
type Status = { state: string; functions?: number; source?: string; error?: { code: string; message: string; line?: number } };
type Row = {
  namespace: string;
  name: string;
  type: string;
  discoveredBy?: string;
  service?: string;
  functions: Array<{ name: string; http?: { method: string; path: string } }>;
  discovery: Record<string, Status>;
};

describe('discovery in standalone mode', () => {
  const root = tempDir('discovery-standalone');
  const dir = join(root, 'config');
  let gh: Gatehouse, envoy: Envoy, echo: Backend, pets: OpenApiService, store: OpenApiService, quiet: OpenApiService, broken: OpenApiService;
  let port: number;
  const upstreams = async () => ((await (await fetch(`${gh.admin}/api/v1/upstreams`)).json()) as { items: Row[] }).items;
  const row = async (name: string) => (await upstreams()).find((u) => u.name === name);
  const upstream = (name: string, host: { host: string; port: number }, spec: Record<string, unknown> = {}, labels?: Record<string, string>) => ({
    apiVersion: 'gatehouse.dev/v1alpha1',
    kind: 'Upstream',
    metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) },
    spec: { static: { hosts: [{ address: host.host, port: host.port }] }, ...spec },
  });

  beforeAll(async () => {
    echo = await startBackend('echo', { host: '127.0.0.62' });
    pets = await startOpenApiService('pets', { docPath: '/openapi.json', doc: openApi3Document() });
    store = await startOpenApiService('store', { docPath: '/swagger/v1/swagger.json', doc: swagger2Document() });
    quiet = await startOpenApiService('quiet', { docPath: '/openapi.json', doc: openApi3Document() });
    broken = await startOpenApiService('broken', {
      docPath: '/spec.yaml',
      doc: 'openapi: 3.0.3\ninfo:\n  title: broken\n  version: "1"\npaths:\n  /a:\n    get: [unclosed\n',
    });
    port = await freePort(ADDRESS);
    const [svc, slice] = service('echo', echo) as [Record<string, { labels?: Record<string, string> }>, unknown];
    svc['metadata']!.labels = { app: 'echo', 'gatehouse.dev/discovery': 'enabled' };
    writeYaml(dir, 'gateway.yaml', [gatewayClass, gateway('gw', ADDRESS, [{ name: 'http', port }])]);
    writeYaml(dir, 'services.yaml', [svc, slice, ...service('hidden', echo)]);
    writeYaml(dir, 'route.yaml', [
      httpRoute('to-discovered', {
        parentRefs: [{ name: 'gw' }],
        hostnames: ['echo.test'],
        rules: [{ backendRefs: [{ group: 'gatehouse.dev', kind: 'Upstream', name: 'echo-80' }] }],
      }),
    ]);
    writeYaml(dir, 'upstreams.yaml', [
      upstream('pets', pets, { openapi: {} }),
      upstream('store', store, {}, { 'gatehouse.dev/discovery': 'enabled' }),
      upstream('quiet', quiet),
      upstream('broken', broken, { openapi: { url: `http://${broken.host}:${broken.port}/spec.yaml` } }),
      {
        apiVersion: 'gatehouse.dev/v1alpha1',
        kind: 'Upstream',
        metadata: { name: 'inline', namespace: 'default' },
        spec: {
          static: { hosts: [{ address: '127.0.0.1', port: 9 }] },
          openapi: {
            document: stringify({
              openapi: '3.1.0',
              info: { title: 'i', version: '1' },
              servers: [{ url: 'https://api.example.com/base/' }],
              paths: { '/things/{id}': { $ref: '#/components/pathItems/Thing' } },
              components: { pathItems: { Thing: { get: { operationId: 'getThing', responses: { '200': { description: 'ok' } } } } } },
            }),
          },
          // Written by hand: kept, and wins over a discovered function of the same name.
          functions: [{ name: 'getThing', http: { method: 'GET', path: '/override/{id}' } }],
        },
      },
    ]);
    gh = await startGatehouse({
      configDir: dir,
      dataDir: join(root, 'data'),
      args: ['--discovery', 'kubernetes,openapi', '--discovery-interval', '1s', '--discovery-backoff', '1s'],
    });
    envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, workDir: join(root, 'envoy') });
  }, 120_000);

  afterAll(async () => {
    await envoy?.stop();
    await gh?.stop();
    for (const s of [pets, store, quiet, broken]) await s?.close();
    await echo?.close();
  });

  it('a Service port becomes an Upstream carrying its labels, served through Envoy; only opted-in Services', async () => {
    const u = await waitFor('echo-80', () => row('echo-80'), 20_000, 100);
    expect(u).toMatchObject({ type: 'kube', discoveredBy: 'kubernetes', service: 'echo:80' });
    expect(await row('hidden-80')).toBeUndefined();
    const reply = await waitFor(
      'traffic through the discovered Upstream',
      async () => {
        const r = await request(`http://${ADDRESS}:${port}/hello`, { host: 'echo.test', timeoutMs: 2000 });
        return r.status === 200 ? r : undefined;
      },
      20_000,
      100,
    );
    expect(JSON.parse(reply.text)).toMatchObject({ backend: 'echo', url: '/hello' });
  }, 60_000);

  it('operations of OpenAPI 3 and Swagger 2.0 documents become functions; what is not opted in is never probed', async () => {
    const p = await waitFor('pets functions', async () => ((await row('pets'))?.functions.length === 4 ? row('pets') : undefined), 20_000, 100);
    expect(p!.functions.map((f) => [f.name, f.http?.method, f.http?.path])).toEqual([
      ['DELETE /pets/{petId}', 'DELETE', '/pets/{petId}'],
      ['createPet', 'POST', '/pets'],
      ['getPet', 'GET', '/pets/{petId}'],
      ['listPets', 'GET', '/pets'],
    ]);
    expect(p!.discovery['openapi']).toMatchObject({ state: 'Discovered', functions: 4, source: `http://${pets.host}:${pets.port}/openapi.json` });
    const s = await waitFor(
      'store functions (Swagger 2.0, opted in by label)',
      async () => ((await row('store'))?.functions.length ? row('store') : undefined),
      20_000,
      100,
    );
    expect(s!.functions.map((f) => [f.name, f.http?.method, f.http?.path])).toEqual([
      ['getOrder', 'GET', '/v1/orders/{orderId}'],
      ['placeOrder', 'POST', '/v1/orders'],
    ]);
    // The default paths were probed in order until one answered.
    expect([...store.probes.keys()]).toEqual(['/openapi.json', '/openapi.yaml', '/v3/api-docs', '/swagger.json', '/swagger/v1/swagger.json']);
    const i = await waitFor(
      'inline functions',
      async () => ((await row('inline'))?.discovery['openapi']?.state === 'Discovered' ? row('inline') : undefined),
      20_000,
      100,
    );
    expect(i!.functions).toEqual([{ name: 'getThing', http: { method: 'GET', path: '/override/{id}' } }]);
    expect(quiet.probes.size).toBe(0);
    expect((await row('quiet'))!.discovery).toEqual({});
  }, 60_000);

  it('a document change is picked up on the next refresh', async () => {
    pets.setDocument(openApi3Document({ '/pets/{petId}/photos': { post: { operationId: 'uploadPhoto', responses: { '200': { description: 'ok' } } } } }));
    const p = await waitFor(
      'uploadPhoto',
      async () => {
        const r = await row('pets');
        return r?.functions.some((f) => f.name === 'uploadPhoto') ? r : undefined;
      },
      20_000,
      100,
    );
    expect(p.functions).toHaveLength(5);
  }, 30_000);

  it('an unparseable document is reported with its line, on that Upstream only', async () => {
    const b = await waitFor(
      'the broken document reported',
      async () => {
        const r = await row('broken');
        return r?.discovery['openapi']?.state === 'Failed' ? r : undefined;
      },
      20_000,
      100,
    );
    expect(b.discovery['openapi']!.error).toMatchObject({ code: 'InvalidDocument', line: 8 });
    const res = (await (await fetch(`${gh.admin}/api/v1/resources`)).json()) as {
      items: Array<{ kind: string; name: string; state: string; messages: string[] }>;
    };
    const broke = res.items.find((x) => x.kind === 'Upstream' && x.name === 'broken')!;
    expect(broke.state).toBe('warning');
    expect(broke.messages[0]).toMatch(/discovery \(openapi\) failed \(http:.*\/spec\.yaml\): InvalidDocument at line 8: not valid YAML/);
    expect(res.items.find((x) => x.kind === 'HTTPRoute' && x.name === 'to-discovered')!.state).toBe('accepted');
    const { stdout } = await run(process.execPath, [CLI, 'get', 'upstreams', '--admin', gh.admin]);
    expect(stdout).toMatch(/default\/broken\s+static\s+0\s+openapi: InvalidDocument at line 8: not valid YAML/);
    expect(stdout).toMatch(/default\/echo-80\s+kube\s+kubernetes\s+0/);
    expect(stdout).toMatch(/default\/pets\s+static\s+5 \(DELETE \/pets\/\{petId\}, createPet, getPet, …\)\s+openapi: Discovered/);
    console.log(stdout);
  }, 30_000);

  it('a Settings resource turns a discoverer off and on again, without a restart', async () => {
    const settings = (enabled: boolean) => ({
      apiVersion: 'gatehouse.dev/v1alpha1',
      kind: 'Settings',
      metadata: { name: 'gatehouse', namespace: 'default' },
      spec: { discovery: { openapi: { enabled, interval: '1s' } } },
    });
    writeYaml(dir, 'settings.yaml', [settings(false)]);
    await waitFor('openapi functions withdrawn', async () => (await row('pets'))?.functions.length === 0, 20_000, 100);
    expect((await row('store'))!.discovery).toEqual({});
    writeYaml(dir, 'settings.yaml', [settings(true)]);
    await waitFor('openapi functions back', async () => (await row('pets'))?.functions.length === 5, 20_000, 100);
  }, 60_000);

  it('a deleted Service takes its Upstream away', async () => {
    writeYaml(dir, 'services.yaml', service('hidden', echo));
    await waitFor('echo-80 gone', async () => !(await row('echo-80')), 20_000, 100);
    const r = await waitFor(
      'the route now misses its backend',
      async () => {
        const x = await request(`http://${ADDRESS}:${port}/hello`, { host: 'echo.test', timeoutMs: 2000 });
        return x.status === 500 ? x : undefined;
      },
      20_000,
      100,
    );
    expect(r.status).toBe(500);
  }, 30_000);
});
