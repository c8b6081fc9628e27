import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkShippedCrd, policyObject, validationErrors } from '../../../test/harness/policy-crds.js';
import { attached, envoyAccepts, listener, policiesOf, route, runHooks } from '../../../test/harness/plugin-ir.js';
import { JWT_POLICY, jwtAuthentication, jwtAuthnPlugin, type JwtPolicySpec } from './index.js';

const JWKS = JSON.stringify({
  keys: [{ ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256', use: 'sig' }],
});

const SPEC: JwtPolicySpec = {
  providers: [
    {
      name: 'local',
      issuer: 'https://issuer.test',
      audiences: ['api'],
      remoteJwks: { uri: 'http://127.0.0.1:8081/jwks.json', cacheDuration: '5m' },
      claimToHeaders: [{ claim: 'sub', header: 'x-user' }],
    },
    { name: 'inline', localJwks: { inline: JWKS }, fromHeader: { name: 'x-token' }, forwardToken: true },
  ],
};

describe('JwtPolicy', () => {
  it('ships its CRD, which validates policies', () => {
    checkShippedCrd(jwtAuthnPlugin, join(import.meta.dirname, '..'));
    expect(validationErrors(policyObject(JWT_POLICY, 'j', { ...SPEC }))).toEqual([]);
    expect(validationErrors(policyObject(JWT_POLICY, 'j', { providers: [{ name: 'none' }] })).join()).toContain('exactly one of remoteJwks and localJwks');
    expect(validationErrors(policyObject(JWT_POLICY, 'j', { providers: [{ name: 'x', remoteJwks: { uri: 'ftp://x/jwks' } }] })).join()).toContain(
      'spec.providers[0].remoteJwks.uri',
    );
  });
});

describe('jwt-authn plugin', () => {
  const p = attached(JWT_POLICY, 'users', SPEC);

  it('builds the providers and one requirement (any of them)', () => {
    expect(jwtAuthentication(p)).toEqual({
      providers: {
        local: {
          issuer: 'https://issuer.test',
          audiences: ['api'],
          remoteJwks: { httpUri: { uri: 'http://127.0.0.1:8081/jwks.json', cluster: 'jwks_default_users_local', timeout: '5s' }, cacheDuration: '300s' },
          claimToHeaders: [{ claimName: 'sub', headerName: 'x-user' }],
        },
        inline: { localJwks: { inlineString: JWKS }, fromHeaders: [{ name: 'x-token' }], forward: true },
      },
      requirementMap: { policy: { requiresAny: { requirements: [{ providerName: 'local' }, { providerName: 'inline' }] } } },
      rules: [{ match: { prefix: '/' }, requirementName: 'policy' }],
    });
  });

  it('gives each policy a disabled filter its routes enable, and a cluster per remote JWKS', () => {
    const { filters, routes } = runHooks(jwtAuthnPlugin, listener([route('app', policiesOf(JWT_POLICY, p)), route('open')]));
    expect(filters.map((f) => [f.stage, f.filter.name, f.filter['disabled']])).toEqual([['authn', 'gatehouse.filters.http.jwt_authn/default/users', true]]);
    expect(Object.keys(routes[0]!['typedPerFilterConfig'] as object)).toEqual(['gatehouse.filters.http.jwt_authn/default/users']);
    expect(routes[1]!['typedPerFilterConfig']).toBeUndefined();
  });

  it('refuses a local JWKS without keys, naming the policy and field', () => {
    const bad = attached(JWT_POLICY, 'empty', { providers: [{ name: 'x', localJwks: { inline: '{"keys":[]}' } }] });
    expect(() => jwtAuthentication(bad)).toThrow('JwtPolicy default/empty: spec.providers[0].localJwks.inline: must be a JWKS');
  });

  it('refuses a JWKS URI it cannot reach, naming the policy and field', () => {
    const bad = attached(JWT_POLICY, 'bad', { providers: [{ name: 'x', remoteJwks: { uri: 'http://exa mple/jwks' } }] });
    expect(() => jwtAuthentication(bad)).toThrow('JwtPolicy default/bad: spec.providers[0].remoteJwks.uri: "http://exa mple/jwks" is not a http or https URL');
  });

  it('is accepted by envoy, with its JWKS cluster', () => {
    const x = envoyAccepts(jwtAuthnPlugin, listener([route('app', policiesOf(JWT_POLICY, p))]));
    expect(x.clusters!.map((c) => c['name'])).toEqual(['app', 'jwks_default_users_local']);
    const https = attached(
      JWT_POLICY,
      'google',
      { providers: [{ name: 'g', issuer: 'https://accounts.google.com', remoteJwks: { uri: 'https://www.googleapis.com/oauth2/v3/certs' } }] },
      'gateway',
    );
    envoyAccepts(jwtAuthnPlugin, listener([route('app')], policiesOf(JWT_POLICY, https)));
  });
});
