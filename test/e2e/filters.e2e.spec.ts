// Every HTTPRoute match type, precedence rule, filter, redirect code, rewrite, mirror, timeout and retry,
// through a real Envoy to real backends.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateway, gatewayClass, httpRoute, service, tempDir, toService, writeYaml } from '../harness/config.js';
import { freePort, request, startBackend, startEnvoy, startGatehouse, waitFor, type Backend, type Envoy, type Gatehouse } from '../harness/peers.js';

const address = '127.0.0.13';
const dir = tempDir('filters');
let app: Backend, other: Backend, shadow: Backend;
let gh: Gatehouse, envoy: Envoy, port: number;

const get = (host: string, path: string, o: { method?: string; headers?: Record<string, string> } = {}) =>
  request(`http://${address}:${port}${path}`, { host, ...o });
type Echo = { url: string; method: string; headers: Record<string, string> };

beforeAll(async () => {
  [app, other, shadow] = await Promise.all([
    startBackend('app', { host: '127.0.0.24' }),
    startBackend('other', { host: '127.0.0.25' }),
    startBackend('shadow', { host: '127.0.0.26' }),
  ]);
  port = await freePort(address);
  const to = (name: string) => [toService(name)];
  writeYaml(dir, 'gateway.yaml', [gatewayClass, gateway('gw', address, [{ name: 'http', port }])]);
  writeYaml(dir, 'services.yaml', [...service('app', app), ...service('other', other), ...service('shadow', shadow)]);
  writeYaml(dir, 'routes.yaml', [
    httpRoute('matches', {
      parentRefs: [{ name: 'gw' }],
      hostnames: ['match.test'],
      rules: [
        { matches: [{ path: { type: 'RegularExpression', value: '/items/[0-9]+' } }], backendRefs: to('other') },
        { matches: [{ path: { value: '/q' }, queryParams: [{ name: 'v', value: '2' }] }], backendRefs: to('other') },
        { matches: [{ path: { value: '/m' }, method: 'POST' }], backendRefs: to('other') },
        { matches: [{ headers: [{ type: 'RegularExpression', name: 'x-id', value: '^[a-f]{4}$' }] }], backendRefs: to('other') },
        // precedence: the longer prefix wins regardless of order; more header matches win over fewer
        { matches: [{ path: { value: '/p' } }], backendRefs: to('app') },
        { matches: [{ path: { value: '/p/deeper' } }], backendRefs: to('other') },
        { matches: [{ path: { value: '/h' }, headers: [{ name: 'a', value: '1' }] }], backendRefs: to('app') },
        {
          matches: [
            {
              path: { value: '/h' },
              headers: [
                { name: 'a', value: '1' },
                { name: 'b', value: '2' },
              ],
            },
          ],
          backendRefs: to('other'),
        },
        { backendRefs: to('app') },
      ],
    }),
    // Same hostname, another route, created later: a tie on /tie goes to the older route.
    httpRoute('older-route', {
      parentRefs: [{ name: 'gw' }],
      hostnames: ['tie.test'],
      rules: [{ matches: [{ path: { value: '/tie' } }], backendRefs: to('app') }],
    }),
    httpRoute('headers', {
      parentRefs: [{ name: 'gw' }],
      hostnames: ['headers.test'],
      rules: [
        {
          filters: [
            {
              type: 'RequestHeaderModifier',
              requestHeaderModifier: { set: [{ name: 'x-set', value: 'new' }], add: [{ name: 'x-add', value: 'b' }], remove: ['x-remove'] },
            },
            { type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'x-served-by', value: 'gatehouse' }], remove: ['x-backend-internal'] } },
          ],
          backendRefs: to('app'),
        },
      ],
    }),
    httpRoute('redirects', {
      parentRefs: [{ name: 'gw' }],
      hostnames: ['redirect.test'],
      rules: [
        ...[301, 302, 303, 307, 308].map((code) => ({
          matches: [{ path: { type: 'Exact', value: `/code/${code}` } }],
          filters: [{ type: 'RequestRedirect', requestRedirect: { statusCode: code, path: { type: 'ReplaceFullPath', replaceFullPath: '/moved' } } }],
        })),
        { matches: [{ path: { value: '/https' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', hostname: 'secure.test' } }] },
        { matches: [{ path: { value: '/https-only' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }] },
        { matches: [{ path: { value: '/port' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { port: 8443 } }] },
        {
          matches: [{ path: { value: '/old' } }],
          filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' } } }],
        },
      ],
    }),
    httpRoute('rewrites', {
      parentRefs: [{ name: 'gw' }],
      hostnames: ['rewrite.test'],
      rules: [
        {
          matches: [{ path: { value: '/v1' } }],
          filters: [{ type: 'URLRewrite', urlRewrite: { hostname: 'internal.test', path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/api/v1' } } }],
          backendRefs: to('app'),
        },
        {
          matches: [{ path: { value: '/strip' } }],
          filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }],
          backendRefs: to('app'),
        },
        {
          matches: [{ path: { value: '/full' } }],
          filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: '/replaced' } } }],
          backendRefs: to('app'),
        },
      ],
    }),
    httpRoute('mirror', {
      parentRefs: [{ name: 'gw' }],
      hostnames: ['mirror.test'],
      rules: [{ filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'shadow', port: 80 } } }], backendRefs: to('app') }],
    }),
    httpRoute('timeouts', {
      parentRefs: [{ name: 'gw' }],
      hostnames: ['timeout.test'],
      rules: [
        { matches: [{ path: { value: '/request' } }], timeouts: { request: '300ms' }, backendRefs: to('app') },
        { matches: [{ path: { value: '/backend' } }], timeouts: { request: '5s', backendRequest: '300ms' }, backendRefs: to('app') },
        { matches: [{ path: { value: '/retry' } }], retry: { attempts: 2, codes: [503] }, backendRefs: to('app') },
      ],
    }),
    httpRoute('cors', {
      parentRefs: [{ name: 'gw' }],
      hostnames: ['cors.test'],
      rules: [
        {
          filters: [{ type: 'CORS', cors: { allowOrigins: ['https://*.example.com'], allowMethods: ['GET', 'PUT'], allowHeaders: ['x-token'], maxAge: 60 } }],
          backendRefs: to('app'),
        },
      ],
    }),
  ]);
  gh = await startGatehouse({ configDir: dir, dataDir: join(dir, '.data') });
  envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, workDir: join(dir, '.work') });
  await waitFor('routes served', async () => (await get('cors.test', '/')).status === 200);
  // Added later, so first seen later: it loses ties to "older" although its name sorts first.
  writeYaml(dir, 'z-newer.yaml', [
    httpRoute('newer', {
      parentRefs: [{ name: 'gw' }],
      hostnames: ['tie.test'],
      rules: [{ matches: [{ path: { value: '/tie' } }, { path: { value: '/newer' } }], backendRefs: [toService('other')] }],
    }),
  ]);
  await waitFor('newer route served', async () => (await get('tie.test', '/newer')).backend === 'other');
});

afterAll(async () => {
  await envoy?.stop();
  await gh?.stop();
  await Promise.all([app, other, shadow].map((b) => b?.close()));
});

describe('matches and precedence', () => {
  it.each([
    ['regex path', '/items/42', {}, 'GET', 'other'],
    ['regex path, no match', '/items/abc', {}, 'GET', 'app'],
    ['query param', '/q?v=2', {}, 'GET', 'other'],
    ['query param, other value', '/q?v=3', {}, 'GET', 'app'],
    ['method', '/m', {}, 'POST', 'other'],
    ['method, other', '/m', {}, 'GET', 'app'],
    ['regex header', '/', { 'x-id': 'abcd' }, 'GET', 'other'],
    ['regex header, no match', '/', { 'x-id': 'abcde' }, 'GET', 'app'],
    ['longest prefix wins', '/p/deeper/x', {}, 'GET', 'other'],
    ['shorter prefix', '/p/other', {}, 'GET', 'app'],
    ['most header matches win', '/h', { a: '1', b: '2' }, 'GET', 'other'],
    ['fewer header matches', '/h', { a: '1' }, 'GET', 'app'],
  ])('%s', async (_name, path, headers, method, backend) => {
    expect((await get('match.test', path, { headers, method })).backend).toBe(backend);
  });

  it('a tie across routes goes to the one created first', async () => {
    expect((await get('tie.test', '/tie')).backend).toBe('app');
  });
});

it('modifies request and response headers', async () => {
  const r = await get('headers.test', '/', { headers: { 'x-set': 'old', 'x-add': 'a', 'x-remove': 'gone' } });
  const seen = (r.json as Echo).headers;
  expect(seen['x-set']).toBe('new');
  expect(seen['x-add']).toBe('a, b'); // node joins repeated headers with ", "

  expect(seen['x-remove']).toBeUndefined();
  expect(r.headers['x-served-by']).toBe('gatehouse');
});

describe('redirects', () => {
  it.each([301, 302, 303, 307, 308])('status %i', async (code) => {
    const r = await get('redirect.test', `/code/${code}`);
    expect(r.status).toBe(code);
    expect(r.headers['location']).toBe(`http://redirect.test:${port}/moved`);
  });
  it('scheme and hostname (well-known port left out)', async () => {
    const r = await get('redirect.test', '/https/x');
    expect(r.status).toBe(302);
    expect(r.headers['location']).toBe('https://secure.test/https/x');
  });
  it('port', async () => {
    expect((await get('redirect.test', '/port')).headers['location']).toBe('http://redirect.test:8443/port');
  });
  it('scheme without hostname: the well-known port of the new scheme', async () => {
    expect((await get(`redirect.test:${port}`, '/https-only')).headers['location']).toBe('https://redirect.test:443/https-only');
  });
  it('prefix replacement', async () => {
    expect((await get('redirect.test', '/old/page?a=1')).headers['location']).toBe(`http://redirect.test:${port}/new/page?a=1`);
  });
});

describe('rewrites', () => {
  it('hostname and prefix', async () => {
    const seen = (await get('rewrite.test', '/v1/users?x=1')).json as Echo;
    expect(seen.url).toBe('/api/v1/users?x=1');
    expect(seen.headers['host']).toBe('internal.test');
  });
  it('prefix replaced by /', async () => {
    expect(((await get('rewrite.test', '/strip/a/b')).json as Echo).url).toBe('/a/b');
    expect(((await get('rewrite.test', '/strip')).json as Echo).url).toBe('/');
  });
  it('full path', async () => {
    expect(((await get('rewrite.test', '/full/anything')).json as Echo).url).toBe('/replaced');
  });
});

it('mirrors requests to the mirror backend', async () => {
  const before = shadow.seen.length;
  const r = await get('mirror.test', '/mirrored?id=7');
  expect(r.backend).toBe('app');
  await waitFor('the mirror to see the copy', () => shadow.seen.length > before, 5000);
  expect(shadow.seen.at(-1)!.url).toBe('/mirrored?id=7');
});

describe('timeouts and retries', () => {
  it('request timeout answers 504', async () => {
    expect((await get('timeout.test', '/request?delay=1500')).status).toBe(504);
    expect((await get('timeout.test', '/request?delay=10')).status).toBe(200);
  });
  it('backendRequest timeout answers 504', async () => {
    expect((await get('timeout.test', '/backend?delay=1500')).status).toBe(504);
  });
  it('retries the listed codes', async () => {
    const before = app.seen.length;
    expect((await get('timeout.test', '/retry?status=503')).status).toBe(503);
    expect(app.seen.length - before).toBe(3); // the first attempt and two retries
  });
});

it('answers CORS preflights', async () => {
  const r = await get('cors.test', '/', { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PUT' } });
  expect(r.status).toBe(200);
  expect(r.headers['access-control-allow-origin']).toBe('https://app.example.com');
  expect(r.headers['access-control-allow-methods']).toBe('GET,PUT');
  expect(r.headers['access-control-max-age']).toBe('60');
  const denied = await get('cors.test', '/', { method: 'OPTIONS', headers: { origin: 'https://evil.test', 'access-control-request-method': 'PUT' } });
  expect(denied.headers['access-control-allow-origin']).toBeUndefined();
});
