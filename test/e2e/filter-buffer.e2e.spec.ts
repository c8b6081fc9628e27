// BufferPolicy through a real Envoy: a request body over maxRequestBytes gets 413 (declared or chunked), a smaller
// one reaches the backend whole; other routes take bigger bodies.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appRoute, policy, startFilterRig, type FilterRig } from '../harness/filter-e2e.js';

let rig: FilterRig;
const small = 'a'.repeat(500);
const big = 'b'.repeat(4000);

beforeAll(async () => {
  const objects = [
    appRoute('upload', 'upload.test'),
    appRoute('stream', 'stream.test'),
    policy('BufferPolicy', 'one-kib', { maxRequestBytes: 1024 }, ['upload']),
  ];
  rig = await startFilterRig(
    'filter-buffer',
    '127.0.0.175',
    '127.0.0.180',
    objects,
    async (r) => (await r.send('upload.test', '/', { method: 'POST', body: big, headers: { 'content-length': String(big.length) } })).status === 413,
  );
});

afterAll(async () => {
  await rig?.stop();
});

it('refuses a declared body over the limit with 413', async () => {
  expect((await rig.send('upload.test', '/big', { method: 'POST', body: big, headers: { 'content-length': String(big.length) } })).status).toBe(413);
  expect(rig.backend.seen.some((s) => s.url === '/big')).toBe(false);
});

it('refuses a chunked body over the limit with 413', async () => {
  expect((await rig.send('upload.test', '/chunked', { method: 'POST', body: big, headers: { 'transfer-encoding': 'chunked' } })).status).toBe(413);
});

it('passes a body under the limit whole', async () => {
  const r = await rig.send('upload.test', '/small', { method: 'POST', body: small, headers: { 'content-length': String(small.length) } });
  expect(r.status).toBe(200);
  expect(r.echo?.body).toBe(small);
});

it('leaves other routes unlimited', async () => {
  const r = await rig.send('stream.test', '/big', { method: 'POST', body: big, headers: { 'content-length': String(big.length) } });
  expect(r.status).toBe(200);
  expect(r.echo?.body.length).toBe(big.length);
});
