// RateLimitPolicy through a real Envoy: N requests in the window pass, the next gets 429; other routes are not limited.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appRoute, policy, startFilterRig, type FilterRig } from '../harness/filter-e2e.js';

let rig: FilterRig;

beforeAll(async () => {
  const objects = [
    appRoute('limited', 'limited.test'),
    appRoute('open', 'open.test'),
    // Readiness is probed here, so the limited route's tokens are all left for the test.
    appRoute('probe', 'probe.test'),
    policy('RateLimitPolicy', 'three-a-minute', { requests: 3, window: '1m', responseHeaders: true }, ['limited']),
    policy('RateLimitPolicy', 'probe', { requests: 1000, window: '1m', responseHeaders: true }, ['probe']),
  ];
  rig = await startFilterRig(
    'filter-ratelimit',
    '127.0.0.172',
    '127.0.0.180',
    objects,
    async (r) => (await r.send('probe.test', '/')).headers['x-ratelimit-limit'] === '1000',
  );
});

afterAll(async () => {
  await rig?.stop();
});

it('answers 429 after N requests in the window', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await rig.send('limited.test', `/r${i}`)).status);
  expect(statuses).toEqual([200, 200, 200, 429, 429]);
  const limited = await rig.send('limited.test', '/again');
  expect(limited.status).toBe(429);
  expect(limited.headers['x-ratelimit-limit']).toBe('3');
  expect(limited.headers['x-ratelimit-remaining']).toBe('0');
  expect(rig.backend.seen.filter((s) => s.url?.startsWith('/r')).length).toBe(3);
});

it('does not limit other routes', async () => {
  for (let i = 0; i < 6; i++) expect((await rig.send('open.test', '/')).status).toBe(200);
});
