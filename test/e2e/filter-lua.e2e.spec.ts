// LuaPolicy through a real Envoy: the policy's inline script adds a response header on the route it targets only.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appRoute, policy, startFilterRig, type FilterRig } from '../harness/filter-e2e.js';

const SCRIPT = `function envoy_on_request(handle)
  handle:headers():add("x-lua-request", "seen")
end
function envoy_on_response(handle)
  handle:headers():add("x-lua", "yes")
end
`;
let rig: FilterRig;

beforeAll(async () => {
  const objects = [appRoute('scripted', 'lua.test'), appRoute('plain', 'plain.test'), policy('LuaPolicy', 'add-header', { inlineCode: SCRIPT }, ['scripted'])];
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

it('leaves other routes alone', async () => {
  const r = await rig.send('plain.test', '/hello');
  expect(r.status).toBe(200);
  expect(r.headers['x-lua']).toBeUndefined();
  expect(r.echo?.headers['x-lua-request']).toBeUndefined();
});
