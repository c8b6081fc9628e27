// JwtPolicy through a real Envoy: real RS256 and ES256 tokens (node:crypto), JWKS served by a local HTTP server that
// Envoy fetches through the cluster the plugin generates. Valid → 200 (the subject reaches the backend as x-user);
// missing, badly signed or expired → 401; another audience → 403.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appRoute, policy, startFilterRig, type FilterRig } from '../harness/filter-e2e.js';
import { signJwt, signingKey, startJwksServer } from '../harness/jwt.js';

const rsa = signingKey('RS256', 'rsa-1');
const ec = signingKey('ES256', 'ec-1');
const stranger = signingKey('RS256', 'rsa-1'); // same kid, another key: its signatures do not verify
const ISSUER = 'https://issuer.test';
const PARTNER = 'https://partner.test';
let rig: FilterRig;
let jwks: Awaited<ReturnType<typeof startJwksServer>>;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  jwks = await startJwksServer('127.0.0.183', { '/rsa.json': [rsa], '/ec.json': [ec] });
  const objects = [
    appRoute('api', 'api.test'),
    appRoute('open', 'open.test'),
    policy(
      'JwtPolicy',
      'users',
      {
        providers: [
          {
            name: 'corp',
            issuer: ISSUER,
            audiences: ['api'],
            remoteJwks: { uri: jwks.url('/rsa.json') },
            claimToHeaders: [{ claim: 'sub', header: 'x-user' }],
          },
          { name: 'partner', issuer: PARTNER, remoteJwks: { uri: jwks.url('/ec.json') } },
        ],
      },
      ['api'],
    ),
  ];
  const probe = signJwt(rsa, { iss: ISSUER, aud: 'api', sub: 'probe' });
  rig = await startFilterRig(
    'filter-jwt',
    '127.0.0.177',
    '127.0.0.180',
    objects,
    async (r) => (await r.send('api.test', '/', { headers: bearer(probe) })).status === 200,
  );
});

afterAll(async () => {
  await rig?.stop();
  await jwks?.close();
});

it('accepts a valid RS256 token and passes its subject on', async () => {
  const r = await rig.send('api.test', '/me', { headers: bearer(signJwt(rsa, { iss: ISSUER, aud: 'api', sub: 'alice' })) });
  expect(r.status).toBe(200);
  expect(r.echo?.headers['x-user']).toBe('alice');
  expect(r.echo?.headers['authorization']).toBeUndefined(); // not forwarded unless forwardToken
  expect(jwks.fetches).toBeGreaterThan(0);
});

it('accepts a valid ES256 token of the other provider', async () => {
  expect((await rig.send('api.test', '/', { headers: bearer(signJwt(ec, { iss: PARTNER, sub: 'bob' })) })).status).toBe(200);
});

it.each([
  ['missing', {}],
  ['signed by another key', bearer(signJwt(stranger, { iss: ISSUER, aud: 'api', sub: 'mallory' }))],
  ['expired', bearer(signJwt(rsa, { iss: ISSUER, aud: 'api', sub: 'alice', exp: Math.floor(Date.now() / 1000) - 600 }))],
  ['not a JWT', bearer('not-a-token')],
])('refuses a token %s with 401', async (_name, headers) => {
  const r = await rig.send('api.test', '/refused', { headers });
  expect(r.status).toBe(401);
});

it('refuses a valid token for another audience with 403 (Envoy: authenticated, not allowed)', async () => {
  expect((await rig.send('api.test', '/refused', { headers: bearer(signJwt(rsa, { iss: ISSUER, aud: 'billing', sub: 'alice' })) })).status).toBe(403);
});

it('leaves other routes open', async () => {
  expect((await rig.send('open.test', '/')).status).toBe(200);
});
