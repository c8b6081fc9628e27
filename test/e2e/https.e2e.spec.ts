// HTTPS listeners terminate TLS in a real Envoy with certificates from Secrets, delivered over SDS.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayClass, httpRoute, service, tempDir, toService, writeYaml } from '../harness/config.js';
import { freePort, request, startBackend, startEnvoy, startGatehouse, waitFor, type Backend, type Envoy, type Gatehouse } from '../harness/peers.js';
import { fixtureCert, httpsGet, tlsSecret } from '../harness/tls.js';

describe.each([
  { mode: 'sotw', delta: false, address: '127.0.0.14' },
  { mode: 'delta', delta: true, address: '127.0.0.15' },
])('HTTPS over $mode xDS', ({ delta, address }) => {
  const dir = tempDir('https');
  let app: Backend, gh: Gatehouse, envoy: Envoy, port: number, httpPort: number;
  const secure = fixtureCert('secure.test');
  const other = fixtureCert('other.test');

  const gatewayWith = (certFor: string) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw', namespace: 'default' },
    spec: {
      gatewayClassName: 'gatehouse',
      addresses: [{ value: address }],
      listeners: [
        { name: 'tls', protocol: 'HTTPS', port, hostname: 'secure.test', tls: { certificateRefs: [{ name: certFor }] } },
        { name: 'plain', protocol: 'HTTP', port: httpPort },
      ],
    },
  });

  beforeAll(async () => {
    app = await startBackend('app', { host: '127.0.0.27' });
    [port, httpPort] = [await freePort(address), await freePort(address)];
    writeYaml(dir, 'gateway.yaml', [gatewayClass, gatewayWith('secure-cert')]);
    writeYaml(dir, 'secrets.yaml', [tlsSecret('secure-cert', 'secure.test'), tlsSecret('other-cert', 'other.test')]);
    writeYaml(dir, 'app.yaml', [
      ...service('app', app),
      httpRoute('app', { parentRefs: [{ name: 'gw', sectionName: 'tls' }], rules: [{ backendRefs: [toService('app')] }] }),
      // The plain listener redirects to HTTPS.
      httpRoute('to-https', {
        parentRefs: [{ name: 'gw', sectionName: 'plain' }],
        rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', hostname: 'secure.test', port } }] }],
      }),
    ]);
    gh = await startGatehouse({ configDir: dir, dataDir: join(dir, '.data') });
    envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, delta, workDir: join(dir, '.work') });
    await waitFor('TLS served', async () => (await httpsGet(address, port, 'secure.test', '/', secure.crt)).status === 200);
  });

  afterAll(async () => {
    await envoy?.stop();
    await gh?.stop();
    await app?.close();
  });

  it("terminates TLS with the Secret's certificate and routes to the backend", async () => {
    const r = await httpsGet(address, port, 'secure.test', '/hello', secure.crt);
    expect(r).toMatchObject({ status: 200, backend: 'app', peerCN: 'secure.test' });
  });

  it('does not serve a hostname the listener does not have', async () => {
    await expect(httpsGet(address, port, 'nope.test', '/', secure.crt)).rejects.toThrow();
  });

  it('redirects plain HTTP to HTTPS', async () => {
    const r = await request(`http://${address}:${httpPort}/x`, { host: 'secure.test' });
    expect(r.status).toBe(302);
    expect(r.headers['location']).toBe(`https://secure.test:${port}/x`);
  });

  it('rotates the certificate when the Gateway points at another Secret', async () => {
    writeYaml(dir, 'gateway.yaml', [gatewayClass, gatewayWith('other-cert')]);
    // The new certificate is for other.test, still served on SNI secure.test: trust it for this check.
    await waitFor(
      'rotated certificate',
      async () => (await httpsGet(address, port, 'secure.test', '/', other.crt, false).catch(() => ({ peerCN: '' }))).peerCN === 'other.test',
      10_000,
    );
    writeYaml(dir, 'gateway.yaml', [gatewayClass, gatewayWith('secure-cert')]);
    await waitFor(
      'certificate restored',
      async () => (await httpsGet(address, port, 'secure.test', '/', secure.crt).catch(() => ({ peerCN: '' }))).peerCN === 'secure.test',
      10_000,
    );
  });
});
