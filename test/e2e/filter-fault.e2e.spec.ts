// FaultPolicy through a real Envoy: aborts with the policy's status, delays by its fixed delay, on the targeted routes
// only; a route's own policy wins over the Gateway's.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appRoute, policy, startFilterRig, type FilterRig } from '../harness/filter-e2e.js';

let rig: FilterRig;

beforeAll(async () => {
  const objects = [
    appRoute('teapot', 'teapot.test'),
    appRoute('slow', 'slow.test'),
    appRoute('plain', 'plain.test'),
    policy('FaultPolicy', 'teapot', { abort: { httpStatus: 418 } }, ['teapot']),
    policy('FaultPolicy', 'slow', { delay: { fixedDelay: '400ms' } }, ['slow']),
    // Every request of the Gateway would fail with 503 — but each route above has its own policy, which wins.
    policy('FaultPolicy', 'never', { abort: { httpStatus: 503, percentage: 0 } }, [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }]),
  ];
  rig = await startFilterRig('filter-fault', '127.0.0.171', '127.0.0.180', objects, async (r) => (await r.send('teapot.test', '/')).status === 418);
});

afterAll(async () => {
  await rig?.stop();
});

it('aborts with the status', async () => {
  const r = await rig.send('teapot.test', '/x');
  expect(r.status).toBe(418);
  expect(rig.backend.seen.some((s) => s.url === '/x')).toBe(false);
});

it('delays by the fixed delay, then forwards', async () => {
  const start = performance.now();
  const r = await rig.send('slow.test', '/delayed');
  expect(r.status).toBe(200);
  expect(performance.now() - start).toBeGreaterThanOrEqual(390);
});

it('leaves a route under the Gateway-wide 0% policy alone', async () => {
  const start = performance.now();
  const r = await rig.send('plain.test', '/fast');
  expect(r.status).toBe(200);
  expect(performance.now() - start).toBeLessThan(390);
});
