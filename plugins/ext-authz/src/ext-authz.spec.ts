import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkShippedCrd, policyObject, validationErrors } from '../../../test/harness/policy-crds.js';
import { attached, envoyAccepts, listener, policiesOf, route, runHooks } from '../../../test/harness/plugin-ir.js';
import { EXT_AUTH_POLICY, extAuthz, extAuthzPlugin } from './index.js';

describe('ExtAuthPolicy', () => {
  it('ships its CRD, which validates policies', () => {
    checkShippedCrd(extAuthzPlugin, join(import.meta.dirname, '..'));
    expect(
      validationErrors(
        policyObject(EXT_AUTH_POLICY, 'a', {
          http: { url: 'http://127.0.0.1:9000/check', upstreamHeaders: ['x-user'] },
          requestHeaders: ['x-token'],
          timeout: '500ms',
        }),
      ),
    ).toEqual([]);
    expect(validationErrors(policyObject(EXT_AUTH_POLICY, 'a', { grpc: { url: 'grpc://auth.test:9001' }, failOpen: true }))).toEqual([]);
    expect(validationErrors(policyObject(EXT_AUTH_POLICY, 'a', {})).join()).toContain('set exactly one of http and grpc');
    expect(validationErrors(policyObject(EXT_AUTH_POLICY, 'a', { http: { url: 'http://a:1' }, grpc: { url: 'grpc://a:1' } })).join()).toContain(
      'set exactly one of http and grpc',
    );
  });
});

describe('ext-authz plugin', () => {
  const http = attached(EXT_AUTH_POLICY, 'http-auth', {
    http: { url: 'http://127.0.0.1:9000/check', upstreamHeaders: ['X-User'] },
    requestHeaders: ['x-token'],
    timeout: '500ms',
  });
  const grpc = attached(EXT_AUTH_POLICY, 'grpc-auth', { grpc: { url: 'grpc://auth.test:9001' }, failOpen: true });

  it('calls an HTTP service', () => {
    expect(extAuthz(http)).toEqual({
      transportApiVersion: 'V3',
      statPrefix: 'gatehouse_default_http_auth',
      httpService: {
        serverUri: { uri: 'http://127.0.0.1:9000', cluster: 'extauthz_default_http-auth', timeout: '0.5s' },
        pathPrefix: '/check',
        authorizationResponse: { allowedUpstreamHeaders: { patterns: [{ exact: 'x-user' }] } },
      },
      allowedHeaders: { patterns: [{ exact: 'x-token' }] },
    });
  });

  it('calls a gRPC service', () => {
    expect(extAuthz(grpc)).toEqual({
      transportApiVersion: 'V3',
      statPrefix: 'gatehouse_default_grpc_auth',
      grpcService: { envoyGrpc: { clusterName: 'extauthz_default_grpc-auth', authority: 'auth.test' }, timeout: '1s' },
      failureModeAllow: true,
    });
  });

  it('gives each policy a disabled filter its routes enable', () => {
    const { filters, routes } = runHooks(
      extAuthzPlugin,
      listener([route('a', policiesOf(EXT_AUTH_POLICY, http)), route('b', policiesOf(EXT_AUTH_POLICY, grpc))]),
    );
    expect(filters.map((f) => [f.stage, f.filter.name, f.filter['disabled']])).toEqual([
      ['authz', 'gatehouse.filters.http.ext_authz/default/grpc-auth', true],
      ['authz', 'gatehouse.filters.http.ext_authz/default/http-auth', true],
    ]);
    expect(Object.keys(routes[0]!['typedPerFilterConfig'] as object)).toEqual(['gatehouse.filters.http.ext_authz/default/http-auth']);
    expect(Object.keys(routes[1]!['typedPerFilterConfig'] as object)).toEqual(['gatehouse.filters.http.ext_authz/default/grpc-auth']);
  });

  it('is accepted by envoy, with a cluster per auth service (HTTP/2 for gRPC)', () => {
    const x = envoyAccepts(extAuthzPlugin, listener([route('a', policiesOf(EXT_AUTH_POLICY, http)), route('b', policiesOf(EXT_AUTH_POLICY, grpc))]));
    expect(x.clusters!.map((c) => [c['name'], c['type'], c['typedExtensionProtocolOptions'] !== undefined])).toEqual([
      ['app', 'STATIC', false],
      ['extauthz_default_grpc-auth', 'STRICT_DNS', true],
      ['extauthz_default_http-auth', 'STATIC', false],
    ]);
  });
});
