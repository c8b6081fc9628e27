// The admin API and the CLI against a running control plane with a real Envoy: resources, reports, history,
// proxies, snapshots (secrets redacted), metrics, OpenAPI docs, the token guard; translate/get/check.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayClass, httpRoute, service, tempDir, toService, writeYaml } from '../harness/config.js';
import {
  CLI,
  ROOT,
  freePort,
  startBackend,
  startEnvoy,
  startGatehouse,
  startProcess,
  waitFor,
  type Backend,
  type Envoy,
  type Gatehouse,
} from '../harness/peers.js';
import { tlsSecret } from '../harness/tls.js';

const run = promisify(execFile);
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 30_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const address = '127.0.0.18';
const dir = tempDir('admin');
let app: Backend, gh: Gatehouse, envoy: Envoy, port: number, tlsPort: number;
const api = (path: string, init?: RequestInit) => fetch(`${gh.admin}${path}`, init);
const json = async <T>(path: string) => (await (await api(path)).json()) as T;

const routes = (badBackend: boolean) => [
  ...service('app', app),
  httpRoute('good', { parentRefs: [{ name: 'gw', sectionName: 'http' }], hostnames: ['good.test'], rules: [{ backendRefs: [toService('app')] }] }),
  httpRoute('broken', {
    parentRefs: [{ name: 'gw', sectionName: badBackend ? 'nope' : 'http' }],
    hostnames: ['broken.test'],
    rules: [{ backendRefs: [toService('app')] }],
  }),
];

beforeAll(async () => {
  app = await startBackend('app', { host: '127.0.0.30' });
  [port, tlsPort] = [await freePort(address), await freePort(address)];
  writeYaml(dir, 'gateway.yaml', [
    gatewayClass,
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'default' },
      spec: {
        gatewayClassName: 'gatehouse',
        addresses: [{ value: address }],
        listeners: [
          { name: 'http', protocol: 'HTTP', port },
          { name: 'tls', protocol: 'HTTPS', port: tlsPort, tls: { certificateRefs: [{ name: 'cert' }] } },
        ],
      },
    },
    tlsSecret('cert', 'secure.test'),
  ]);
  writeYaml(dir, 'routes.yaml', routes(true));
  gh = await startGatehouse({ configDir: dir, dataDir: join(dir, '.data') });
  envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, workDir: join(dir, '.work') });
  await waitFor(
    'proxy ACKed',
    async () =>
      (await json<{ items: Array<{ types: Record<string, { ackedVersion?: string }> }> }>('/api/v1/proxies')).items[0]?.types &&
      Object.keys((await json<{ items: Array<{ types: Record<string, unknown> }> }>('/api/v1/proxies')).items[0]!.types).length >= 4,
  );
});

afterAll(async () => {
  await envoy?.stop();
  await gh?.stop();
  await app?.close();
});

describe('admin API', () => {
  it('lists resources with their current status', async () => {
    const r = await json<{ items: Array<{ kind: string; name: string; state: string; messages: string[] }> }>('/api/v1/resources');
    expect(r.items.find((i) => i.name === 'good')).toMatchObject({ kind: 'HTTPRoute', state: 'accepted' });
    expect(r.items.find((i) => i.name === 'broken')).toMatchObject({ state: 'rejected', messages: [expect.stringContaining('has no listener named "nope"')] });
  });

  it('serves persisted reports with filters and paging, and refuses bad filters with a message', async () => {
    await waitFor('reports written', async () => (await json<{ total: number }>('/api/v1/reports')).total >= 6);
    const rejected = await json<{ items: Array<{ name: string }>; total: number }>('/api/v1/reports?state=rejected&kind=HTTPRoute');
    expect(rejected.items.map((i) => i.name)).toEqual(['broken']);
    const page = await json<{ items: unknown[]; total: number; limit: number }>('/api/v1/reports?limit=2&offset=1');
    expect(page.items).toHaveLength(2);
    expect(page.limit).toBe(2);
    const bad = await api('/api/v1/reports?state=sideways');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('state must be accepted, warning or rejected');
  });

  it("keeps each resource's history", async () => {
    writeYaml(dir, 'routes.yaml', routes(false));
    await waitFor(
      'fixed',
      async () =>
        (await json<{ items: Array<{ name: string; state: string }> }>('/api/v1/resources')).items.find((i) => i.name === 'broken')?.state === 'accepted',
    );
    await waitFor('history', async () => (await json<{ items: unknown[] }>('/api/v1/resources/HTTPRoute/default/broken/history')).items.length === 2);
    const h = await json<{ items: Array<{ state: string }> }>('/api/v1/resources/HTTPRoute/default/broken/history');
    expect(h.items.map((x) => x.state)).toEqual(['accepted', 'rejected']);
    expect((await json<{ items: unknown[] }>('/api/v1/resources/GatewayClass/-/gatehouse/history')).items).toHaveLength(1);
  });

  it('shows connected proxies and what they were served', async () => {
    const p = await json<{
      items: Array<{ nodeGroup: string; protocol: string; types: Record<string, { ackedVersion?: string; sentVersion?: string }> }>;
      history: Array<{ gateway: string }>;
    }>('/api/v1/proxies');
    expect(p.items).toHaveLength(1);
    expect(p.items[0]!.nodeGroup).toBe('default/gw');
    expect(Object.values(p.items[0]!.types).every((t) => t.ackedVersion === t.sentVersion)).toBe(true);
    await waitFor('proxy persisted', async () =>
      (await json<{ history: Array<{ gateway: string }> }>('/api/v1/proxies')).history.some((x) => x.gateway === 'default/gw'),
    );
  });

  it('serves the xDS snapshot as JSON with secret material redacted', async () => {
    const s = await json<{
      versions: Record<string, string>;
      resources: Record<string, Array<{ name: string; resource: { tlsCertificate?: { privateKey: unknown; certificateChain: unknown } } }>>;
    }>('/api/v1/snapshots/default/gw');
    expect(s.resources['Listener']!.map((l) => l.name).sort()).toEqual([`http-${port}`, `https-${tlsPort}`].sort());
    const secret = s.resources['Secret']![0]!.resource;
    expect(secret.tlsCertificate!.privateKey).toBe('[redacted]');
    expect(JSON.stringify(s)).not.toContain('PRIVATE KEY');
    expect((await api('/api/v1/snapshots/default%2Fgw')).status).toBe(200);
    const missing = await api('/api/v1/snapshots/default/nope');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toContain('not a Gateway Gatehouse serves');
  });

  it('exposes Prometheus metrics', async () => {
    const text = await (await api('/metrics')).text();
    expect(text).toMatch(/gatehouse_translation_duration_seconds_count \d+/);
    expect(text).toContain('gatehouse_connected_proxies{gateway="default/gw",protocol="sotw"} 1');
    expect(text).toMatch(/gatehouse_snapshot_version\{gateway="default\/gw"\} \d+/);
    expect(text).toContain('gatehouse_process_resident_memory_bytes');
  });

  it('documents itself with OpenAPI at /api/docs', async () => {
    const doc = await json<{ paths: Record<string, unknown> }>('/api/docs-json');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/resources',
        '/api/v1/reports',
        '/api/v1/proxies',
        '/api/v1/snapshots/{namespace}/{name}',
        '/api/v1/resources/{kind}/{namespace}/{name}/history',
        '/healthz',
        '/readyz',
        '/metrics',
      ]),
    );
    expect((await api('/api/docs')).status).toBe(200);
  });

  it('never logs secret material', () => {
    expect(gh.output).not.toContain('PRIVATE KEY');
  });
});

describe('admin token', () => {
  it('refuses to serve /api beyond loopback without a token', async () => {
    const p = startProcess('gatehouse', process.execPath, [
      CLI,
      'serve',
      '--config-dir',
      dir,
      '--data-dir',
      join(dir, '.data2'),
      '--xds-port',
      '0',
      '--admin-port',
      '0',
      '--admin-address',
      '0.0.0.0',
    ]);
    expect(await p.done).not.toBe(0);
    expect(p.output).toContain('--admin-address 0.0.0.0 is not loopback: set GATEHOUSE_ADMIN_TOKEN or --admin-token-file');
  });

  it('requires the bearer token on /api when one is set; health and metrics stay open', async () => {
    const p = await startGatehouse({ configDir: dir, dataDir: join(dir, '.data3'), env: { GATEHOUSE_ADMIN_TOKEN: 's3cret' } });
    try {
      const base = p.admin;
      const denied = await fetch(`${base}/api/v1/resources`);
      expect(denied.status).toBe(401);
      expect(((await denied.json()) as { message: string }).message).toContain('Authorization: Bearer');
      expect((await fetch(`${base}/api/v1/resources`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fetch(`${base}/api/v1/resources`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
      expect((await fetch(`${base}/metrics`)).status).toBe(200);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const viaCli = await cli(['get', 'resources', '--admin', base, '-o', 'json'], { GATEHOUSE_ADMIN_TOKEN: 's3cret' });
      expect(viaCli.code).toBe(0);
    } finally {
      await p.stop();
    }
  });
});

describe('CLI', () => {
  it('get resources / reports / proxies / snapshot', async () => {
    const res = await cli(['get', 'resources', '--admin', gh.admin]);
    expect(res.stdout).toMatch(/^KIND\s+NAMESPACE\/NAME\s+STATE/);
    expect(res.stdout).toMatch(/HTTPRoute\s+default\/good\s+accepted\s+routes\.yaml:\d+/);
    const reports = JSON.parse((await cli(['get', 'reports', '--admin', gh.admin, '--kind', 'Gateway', '-o', 'json'])).stdout) as {
      items: Array<{ name: string }>;
    };
    expect(reports.items.map((i) => i.name)).toEqual(['gw']);
    expect((await cli(['get', 'proxies', '--admin', gh.admin])).stdout).toMatch(/default\/gw\s+sotw/);
    const snap = JSON.parse((await cli(['get', 'snapshot', '--gateway', 'default/gw', '--admin', gh.admin, '-o', 'json'])).stdout) as {
      resources: Record<string, unknown[]>;
    };
    expect(snap.resources['RouteConfiguration']).toHaveLength(2);
  });

  it('check passes on a healthy control plane and fails with the reasons when something is rejected', async () => {
    const ok = await cli(['check', '--admin', gh.admin]);
    expect(ok.stdout).toContain('OK   control plane ready');
    expect(ok.code).toBe(0);
    writeYaml(dir, 'routes.yaml', routes(true));
    await waitFor(
      'rejected again',
      async () =>
        (await json<{ items: Array<{ name: string; state: string }> }>('/api/v1/resources')).items.find((i) => i.name === 'broken')?.state === 'rejected',
    );
    const bad = await cli(['check', '--admin', gh.admin]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/FAIL \d+ resources, 1 rejected/);
    expect(bad.stdout).toContain('rejected HTTPRoute default/broken (routes.yaml:');
    const asJson = JSON.parse((await cli(['check', '--admin', gh.admin, '-o', 'json'])).stdout) as { ok: boolean; rejected: unknown[] };
    expect(asJson.ok).toBe(false);
    expect(asJson.rejected).toHaveLength(1);
  });

  it('check says when the control plane cannot be reached', async () => {
    const r = await cli(['check', '--admin', `http://127.0.0.1:${await freePort()}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot reach the admin API');
  });

  it('translate: xDS, IR and status offline; exit 1 when something is rejected', async () => {
    const good = await cli(['translate', '-f', join(ROOT, 'examples/quickstart')]);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('default/demo:');
    expect(good.stdout).toContain('listeners:');
    const ir = await cli(['translate', '-f', join(ROOT, 'examples/quickstart'), '--show', 'ir', '-o', 'json']);
    expect(JSON.parse(ir.stdout).gateways[0].key).toBe('default/demo');
    const problems = await cli(['translate', '-f', join(ROOT, 'test/golden/testdata/gateway-problems.in.yaml'), '--show', 'status', '-o', 'table']);
    expect(problems.code).toBe(1);
    expect(problems.stdout).toMatch(/Upstream\s+default\/broken\s+rejected/);
    expect(problems.stderr).toContain('problem(s); see --show status');
    const strict = await cli(['translate', '-f', join(ROOT, 'test/golden/testdata/invalid-references.in.yaml'), '--strict']);
    expect(strict.code).toBe(1);
    const tls = await cli(['translate', '-f', join(ROOT, 'test/golden/testdata/https.in.yaml'), '-o', 'json']);
    expect(tls.stdout).not.toContain('PRIVATE KEY');
  });
});
