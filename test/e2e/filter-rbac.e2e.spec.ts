// RbacPolicy through a real Envoy: Allow by header, Allow by client address, Deny by header; refused requests get 403
// and never reach the backend.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appRoute, policy, startFilterRig, type FilterRig } from '../harness/filter-e2e.js';

let rig: FilterRig;
const OFFICE = '127.0.0.174';
const ELSEWHERE = '127.0.0.175';

beforeAll(async () => {
  const objects = [
    appRoute('admin', 'admin.test'),
    appRoute('office', 'office.test'),
    appRoute('bots', 'bots.test'),
    appRoute('open', 'open.test'),
    policy('RbacPolicy', 'admins', { action: 'Allow', rules: [{ headers: [{ name: 'x-role', value: 'admin' }] }] }, ['admin']),
    policy('RbacPolicy', 'office', { action: 'Allow', rules: [{ clientCIDRs: [`${OFFICE}/32`] }] }, ['office']),
    policy('RbacPolicy', 'no-bots', { action: 'Deny', rules: [{ headers: [{ name: 'user-agent', value: 'bot' }] }] }, ['bots']),
  ];
  rig = await startFilterRig('filter-rbac', '127.0.0.173', '127.0.0.180', objects, async (r) => (await r.send('admin.test', '/')).status === 403);
});

afterAll(async () => {
  await rig?.stop();
});

it('allows by header, refuses without it', async () => {
  expect((await rig.send('admin.test', '/', { headers: { 'x-role': 'admin' } })).status).toBe(200);
  expect((await rig.send('admin.test', '/', { headers: { 'x-role': 'user' } })).status).toBe(403);
  expect((await rig.send('admin.test', '/no-role')).status).toBe(403);
  expect(rig.backend.seen.some((s) => s.url === '/no-role')).toBe(false);
});

it('allows by client address, refuses others', async () => {
  expect((await rig.send('office.test', '/', { localAddress: OFFICE })).status).toBe(200);
  expect((await rig.send('office.test', '/', { localAddress: ELSEWHERE })).status).toBe(403);
});

it('denies by header, allows the rest', async () => {
  expect((await rig.send('bots.test', '/', { headers: { 'user-agent': 'bot' } })).status).toBe(403);
  expect((await rig.send('bots.test', '/', { headers: { 'user-agent': 'person' } })).status).toBe(200);
});

it('leaves other routes open', async () => {
  expect((await rig.send('open.test', '/', { headers: { 'user-agent': 'bot' }, localAddress: ELSEWHERE })).status).toBe(200);
});
