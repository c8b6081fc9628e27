// CompressionPolicy through a real Envoy: a big enough JSON answer is gzipped for a client that accepts gzip; a small
// one and a client that does not accept gzip get it as is. A Gateway-wide policy (Envoy's defaults: 30 bytes and up)
// gzips the other route's answers, and is off where the route's own policy wins.
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appRoute, policy, startFilterRig, type FilterRig } from '../harness/filter-e2e.js';

let rig: FilterRig;
const GZIP = { 'accept-encoding': 'gzip' };
const bigPath = `/big?pad=${'x'.repeat(3000)}`;

beforeAll(async () => {
  const objects = [
    appRoute('api', 'api.test'),
    appRoute('plain', 'plain.test'),
    policy('CompressionPolicy', 'big-json', { minContentLength: 1000, contentTypes: ['application/json'] }, ['api']),
    policy('CompressionPolicy', 'gzip-everything', {}, [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }]),
  ];
  rig = await startFilterRig(
    'filter-compression',
    '127.0.0.176',
    '127.0.0.180',
    objects,
    async (r) => (await r.send('api.test', bigPath, { headers: GZIP })).headers['content-encoding'] === 'gzip',
  );
});

afterAll(async () => {
  await rig?.stop();
});

it('gzips a big answer when the client accepts gzip', async () => {
  const r = await rig.send('api.test', bigPath, { headers: GZIP });
  expect(r.status).toBe(200);
  expect(r.headers['content-encoding']).toBe('gzip');
  expect(r.headers['vary']).toContain('Accept-Encoding');
  const echo = JSON.parse(gunzipSync(r.body).toString('utf8')) as { url: string };
  expect(echo.url).toBe(bigPath);
  expect(r.body.length).toBeLessThan(1000);
});

it('leaves small answers and clients without gzip alone (the Gateway-wide compressor is off on this route)', async () => {
  expect((await rig.send('api.test', '/small', { headers: GZIP })).headers['content-encoding']).toBeUndefined();
  const plainClient = await rig.send('api.test', bigPath);
  expect(plainClient.headers['content-encoding']).toBeUndefined();
  expect(plainClient.echo?.url).toBe(bigPath);
});

it("gzips the other route's answers by the Gateway-wide policy", async () => {
  const r = await rig.send('plain.test', '/small', { headers: GZIP });
  expect(r.headers['content-encoding']).toBe('gzip');
  expect((JSON.parse(gunzipSync(r.body).toString('utf8')) as { url: string }).url).toBe('/small');
});
