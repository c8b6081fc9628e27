// Lua through a real Envoy: a LuaPolicy's inline script adds headers on the route it targets only; a LuaFilter named
// by an ExtensionRef filter runs on its rule only, after the policy's script.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { httpRoute } from '../harness/config.js';
import { appRoute, policy, startFilterRig, type FilterRig } from '../harness/filter-e2e.js';

const SCRIPT = `function envoy_on_request(handle)
  handle:headers():add("x-lua-request", "seen")
end
function envoy_on_response(handle)
  handle:headers():add("x-lua", "yes")
end
`;
// Sees the policy's request header (it ran first) and says so.
const STAMP = `function envoy_on_request(handle)
  handle:headers():replace("x-stamp", "after-" .. (handle:headers():get("x-lua-request") or "nothing"))
end
`;
let rig: FilterRig;

beforeAll(async () => {
  const stamped = httpRoute('stamped', {
    parentRefs: [{ name: 'gw' }],
    hostnames: ['stamp.test'],
    rules: [
      {
        matches: [{ path: { value: '/stamped' } }],
        filters: [{ type: 'ExtensionRef', extensionRef: { group: 'gatehouse.dev', kind: 'LuaFilter', name: 'stamp' } }],
        backendRefs: [{ name: 'app', port: 80 }],
      },
      { backendRefs: [{ name: 'app', port: 80 }] },
    ],
  });
  const stamp = { apiVersion: 'gatehouse.dev/v1alpha1', kind: 'LuaFilter', metadata: { name: 'stamp', namespace: 'default' }, spec: { inlineCode: STAMP } };
  const objects = [
    appRoute('scripted', 'lua.test'),
    appRoute('plain', 'plain.test'),
    stamped,
    stamp,
    policy('LuaPolicy', 'add-header', { inlineCode: SCRIPT }, ['scripted', 'stamped']),
  ];
  rig = await startFilterRig('filter-lua', '127.0.0.170', '127.0.0.180', objects, async (r) => (await r.send('lua.test', '/')).headers['x-lua'] === 'yes');
});

afterAll(async () => {
  await rig?.stop();
});

it('runs the script on the targeted route, in both directions', async () => {
  const r = await rig.send('lua.test', '/hello');
  expect(r.status).toBe(200);
  expect(r.headers['x-lua']).toBe('yes');
  expect(r.echo?.headers['x-lua-request']).toBe('seen');
});

it("runs a LuaFilter on the rule naming it, after the policy's script", async () => {
  const r = await rig.send('stamp.test', '/stamped/x');
  expect(r.headers['x-lua']).toBe('yes');
  expect(r.echo?.headers['x-stamp']).toBe('after-seen');
  const other = await rig.send('stamp.test', '/other');
  expect(other.headers['x-lua']).toBe('yes');
  expect(other.echo?.headers['x-stamp']).toBeUndefined();
});

it('leaves other routes alone', async () => {
  const r = await rig.send('plain.test', '/hello');
  expect(r.status).toBe(200);
  expect(r.headers['x-lua']).toBeUndefined();
  expect(r.echo?.headers['x-lua-request']).toBeUndefined();
});
