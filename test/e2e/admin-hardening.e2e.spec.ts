// The admin API under odd requests: the token guards every route whatever the path's case or encoding, every bad
// request is a 4xx with a message, and a resource refused by validation is visible everywhere a rejected one is.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayClass, httpRoute, tempDir, writeYaml } from '../harness/config.js';
import { CLI, startGatehouse, waitFor, type Gatehouse } from '../harness/peers.js';

const run = promisify(execFile);
const dir = tempDir('admin-odd');
const TOKEN = 'odd-s3cret';
let gh: Gatehouse;
const auth = { authorization: `Bearer ${TOKEN}` };
const get = (path: string, headers: Record<string, string> = auth) => fetch(`${gh.admin}${path}`, { headers });

beforeAll(async () => {
  writeYaml(dir, 'gateway.yaml', [
    gatewayClass,
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'default' },
      spec: { gatewayClassName: 'gatehouse', listeners: [{ name: 'http', protocol: 'HTTP', port: 8080 }] },
    },
  ]);
  // Valid YAML, but not a valid HTTPRoute: refused by validation before translation.
  writeYaml(dir, 'invalid.yaml', [
    httpRoute('schema-bad', { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'x', port: 80 }], color: 'blue' }] }),
  ]);
  gh = await startGatehouse({ configDir: dir, dataDir: join(dir, '.data'), env: { GATEHOUSE_ADMIN_TOKEN: TOKEN } });
});

afterAll(async () => {
  await gh?.stop();
});

/** Every documented route, with its parameters filled in. */
async function documentedPaths(): Promise<string[]> {
  const doc = (await (await get('/api/docs-json')).json()) as { paths: Record<string, unknown> };
  return Object.keys(doc.paths).map((p) =>
    p
      .replace(/\{namespace\}/g, 'default')
      .replace(/\{name\}/g, 'gw')
      .replace(/\{kind\}/g, 'Gateway')
      .replace(/\{gateway\}/g, 'default%2Fgw'),
  );
}

describe('the token guards routes, not path strings', () => {
  it('every documented /api route refuses a request without the token, whatever the case or encoding', async () => {
    const paths = (await documentedPaths()).filter((p) => p.startsWith('/api/v1'));
    expect(paths.length).toBeGreaterThanOrEqual(5);
    for (const p of paths) {
      const variants = [
        p,
        p.toUpperCase(),
        p.replace('/api/', '/API/'),
        p.replace('/api/v1/', '/Api/V1/'),
        `/${p}`,
        `${p}/`,
        p.replace('/api/', '/%61pi/'),
        p.replace('/api/', '/ap%69/'),
        `${p}?x=1`,
      ];
      for (const v of variants) {
        const r = await get(v, {});
        // 401 where the router matches the route, 404 where it matches nothing; never served.
        expect([401, 404], `${v} answered ${r.status}`).toContain(r.status);
      }
      expect((await get(p)).status, p).toBe(200);
    }
    // The same route in another case is the same route: it needs the token too (and serves with it).
    expect((await get('/API/V1/RESOURCES', {})).status).toBe(401);
    expect((await get('/API/V1/RESOURCES')).status).toBe(200);
  });

  it('probes and scrapes stay open', async () => {
    for (const p of ['/healthz', '/readyz', '/metrics', '/HEALTHZ']) expect((await get(p, {})).status, p).toBe(200);
  });
});

describe('bad requests are 4xx with a message', () => {
  it('a literal % in a gateway key, and other odd snapshot keys', async () => {
    for (const p of ['/api/v1/snapshots/%25', '/api/v1/snapshots/%25%25', '/api/v1/snapshots/a%2F%25', '/api/v1/snapshots/%E0%A4%A']) {
      const r = await get(p);
      expect([400, 404], `${p} answered ${r.status}`).toContain(r.status);
      expect(((await r.json()) as { message: string }).message).toBeTruthy();
    }
  });

  it('repeated or oversized query parameters', async () => {
    for (const q of ['state=accepted&state=rejected', 'kind=Gateway&kind=HTTPRoute', 'limit=1&limit=2', `state=${'x'.repeat(5000)}`]) {
      const r = await get(`/api/v1/reports?${q}`);
      expect(r.status, q).toBe(400);
      const body = (await r.json()) as { message: string };
      expect(body.message.length).toBeLessThan(300);
    }
  });
});

describe('a resource refused by validation', () => {
  it('is rejected in /api/v1/resources, the reports, its history and gatehouse check', async () => {
    type Item = { kind: string; name: string; state: string; messages: string[]; origin: { file?: string } };
    const res = (await (await get('/api/v1/resources')).json()) as { items: Item[] };
    const item = res.items.find((i) => i.name === 'schema-bad')!;
    expect(item).toMatchObject({ kind: 'HTTPRoute', state: 'rejected', origin: { file: 'invalid.yaml' } });
    expect(item.messages.join()).toContain('spec.rules[0].color');
    await waitFor('reported', async () =>
      ((await (await get('/api/v1/reports?state=rejected')).json()) as { items: Array<{ name: string }> }).items.some((i) => i.name === 'schema-bad'),
    );
    const history = (await (await get('/api/v1/resources/HTTPRoute/default/schema-bad/history')).json()) as { items: Array<{ state: string }> };
    expect(history.items[0]!.state).toBe('rejected');
    const check = await run(process.execPath, [CLI, 'check', '--admin', gh.admin], { env: { ...process.env, GATEHOUSE_ADMIN_TOKEN: TOKEN } }).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect('code' in check ? check.code : 0).toBe(1);
    expect(check.stdout).toMatch(/1 rejected/);
    expect(check.stdout).toContain('rejected HTTPRoute default/schema-bad (invalid.yaml:');
  });
});
