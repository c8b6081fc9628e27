// TransformationPolicy through a real Envoy: request headers set/added/removed and the request body edited before the
// backend sees them (header_mutation + a generated Lua script); response headers and body replaced before the client
// sees them; a headers-only policy leaves bodies alone; other routes are untouched.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appRoute, policy, startFilterRig, type FilterRig } from '../harness/filter-e2e.js';

let rig: FilterRig;

beforeAll(async () => {
  const objects = [
    appRoute('both', 'both.test'),
    appRoute('headers', 'headers.test'),
    appRoute('fixed', 'fixed.test'),
    appRoute('plain', 'plain.test'),
    policy(
      'TransformationPolicy',
      'both-ways',
      {
        request: {
          headers: { set: [{ name: 'x-api-version', value: '2' }], add: [{ name: 'x-via', value: 'gatehouse' }], remove: ['x-debug'] },
          body: {
            replace: [
              { match: 'cat', with: 'dog' },
              { match: '%', with: '%%' },
            ],
          },
        },
        response: {
          headers: { set: [{ name: 'x-transformed', value: 'yes' }], remove: ['x-backend'] },
          body: { replace: [{ match: '"backend":"app"', with: '"backend":"gatehouse"' }] },
        },
      },
      ['both'],
    ),
    policy('TransformationPolicy', 'fixed-answer', { response: { body: { set: '{"status":"ok"}' } } }, ['fixed']),
    policy('TransformationPolicy', 'served-by', { response: { headers: { set: [{ name: 'x-served-by', value: 'gatehouse' }] } } }, ['headers']),
  ];
  rig = await startFilterRig(
    'filter-transformation',
    '127.0.0.179',
    '127.0.0.180',
    objects,
    async (r) => (await r.send('headers.test', '/')).headers['x-served-by'] === 'gatehouse' && (await r.send('fixed.test', '/')).text === '{"status":"ok"}',
  );
});

afterAll(async () => {
  await rig?.stop();
});

type Echo = { backend: string; url: string; headers: Record<string, string>; body: string };

it('transforms the request (headers and body) before the backend sees it, and its answer before the client does', async () => {
  const body = 'the cat sat on the cat mat, 100%';
  const r = await rig.send('both.test', '/in', {
    method: 'POST',
    body,
    headers: { 'content-length': String(body.length), 'x-api-version': '1', 'x-via': 'client', 'x-debug': 'on' },
  });
  expect(r.status).toBe(200);
  const echo = JSON.parse(r.text) as Echo;
  // The request, as the backend saw it.
  expect(echo.url).toBe('/in');
  expect(echo.headers['x-api-version']).toBe('2');
  expect(echo.headers['x-via']).toBe('client, gatehouse'); // node joins repeated headers
  expect(echo.headers['x-debug']).toBeUndefined();
  expect(echo.body).toBe('the dog sat on the dog mat, 100%%'); // literal replacement: '%' is no pattern character
  expect(Number(echo.headers['content-length'])).toBe(echo.body.length);
  // The answer, as the client sees it.
  expect(echo.backend).toBe('gatehouse');
  expect(r.headers['x-transformed']).toBe('yes');
  expect(r.headers['x-backend']).toBeUndefined();
  expect(Number(r.headers['content-length'])).toBe(r.body.length);
});

it('replaces a response body', async () => {
  const r = await rig.send('fixed.test', '/out');
  expect(r.status).toBe(200);
  expect(r.text).toBe('{"status":"ok"}');
  expect(r.headers['content-length']).toBe(String('{"status":"ok"}'.length));
});

it('a headers-only policy leaves the body alone', async () => {
  const r = await rig.send('headers.test', '/h');
  expect(r.headers['x-served-by']).toBe('gatehouse');
  expect(r.echo?.url).toBe('/h');
});

it('leaves other routes alone', async () => {
  const r = await rig.send('plain.test', '/p', { headers: { 'x-debug': 'on' } });
  expect(r.headers['x-served-by']).toBeUndefined();
  expect(r.echo?.headers['x-debug']).toBe('on');
});
