// BackendTLSPolicy through a real Envoy to real TLS backends with their own CA: the CA from a ConfigMap or a Secret,
// the SNI sent, subject alternative names validated (DNS and URI), a wrong CA or name that must fail, a policy without
// a valid CA (5xx), gRPC over TLS (ALPN h2); and the policies' status per ancestor Gateway.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResourceReport } from '@gatehouse/plugin-sdk';
import { gateway, gatewayClass, httpRoute, tempDir, writeYaml } from '../harness/config.js';
import { serviceWith, startHttpsBackend } from '../harness/backends.js';
import { caConfigMap, issue, makeCa, type Pem } from '../harness/certs.js';
import { GrpcStatus, grpcCall, startGrpcBackend, type GrpcBackend } from '../harness/grpc.js';
import { CLI, freePort, request, startEnvoy, startGatehouse, waitFor, type Envoy, type Gatehouse } from '../harness/peers.js';

const address = '127.0.0.140';
const dir = tempDir('backend-tls');
let ca: Pem, otherCa: Pem;
let app: Awaited<ReturnType<typeof startHttpsBackend>>, grpcTls: GrpcBackend;
let gh: Gatehouse, envoy: Envoy, port: number;
const get = (path: string) => request(`http://${address}:${port}${path}`, { host: 'tls.test' });
type Echo = { backend: string; sni: string };

const policy = (name: string, service: string, validation: Record<string, unknown>) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'BackendTLSPolicy',
  metadata: { name, namespace: 'default' },
  spec: { targetRefs: [{ group: '', kind: 'Service', name: service }], validation },
});
const caRef = (kind: string, name: string) => [{ group: '', kind, name }];

beforeAll(async () => {
  ca = makeCa('backend-ca');
  otherCa = makeCa('some-other-ca');
  const appCert = issue(ca, 'app.backend.test', { dns: ['app.backend.test', 'alias.backend.test'], uris: ['spiffe://cluster.test/ns/default/sa/app'] });
  app = await startHttpsBackend('app', '127.0.0.141', appCert);
  grpcTls = await startGrpcBackend('grpc-tls', '127.0.0.142', ['/pkg.Svc/Call'], issue(ca, 'grpc.backend.test', { dns: ['grpc.backend.test'] }));
  port = await freePort(address);
  writeYaml(dir, 'gateway.yaml', [gatewayClass, gateway('gw', address, [{ name: 'http', port }])]);
  // One backend, reached as several Services: each with its own policy.
  const services = ['good', 'by-secret', 'wrong-ca', 'uri-san', 'wrong-san', 'no-ca', 'plain'].flatMap((s) =>
    serviceWith(s, { addresses: [app.host], targetPort: app.port, port: 443 }),
  );
  writeYaml(dir, 'backends.yaml', [
    ...services,
    ...serviceWith('grpc', { addresses: [grpcTls.host], targetPort: grpcTls.port, port: 443 }),
    caConfigMap('backend-ca', 'default', ca.crt),
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'backend-ca-secret', namespace: 'default' },
      type: 'Opaque',
      data: { 'ca.crt': Buffer.from(ca.crt).toString('base64') },
    },
    caConfigMap('other-ca', 'default', otherCa.crt),
    policy('good', 'good', { hostname: 'app.backend.test', caCertificateRefs: caRef('ConfigMap', 'backend-ca') }),
    policy('by-secret', 'by-secret', { hostname: 'alias.backend.test', caCertificateRefs: caRef('Secret', 'backend-ca-secret') }),
    policy('wrong-ca', 'wrong-ca', { hostname: 'app.backend.test', caCertificateRefs: caRef('ConfigMap', 'other-ca') }),
    // SNI is one name; the certificate is authenticated by its SPIFFE URI instead.
    policy('uri-san', 'uri-san', {
      hostname: 'sni-only.backend.test',
      caCertificateRefs: caRef('ConfigMap', 'backend-ca'),
      subjectAltNames: [{ type: 'URI', uri: 'spiffe://cluster.test/ns/default/sa/app' }],
    }),
    policy('wrong-san', 'wrong-san', {
      hostname: 'app.backend.test',
      caCertificateRefs: caRef('ConfigMap', 'backend-ca'),
      subjectAltNames: [{ type: 'Hostname', hostname: 'someone-else.backend.test' }],
    }),
    policy('no-ca', 'no-ca', { hostname: 'app.backend.test', caCertificateRefs: caRef('ConfigMap', 'missing') }),
    policy('grpc', 'grpc', { hostname: 'grpc.backend.test', caCertificateRefs: caRef('ConfigMap', 'backend-ca') }),
  ]);
  writeYaml(dir, 'routes.yaml', [
    httpRoute('web', {
      parentRefs: [{ name: 'gw' }],
      hostnames: ['tls.test'],
      rules: ['good', 'by-secret', 'wrong-ca', 'uri-san', 'wrong-san', 'no-ca', 'plain'].map((s) => ({
        matches: [{ path: { value: `/${s}` } }],
        backendRefs: [{ name: s, port: 443 }],
      })),
    }),
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GRPCRoute',
      metadata: { name: 'grpc', namespace: 'default' },
      spec: { parentRefs: [{ name: 'gw' }], hostnames: ['grpc.test'], rules: [{ backendRefs: [{ name: 'grpc', port: 443 }] }] },
    },
  ]);
  gh = await startGatehouse({ configDir: dir, dataDir: join(dir, '.data') });
  envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, workDir: join(dir, '.work') });
  await waitFor('TLS to the backend', async () => (await get('/good')).status === 200);
});

afterAll(async () => {
  await envoy?.stop();
  await gh?.stop();
  await Promise.all([app?.close(), grpcTls?.close()]);
});

describe('TLS to the backend', () => {
  it('validates the backend against the CA from a ConfigMap, sending the policy hostname as SNI', async () => {
    const r = await get('/good');
    expect(r.status).toBe(200);
    expect(r.json as Echo).toMatchObject({ backend: 'app', sni: 'app.backend.test' });
  });
  it('takes the CA from a Secret too', async () => {
    expect((await get('/by-secret')).json as Echo).toMatchObject({ backend: 'app', sni: 'alias.backend.test' });
  });
  it('authenticates by a URI subject alternative name when the policy lists one (the hostname is only the SNI)', async () => {
    const r = await get('/uri-san');
    expect(r.status).toBe(200);
    expect((r.json as Echo).sni).toBe('sni-only.backend.test');
  });
  it.each([
    ['a CA that did not issue the certificate', '/wrong-ca'],
    ['a subject alternative name the certificate does not carry', '/wrong-san'],
    ['a policy without a valid CA', '/no-ca'],
    ['a plain-text connection to the TLS backend (no policy)', '/plain'],
  ])('fails with %s', async (_why, path) => {
    const r = await get(path);
    expect(r.status).toBeGreaterThanOrEqual(500);
    expect(r.backend).toBeUndefined();
  });
  it('speaks gRPC over TLS (ALPN h2) to a gRPC backend', async () => {
    const r = await grpcCall(`${address}:${port}`, 'grpc.test', '/pkg.Svc/Call');
    expect(r.code).toBe(GrpcStatus.OK);
    expect(r.reply!.backend).toBe('grpc-tls');
  });
});

it('reports each policy per ancestor Gateway', async () => {
  const out = await promisify(execFile)(process.execPath, [CLI, 'translate', '-f', dir, '--show', 'status', '-o', 'json']).catch((e: { stdout: string }) => e);
  const reports = (JSON.parse(out.stdout) as { reports: ResourceReport[] }).reports;
  const ancestors = (name: string) => reports.find((r) => r.ref.kind === 'BackendTLSPolicy' && r.ref.name === name)!.ancestors!;
  expect(ancestors('good')).toEqual([
    {
      ancestorRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'default', name: 'gw' },
      controllerName: 'gatehouse.dev/gateway-controller',
      conditions: [expect.objectContaining({ type: 'Accepted', status: 'True' }), expect.objectContaining({ type: 'ResolvedRefs', status: 'True' })],
    },
  ]);
  expect(ancestors('no-ca')[0]!.conditions).toEqual([
    expect.objectContaining({ type: 'Accepted', status: 'False', reason: 'NoValidCACertificate' }),
    expect.objectContaining({ type: 'ResolvedRefs', status: 'False', reason: 'InvalidCACertificateRef' }),
  ]);
});
