// The rest of HTTPRoute through a real Envoy: filters on one backendRef, backend protocol by appProtocol (h2c,
// WebSocket), a CORS preflight answered by the proxy, retries on codes and on connection errors, session persistence,
// a mirror into another namespace by ReferenceGrant; and the parent statuses the spec asks for.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResourceReport } from '@gatehouse/plugin-sdk';
import { gatewayClass, gateway, httpRoute, tempDir, writeYaml } from '../harness/config.js';
import { serviceWith, startBackendsOnOnePort, startH2cBackend, startWsEchoBackend, wsExchange } from '../harness/backends.js';
import { CLI, freePort, request, startBackend, startEnvoy, startGatehouse, waitFor, type Backend, type Envoy, type Gatehouse } from '../harness/peers.js';

const address = '127.0.0.100';
const dir = tempDir('http-remainder');
let a: Backend, b: Backend, shadow: Backend, lone: Backend;
let h2c: Awaited<ReturnType<typeof startH2cBackend>>, ws: Awaited<ReturnType<typeof startWsEchoBackend>>;
let gh: Gatehouse, envoy: Envoy, port: number;
const get = (host: string, path: string, o: { method?: string; headers?: Record<string, string> } = {}) =>
  request(`http://${address}:${port}${path}`, { host, ...o });
type Echo = { url: string; headers: Record<string, string>; httpVersion?: string };
const to = (name: string, extra: Record<string, unknown> = {}) => ({ name, port: 80, ...extra });

beforeAll(async () => {
  [a, b] = (await startBackendsOnOnePort(['a', 'b'], ['127.0.0.101', '127.0.0.102'])) as [Backend, Backend];
  [shadow, lone] = await Promise.all([startBackend('shadow', { host: '127.0.0.103' }), startBackend('lone', { host: '127.0.0.104' })]);
  [h2c, ws] = await Promise.all([startH2cBackend('h2c', '127.0.0.105'), startWsEchoBackend('ws', '127.0.0.106')]);
  port = await freePort(address);
  const gw = gateway('gw', address, [{ name: 'http', port }]);
  gw.spec.listeners.push({ name: 'tcp', protocol: 'TCP', port: port + 1 });
  writeYaml(dir, 'gateway.yaml', [gatewayClass, gw]);
  writeYaml(dir, 'services.yaml', [
    ...serviceWith('pair', { addresses: [a.host, b.host], targetPort: a.port }),
    ...serviceWith('a-only', { addresses: [a.host], targetPort: a.port }),
    ...serviceWith('b-only', { addresses: [b.host], targetPort: b.port }),
    ...serviceWith('h2c', { addresses: [h2c.host], targetPort: h2c.port, appProtocol: 'kubernetes.io/h2c' }),
    ...serviceWith('ws', { addresses: [ws.host], targetPort: ws.port, appProtocol: 'kubernetes.io/ws' }),
    // One endpoint refuses connections (nothing listens on 127.0.0.107), the other answers.
    ...serviceWith('flaky', { addresses: ['127.0.0.107', lone.host], targetPort: lone.port }),
    ...serviceWith('shadow', { namespace: 'audit', addresses: [shadow.host], targetPort: shadow.port }),
    {
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: { name: 'mirrors', namespace: 'audit' },
      spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'default' }], to: [{ group: '', kind: 'Service' }] },
    },
  ]);
  writeYaml(dir, 'routes.yaml', [
    httpRoute('backend-filters', {
      parentRefs: [{ name: 'gw' }],
      hostnames: ['split.test'],
      rules: [
        {
          backendRefs: [
            to('a-only', {
              weight: 1,
              filters: [
                { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-picked', value: 'a' }] } },
                { type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'x-via', value: 'a-filter' }] } },
              ],
            }),
            to('b-only', {
              weight: 1,
              filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-picked', value: 'b' }], remove: ['x-secret'] } }],
            }),
          ],
        },
      ],
    }),
    httpRoute('protocols', {
      parentRefs: [{ name: 'gw' }],
      hostnames: ['proto.test'],
      rules: [
        { matches: [{ path: { value: '/h2c' } }], backendRefs: [to('h2c')] },
        { matches: [{ path: { value: '/ws' } }], backendRefs: [to('ws')] },
      ],
    }),
    httpRoute('cors', {
      parentRefs: [{ name: 'gw' }],
      hostnames: ['cors.test'],
      rules: [{ filters: [{ type: 'CORS', cors: { allowOrigins: ['https://app.example.com'], allowMethods: ['GET', 'PUT'] } }], backendRefs: [to('a-only')] }],
    }),
    httpRoute('retries', {
      parentRefs: [{ name: 'gw' }],
      hostnames: ['retry.test'],
      rules: [
        { matches: [{ path: { value: '/codes' } }], retry: { attempts: 2, codes: [500, 502] }, backendRefs: [to('a-only')] },
        { matches: [{ path: { value: '/connect' } }], retry: { attempts: 3 }, backendRefs: [to('flaky')] },
        { matches: [{ path: { value: '/no-retry' } }], backendRefs: [to('flaky')] },
      ],
    }),
    httpRoute('sessions', {
      parentRefs: [{ name: 'gw' }],
      hostnames: ['sticky.test'],
      rules: [
        {
          matches: [{ path: { value: '/cookie' } }],
          sessionPersistence: { type: 'Cookie', absoluteTimeout: '1h', cookie: { name: 'sticky', lifetimeType: 'Permanent' } },
          backendRefs: [to('pair')],
        },
        { matches: [{ path: { value: '/header' } }], sessionPersistence: { type: 'Header', header: { name: 'x-session' } }, backendRefs: [to('pair')] },
      ],
    }),
    httpRoute('mirror', {
      parentRefs: [{ name: 'gw' }],
      hostnames: ['mirror.test'],
      rules: [
        { filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'shadow', namespace: 'audit', port: 80 } } }], backendRefs: [to('a-only')] },
      ],
    }),
    httpRoute('refused', {
      parentRefs: [
        { name: 'gw', sectionName: 'tcp' },
        { kind: 'ListenerSet', name: 'nope' },
        { group: '', kind: 'Service', name: 'a-only' },
      ],
      rules: [{ backendRefs: [to('missing')] }],
    }),
  ]);
  gh = await startGatehouse({ configDir: dir, dataDir: join(dir, '.data') });
  envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, workDir: join(dir, '.work') });
  await waitFor('routes served', async () => (await get('mirror.test', '/')).status === 200);
});

afterAll(async () => {
  await envoy?.stop();
  await gh?.stop();
  await Promise.all([a, b, shadow, lone, h2c, ws].map((x) => x?.close()));
});

it("applies a backendRef's header filters only to requests sent to that backend", async () => {
  const seen = new Set<string>();
  for (let i = 0; i < 30 && seen.size < 2; i++) {
    const r = await get('split.test', '/', { headers: { 'x-secret': 's' } });
    const echo = r.json as Echo;
    seen.add(r.backend!);
    if (r.backend === 'a') {
      expect(echo.headers['x-picked']).toBe('a');
      expect(echo.headers['x-secret']).toBe('s');
      expect(r.headers['x-via']).toBe('a-filter');
    } else {
      expect(echo.headers['x-picked']).toBe('b');
      expect(echo.headers['x-secret']).toBeUndefined();
      expect(r.headers['x-via']).toBeUndefined();
    }
  }
  expect(seen).toEqual(new Set(['a', 'b']));
});

describe('backend protocol by appProtocol', () => {
  it('kubernetes.io/h2c: HTTP/2 without TLS to a backend that speaks nothing else', async () => {
    const r = await get('proto.test', '/h2c/x');
    expect(r.status).toBe(200);
    expect((r.json as Echo).httpVersion).toBe('2.0');
  });
  it('kubernetes.io/ws: a WebSocket upgrade reaches the backend and messages flow both ways', async () => {
    const r = await wsExchange(address, port, 'proto.test', '/ws', ['hello', 'again']);
    expect(r).toEqual({ status: 101, answers: ['ws:hello', 'ws:again'] });
  });
});

it('answers a CORS preflight from an origin that is not allowed itself, without the backend', async () => {
  const before = a.seen.length;
  const denied = await get('cors.test', '/', { method: 'OPTIONS', headers: { origin: 'https://evil.test', 'access-control-request-method': 'PUT' } });
  expect(denied.backend).toBeUndefined();
  expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  const allowed = await get('cors.test', '/', { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PUT' } });
  expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
  expect(a.seen.length).toBe(before);
});

describe('retries (v1.7)', () => {
  it('retries the listed codes, not the others', async () => {
    let before = a.seen.length;
    expect((await get('retry.test', '/codes?status=502')).status).toBe(502);
    expect(a.seen.length - before).toBe(3);
    before = a.seen.length;
    expect((await get('retry.test', '/codes?status=503')).status).toBe(503);
    expect(a.seen.length - before).toBe(1);
  });
  it('retries connection errors on another endpoint', async () => {
    // Concurrent requests: retries are not capped at Envoy's default of 3 in flight.
    const codes = await Promise.all(Array.from({ length: 12 }, () => get('retry.test', '/connect').then((r) => r.status)));
    expect(codes).toEqual(Array.from({ length: 12 }, () => 200));
    // Without a retry stanza the refused endpoint shows.
    const plain = [];
    for (let i = 0; i < 12; i++) plain.push((await get('retry.test', '/no-retry')).status);
    expect(plain).toContain(503);
  });
});

describe('session persistence', () => {
  it('Cookie: the cookie Envoy sets keeps a client on one endpoint', async () => {
    const first = await get('sticky.test', '/cookie');
    const setCookie = String(first.headers['set-cookie'] ?? '');
    expect(setCookie).toMatch(/^sticky=/);
    expect(setCookie).toMatch(/Max-Age=3600/);
    const cookie = setCookie.split(';')[0]!;
    for (let i = 0; i < 8; i++) expect((await get('sticky.test', '/cookie', { headers: { cookie } })).backend).toBe(first.backend);
  });
  it('Header: the session header keeps a client on one endpoint', async () => {
    const first = await get('sticky.test', '/header');
    const session = first.headers['x-session'] as string;
    expect(session).toBeTruthy();
    for (let i = 0; i < 8; i++) expect((await get('sticky.test', '/header', { headers: { 'x-session': session } })).backend).toBe(first.backend);
  });
});

it('mirrors into another namespace when a ReferenceGrant there allows it', async () => {
  const before = shadow.seen.length;
  expect((await get('mirror.test', '/copy-me')).backend).toBe('a');
  await waitFor('the mirror to see the copy', () => shadow.seen.length > before, 5000);
  expect(shadow.seen.at(-1)!.url).toBe('/copy-me');
});

it('reports parent statuses as the spec says (translate --show status and the admin API agree)', async () => {
  const out = await promisify(execFile)(process.execPath, [CLI, 'translate', '-f', dir, '--show', 'status', '-o', 'json']).catch((e: { stdout: string }) => e);
  const reports = (JSON.parse(out.stdout) as { reports: ResourceReport[] }).reports;
  const refused = reports.find((r) => r.ref.name === 'refused')!;
  const byKind = Object.fromEntries(refused.parents!.map((p) => [p.parentRef.kind, p.conditions]));
  expect(byKind['Gateway']).toEqual([
    expect.objectContaining({ type: 'Accepted', status: 'False', reason: 'NotAllowedByListeners' }),
    expect.objectContaining({ type: 'ResolvedRefs', status: 'False', reason: 'BackendNotFound' }),
  ]);
  // A kind Gatehouse does not serve as a parent says so; a ListenerSet that does not exist is not found.
  expect(byKind['Service']).toEqual([
    expect.objectContaining({ type: 'Accepted', status: 'False', reason: 'UnsupportedValue' }),
    expect.objectContaining({ type: 'ResolvedRefs', status: 'False' }),
  ]);
  expect(byKind['ListenerSet']).toEqual([
    expect.objectContaining({ type: 'Accepted', status: 'False', reason: 'NoMatchingParent' }),
    expect.objectContaining({ type: 'ResolvedRefs', status: 'False' }),
  ]);
  const admin = (await (await fetch(`${gh.admin}/api/v1/resources`)).json()) as { items: Array<{ name: string; parents?: ResourceReport['parents'] }> };
  expect(admin.items.find((i) => i.name === 'refused')?.parents).toEqual(refused.parents);
});
