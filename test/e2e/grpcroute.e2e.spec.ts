// GRPCRoute through a real Envoy to real gRPC servers (@grpc/grpc-js): service/method matching (exact, service only,
// method only, regex), header matches, filters, weights, h2c and TLS from the client, HTTP/2 to backends whatever
// their Service says, UNAVAILABLE for a missing backend, UNIMPLEMENTED for no match, an HTTPRoute beside it.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayClass, httpRoute, tempDir, writeYaml } from '../harness/config.js';
import { serviceWith } from '../harness/backends.js';
import { GrpcStatus, grpcCall, startGrpcBackend, type GrpcBackend } from '../harness/grpc.js';
import { freePort, request, startBackend, startEnvoy, startGatehouse, waitFor, type Backend, type Envoy, type Gatehouse } from '../harness/peers.js';
import { fixtureCert, tlsSecret } from '../harness/tls.js';

const address = '127.0.0.110';
const dir = tempDir('grpcroute');
const METHODS = [
  '/helloworld.Greeter/SayHello',
  '/helloworld.Greeter/SayGoodbye',
  '/helloworld.v2.Greeter/SayHello',
  '/health.Checks/Health',
  '/missing.Service/Call',
  '/unknown.Service/Call',
];
let v1: GrpcBackend, v2: GrpcBackend, web: Backend;
let gh: Gatehouse, envoy: Envoy, port: number, tlsPort: number;
const secure = fixtureCert('secure.test');
const call = (path: string, metadata?: Record<string, string>) => grpcCall(`${address}:${port}`, 'grpc.test', path, metadata ? { metadata } : {});
const grpcRoute = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'GRPCRoute',
  metadata: { name, namespace: 'default' },
  spec,
});

beforeAll(async () => {
  [v1, v2] = await Promise.all([startGrpcBackend('v1', '127.0.0.111', METHODS), startGrpcBackend('v2', '127.0.0.112', METHODS)]);
  web = await startBackend('web', { host: '127.0.0.113' });
  [port, tlsPort] = [await freePort(address), await freePort(address)];
  writeYaml(dir, 'gateway.yaml', [
    gatewayClass,
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'default' },
      spec: {
        gatewayClassName: 'gatehouse',
        addresses: [{ value: address }],
        listeners: [
          { name: 'h2c', protocol: 'HTTP', port },
          { name: 'tls', protocol: 'HTTPS', port: tlsPort, hostname: 'secure.test', tls: { certificateRefs: [{ name: 'cert' }] } },
        ],
      },
    },
    tlsSecret('cert', 'secure.test'),
  ]);
  writeYaml(dir, 'services.yaml', [
    // v1's Service says nothing about its protocol: a GRPCRoute still speaks HTTP/2 to it.
    ...serviceWith('v1', { addresses: [v1.host], targetPort: v1.port }),
    ...serviceWith('v2', { addresses: [v2.host], targetPort: v2.port, appProtocol: 'kubernetes.io/h2c' }),
    ...serviceWith('web', { addresses: [web.host], targetPort: web.port }),
  ]);
  writeYaml(dir, 'routes.yaml', [
    grpcRoute('greeter', {
      parentRefs: [{ name: 'gw', sectionName: 'h2c' }],
      hostnames: ['grpc.test'],
      rules: [
        { matches: [{ method: { service: 'helloworld.Greeter', method: 'SayHello' } }], backendRefs: [{ name: 'v1', port: 80 }] },
        {
          matches: [{ method: { service: 'helloworld.Greeter', method: 'SayHello' }, headers: [{ name: 'x-canary', value: 'yes' }] }],
          backendRefs: [{ name: 'v2', port: 80 }],
        },
        {
          matches: [{ method: { service: 'helloworld.Greeter' } }],
          filters: [
            { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-route', value: 'service-only' }] } },
            { type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'x-served-by', value: 'gatehouse' }] } },
          ],
          backendRefs: [
            { name: 'v1', port: 80, weight: 3 },
            { name: 'v2', port: 80, weight: 1 },
          ],
        },
        { matches: [{ method: { method: 'Health' } }], backendRefs: [{ name: 'v2', port: 80 }] },
        { matches: [{ method: { type: 'RegularExpression', service: 'helloworld\\.v[0-9]+\\.Greeter' } }], backendRefs: [{ name: 'v2', port: 80 }] },
        { matches: [{ method: { service: 'missing.Service' } }], backendRefs: [{ name: 'nowhere', port: 80 }] },
      ],
    }),
    httpRoute('web', { parentRefs: [{ name: 'gw', sectionName: 'h2c' }], hostnames: ['grpc.test'], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] }),
    grpcRoute('secure', { parentRefs: [{ name: 'gw', sectionName: 'tls' }], rules: [{ backendRefs: [{ name: 'v2', port: 80 }] }] }),
  ]);
  gh = await startGatehouse({ configDir: dir, dataDir: join(dir, '.data') });
  envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, workDir: join(dir, '.work') });
  await waitFor('gRPC served', async () => (await call('/helloworld.Greeter/SayHello')).code === GrpcStatus.OK);
});

afterAll(async () => {
  await envoy?.stop();
  await gh?.stop();
  await Promise.all([v1, v2, web].map((b) => b?.close()));
});

describe('method matching', () => {
  it.each([
    ['exact service and method', '/helloworld.Greeter/SayHello', {}, 'v1'],
    ['a header match wins over the same method without one', '/helloworld.Greeter/SayHello', { 'x-canary': 'yes' }, 'v2'],
    ['method only', '/health.Checks/Health', {}, 'v2'],
    ['regular expression on the service', '/helloworld.v2.Greeter/SayHello', {}, 'v2'],
  ])('%s', async (_name, path, metadata, backend) => {
    const r = await call(path, metadata);
    expect(r.code).toBe(GrpcStatus.OK);
    expect(r.reply).toMatchObject({ backend, path });
  });

  it('service only, with filters and weights 3:1', async () => {
    const counts: Record<string, number> = { v1: 0, v2: 0 };
    for (let i = 0; i < 80; i++) {
      const r = await call('/helloworld.Greeter/SayGoodbye');
      expect(r.code).toBe(GrpcStatus.OK);
      expect(r.reply!.metadata['x-route']).toBe('service-only');
      expect(r.headers['x-served-by']).toBe('gatehouse');
      counts[r.reply!.backend]!++;
    }
    expect(counts['v1']).toBeGreaterThan(45);
    expect(counts['v2']).toBeGreaterThan(8);
  });
});

it('answers UNAVAILABLE for a rule whose backend does not exist, UNIMPLEMENTED for a host nothing serves', async () => {
  expect((await call('/missing.Service/Call')).code).toBe(GrpcStatus.UNAVAILABLE);
  expect((await grpcCall(`${address}:${port}`, 'nothing.test', '/helloworld.Greeter/SayHello')).code).toBe(GrpcStatus.UNIMPLEMENTED);
});

it('sends plain HTTP on the same hostname to the HTTPRoute', async () => {
  const r = await request(`http://${address}:${port}/page`, { host: 'grpc.test' });
  expect(r.backend).toBe('web');
});

it('serves gRPC over TLS (ALPN h2) on the HTTPS listener', async () => {
  const r = await grpcCall(`${address}:${tlsPort}`, 'secure.test', '/helloworld.Greeter/SayHello', { tls: { ca: secure.crt, servername: 'secure.test' } });
  expect(r.code).toBe(GrpcStatus.OK);
  expect(r.reply!.backend).toBe('v2');
});
