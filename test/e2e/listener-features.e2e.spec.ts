// Listener features through a real Envoy: HTTP listener isolation, 421 for misdirected HTTPS requests, client
// certificate validation (valid only, and the insecure fallback), the client certificate Envoy presents to a backend
// that requires one, every listener bound on each of several static addresses, port 8080; status in standalone mode.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResourceReport } from '@gatehouse/plugin-sdk';
import { gatewayClass, httpRoute, tempDir, writeYaml } from '../harness/config.js';
import { serviceWith, startHttpsBackend } from '../harness/backends.js';
import { caConfigMap, issue, makeCa, secretOf, type Pem } from '../harness/certs.js';
import { httpsRequest } from '../harness/https-client.js';
import { CLI, freePort, request, startBackend, startEnvoy, startGatehouse, waitFor, type Backend, type Envoy, type Gatehouse } from '../harness/peers.js';

const [address, second] = ['127.0.0.150', '127.0.0.151'];
const dir = tempDir('listener-features');
let ca: Pem, clientCa: Pem, otherCa: Pem, serverCert: Pem, client: Pem, stranger: Pem, gatewayClient: Pem;
let app: Backend, mtlsBackend: Awaited<ReturnType<typeof startHttpsBackend>>;
let gh: Gatehouse, envoy: Envoy, httpPort: number, httpsPort: number, mtlsPort: number, fallbackPort: number;
const to = [{ name: 'app', port: 80 }];

beforeAll(async () => {
  ca = makeCa('gateway-ca');
  clientCa = makeCa('client-ca');
  otherCa = makeCa('other-ca');
  serverCert = issue(ca, 'gateway', { dns: ['abc.example.com', '*.example.com', 'gateway.test'] });
  client = issue(clientCa, 'good-client', { client: true });
  stranger = issue(otherCa, 'stranger', { client: true });
  gatewayClient = issue(clientCa, 'gatehouse-gateway', { client: true });
  app = await startBackend('app', { host: '127.0.0.152' });
  // A backend that only talks to clients with a certificate clientCa issued.
  mtlsBackend = await startHttpsBackend('mtls-backend', '127.0.0.153', issue(ca, 'backend.test', { dns: ['backend.test'] }), { clientCa: clientCa.crt });
  [httpPort, httpsPort, mtlsPort, fallbackPort] = [await freePort(address), await freePort(address), await freePort(address), await freePort(address)];
  const https = (name: string, port: number, hostname?: string) => ({
    name,
    protocol: 'HTTPS',
    port,
    ...(hostname ? { hostname } : {}),
    tls: { certificateRefs: [{ name: 'server-cert' }] },
  });
  writeYaml(dir, 'gateway.yaml', [
    gatewayClass,
    secretOf('server-cert', 'default', serverCert),
    secretOf('gateway-client', 'default', gatewayClient),
    caConfigMap('client-ca', 'default', clientCa.crt),
    caConfigMap('backend-ca', 'default', ca.crt),
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'default' },
      spec: {
        gatewayClassName: 'gatehouse',
        addresses: [
          { type: 'IPAddress', value: address },
          { type: 'IPAddress', value: second },
        ],
        listeners: [
          { name: 'empty-hostname', protocol: 'HTTP', port: httpPort },
          { name: 'wildcard-example-com', protocol: 'HTTP', port: httpPort, hostname: '*.example.com' },
          { name: 'wildcard-foo-example-com', protocol: 'HTTP', port: httpPort, hostname: '*.foo.example.com' },
          { name: 'abc-foo-example-com', protocol: 'HTTP', port: httpPort, hostname: 'abc.foo.example.com' },
          https('https-abc', httpsPort, 'abc.example.com'),
          https('https-wild', httpsPort, '*.example.com'),
          https('https-any', httpsPort),
          https('mtls', mtlsPort),
          https('mtls-fallback', fallbackPort),
          { name: 'port-8080', protocol: 'HTTP', port: 8080 },
        ],
        tls: {
          // Client certificates on mtls (and, with the insecure fallback, on its own port); not on httpsPort.
          frontend: {
            default: { validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'client-ca' }] } },
            perPort: [
              { port: httpsPort, tls: {} },
              {
                port: fallbackPort,
                tls: { validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'client-ca' }], mode: 'AllowInsecureFallback' } },
              },
            ],
          },
          backend: { clientCertificateRef: { name: 'gateway-client' } },
        },
      },
    },
  ]);
  const section = (name: string, sectionName: string, path: string, backendRefs: unknown[] = to) =>
    httpRoute(name, { parentRefs: [{ name: 'gw', sectionName }], rules: [{ matches: [{ path: { value: path } }], backendRefs }] });
  writeYaml(dir, 'routes.yaml', [
    ...serviceWith('app', { addresses: [app.host], targetPort: app.port }),
    ...serviceWith('mtls-backend', { addresses: [mtlsBackend.host], targetPort: mtlsBackend.port, port: 443 }),
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'BackendTLSPolicy',
      metadata: { name: 'mtls-backend', namespace: 'default' },
      spec: {
        targetRefs: [{ group: '', kind: 'Service', name: 'mtls-backend' }],
        validation: { hostname: 'backend.test', caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'backend-ca' }] },
      },
    },
    section('attaches-to-empty-hostname', 'empty-hostname', '/empty-hostname'),
    section('attaches-to-wildcard-example-com', 'wildcard-example-com', '/wildcard-example-com'),
    section('attaches-to-wildcard-foo-example-com', 'wildcard-foo-example-com', '/wildcard-foo-example-com'),
    section('attaches-to-abc-foo-example-com', 'abc-foo-example-com', '/abc-foo-example-com'),
    section('https-abc', 'https-abc', '/'),
    section('https-wild', 'https-wild', '/'),
    section('https-any', 'https-any', '/'),
    section('mtls', 'mtls', '/'),
    section('mtls-fallback', 'mtls-fallback', '/'),
    section('on-8080', 'port-8080', '/'),
    section('to-mtls-backend', 'empty-hostname', '/to-mtls-backend', [{ name: 'mtls-backend', port: 443 }]),
  ]);
  gh = await startGatehouse({ configDir: dir, dataDir: join(dir, '.data') });
  envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, workDir: join(dir, '.work') });
  await waitFor('served', async () => (await request(`http://${address}:${httpPort}/empty-hostname`, { host: 'bar.com' })).status === 200);
});

afterAll(async () => {
  await envoy?.stop();
  await gh?.stop();
  await Promise.all([app?.close(), mtlsBackend?.close()]);
});

describe("HTTP listener isolation: a request is served by the most specific listener's routes only", () => {
  const paths = ['/empty-hostname', '/wildcard-example-com', '/wildcard-foo-example-com', '/abc-foo-example-com'];
  it.each([
    ['bar.com', '/empty-hostname'],
    ['bar.example.com', '/wildcard-example-com'],
    ['bar.foo.example.com', '/wildcard-foo-example-com'],
    ['abc.foo.example.com', '/abc-foo-example-com'],
  ])('%s', async (host, served) => {
    for (const path of paths) {
      const r = await request(`http://${address}:${httpPort}${path}`, { host });
      expect(r.status, `${host}${path}`).toBe(path === served ? 200 : 404);
    }
  });
});

describe('misdirected HTTPS requests', () => {
  const get = (servername: string, host: string) => httpsRequest({ address, port: httpsPort, servername, host, ca: ca.crt });
  it('serves a request whose Host belongs to the listener SNI chose', async () => {
    expect((await get('abc.example.com', 'abc.example.com')).status).toBe(200);
    expect((await get('x.example.com', 'y.example.com')).status).toBe(200);
    expect((await get('gateway.test', 'gateway.test')).status).toBe(200);
  });
  it('answers 421 when another listener on the port serves the Host', async () => {
    expect((await get('x.example.com', 'abc.example.com')).status).toBe(421);
    expect((await get('gateway.test', 'abc.example.com')).status).toBe(421);
    expect((await get('abc.example.com', 'gateway.test')).status).toBe(421);
  });
});

describe('client certificate validation', () => {
  const on = (port: number, cert?: Pem) =>
    httpsRequest({ address, port, servername: 'gateway.test', ca: ca.crt, ...(cert ? { cert: cert.crt, key: cert.key } : {}) });
  it("AllowValidOnly: a certificate the CA issued gets through; none, or another CA's, does not", async () => {
    expect((await on(mtlsPort, client)).status).toBe(200);
    await expect(on(mtlsPort)).rejects.toThrow();
    await expect(on(mtlsPort, stranger)).rejects.toThrow();
  });
  it('AllowInsecureFallback: every client gets through', async () => {
    for (const cert of [client, stranger, undefined]) expect((await on(fallbackPort, cert)).status).toBe(200);
  });
  it('a port whose entry configures no validation asks for no certificate', async () => {
    expect((await on(httpsPort)).status).toBe(200);
  });
});

it("presents the Gateway's client certificate to a TLS backend that requires one", async () => {
  const r = await request(`http://${address}:${httpPort}/to-mtls-backend`, { host: 'bar.com' });
  expect(r.status).toBe(200);
  expect(r.json).toMatchObject({ backend: 'mtls-backend', sni: 'backend.test', clientCN: 'gatehouse-gateway' });
});

it('binds every listener on each static address, port 8080 included', async () => {
  for (const a of [address, second]) {
    expect((await request(`http://${a}:${httpPort}/empty-hostname`, { host: 'bar.com' })).status).toBe(200);
    expect((await request(`http://${a}:8080/`, { host: 'any.test' })).backend).toBe('app');
  }
});

it('reports the Gateway as the spec says', async () => {
  const out = await promisify(execFile)(process.execPath, [CLI, 'translate', '-f', dir, '--show', 'status', '-o', 'json']).catch((e: { stdout: string }) => e);
  const gw = (JSON.parse(out.stdout) as { reports: ResourceReport[] }).reports.find((r) => r.ref.kind === 'Gateway')!;
  expect(gw.conditions).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ type: 'Accepted', status: 'True' }),
      expect.objectContaining({ type: 'Programmed', status: 'True' }),
      expect.objectContaining({ type: 'InsecureFrontendValidationMode', status: 'True', reason: 'ConfigurationChanged' }),
      expect.objectContaining({ type: 'ResolvedRefs', status: 'True' }),
    ]),
  );
  expect(gw.listeners!.every((l) => l.conditions.some((c) => c.type === 'Programmed' && c.status === 'True'))).toBe(true);
});
