// ExtAuthPolicy through a real Envoy to a real local HTTP auth service and a real gRPC one
// (envoy.service.auth.v3.Authorization): each allows `x-token: let-me-in` (its x-user header reaches the backend) and
// denies the rest with 403, which never reaches the backend.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ALLOW_TOKEN, startGrpcAuthService, startHttpAuthService, type AuthService } from '../harness/auth-services.js';
import { appRoute, policy, startFilterRig, type FilterRig } from '../harness/filter-e2e.js';

let rig: FilterRig;
let httpAuth: AuthService, grpcAuth: AuthService;
const allowed = { 'x-token': ALLOW_TOKEN };

beforeAll(async () => {
  [httpAuth, grpcAuth] = await Promise.all([startHttpAuthService('127.0.0.181', 'alice'), startGrpcAuthService('127.0.0.182', 'bob')]);
  const objects = [
    appRoute('web', 'web.test'),
    appRoute('rpc', 'rpc.test'),
    appRoute('open', 'open.test'),
    policy('ExtAuthPolicy', 'http-auth', { http: { url: httpAuth.url, upstreamHeaders: ['x-user'] }, requestHeaders: ['x-token'] }, ['web']),
    policy('ExtAuthPolicy', 'grpc-auth', { grpc: { url: grpcAuth.url } }, ['rpc']),
  ];
  rig = await startFilterRig(
    'filter-ext-authz',
    '127.0.0.178',
    '127.0.0.180',
    objects,
    async (r) => (await r.send('web.test', '/')).status === 403 && (await r.send('rpc.test', '/')).status === 403,
  );
});

afterAll(async () => {
  await rig?.stop();
  await Promise.all([httpAuth?.close(), grpcAuth?.close()]);
});

it('HTTP service: allows, and its x-user header reaches the backend', async () => {
  const r = await rig.send('web.test', '/orders?id=1', { headers: allowed });
  expect(r.status).toBe(200);
  expect(r.echo?.headers['x-user']).toBe('alice');
  expect(httpAuth.checked.at(-1)).toBe('/check/orders?id=1');
});

it('HTTP service: denies with its status and body', async () => {
  const r = await rig.send('web.test', '/denied', { headers: { 'x-token': 'wrong' } });
  expect(r.status).toBe(403);
  expect(r.text).toBe('denied by the http auth service');
  expect(rig.backend.seen.some((s) => s.url === '/denied')).toBe(false);
});

it('gRPC service: allows, and its x-user header reaches the backend', async () => {
  const r = await rig.send('rpc.test', '/items', { headers: allowed });
  expect(r.status).toBe(200);
  expect(r.echo?.headers['x-user']).toBe('bob');
  expect(grpcAuth.checked.at(-1)).toBe('/items');
});

it('gRPC service: denies with 403', async () => {
  const r = await rig.send('rpc.test', '/denied-rpc');
  expect(r.status).toBe(403);
  expect(r.text).toBe('denied by the grpc auth service');
  expect(rig.backend.seen.some((s) => s.url === '/denied-rpc')).toBe(false);
});

it('leaves other routes alone', async () => {
  const before = httpAuth.checked.length + grpcAuth.checked.length;
  expect((await rig.send('open.test', '/')).status).toBe(200);
  expect(httpAuth.checked.length + grpcAuth.checked.length).toBe(before);
});
