// TLSRoute, TCPRoute and UDPRoute through a real Envoy to real TCP, TLS and UDP echo servers: SNI passthrough (the
// client's TLS session reaches the backend), TLS terminated at the Gateway, both on one port; TCP and UDP weights;
// several routes on one TCP listener (only the oldest bound); status in standalone mode.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResourceReport } from '@gatehouse/plugin-sdk';
import { gatewayClass, tempDir, writeYaml } from '../harness/config.js';
import { serviceWith } from '../harness/backends.js';
import { issue, makeCa, secretOf, type Pem } from '../harness/certs.js';
import { CLI, freePort, startEnvoy, startGatehouse, waitFor, type Envoy, type Gatehouse } from '../harness/peers.js';
import { startTcpEcho, startTlsEcho, startUdpEcho, tcpExchange, tlsExchange, udpExchange, type StreamBackend } from '../harness/stream.js';

const address = '127.0.0.130';
const dir = tempDir('stream-routes');
const GW = 'gateway.networking.k8s.io/v1';
let ca: Pem, gatewayCert: Pem;
let passA: StreamBackend,
  passB: StreamBackend,
  plain: StreamBackend,
  tcpA: StreamBackend,
  tcpB: StreamBackend,
  tcpNew: StreamBackend,
  udpA: StreamBackend,
  udpB: StreamBackend;
let gh: Gatehouse, envoy: Envoy, tlsPort: number, l4Port: number;
const route = (kind: string, name: string, sectionName: string, backends: Array<[string, number]>, hostnames?: string[]) => ({
  apiVersion: GW,
  kind,
  metadata: { name, namespace: 'default' },
  spec: {
    parentRefs: [{ name: 'gw', sectionName }],
    ...(hostnames ? { hostnames } : {}),
    rules: [{ backendRefs: backends.map(([n, weight]) => ({ name: n, port: 80, weight })) }],
  },
});

beforeAll(async () => {
  ca = makeCa('stream-ca');
  gatewayCert = issue(ca, 'term.test', { dns: ['term.test'] });
  [passA, passB] = await Promise.all([
    startTlsEcho('pass-a', '127.0.0.131', issue(ca, 'a.pass.test', { dns: ['a.pass.test'] })),
    startTlsEcho('pass-b', '127.0.0.132', issue(ca, 'b.pass.test', { dns: ['b.pass.test', '*.pass.test'] })),
  ]);
  [plain, tcpA, tcpB, tcpNew] = await Promise.all([
    startTcpEcho('plain', '127.0.0.133'),
    startTcpEcho('tcp-a', '127.0.0.134'),
    startTcpEcho('tcp-b', '127.0.0.135'),
    startTcpEcho('tcp-new', '127.0.0.136'),
  ]);
  [udpA, udpB] = await Promise.all([startUdpEcho('udp-a', '127.0.0.137'), startUdpEcho('udp-b', '127.0.0.138')]);
  [tlsPort, l4Port] = [await freePort(address), await freePort(address)];
  writeYaml(dir, 'gateway.yaml', [
    gatewayClass,
    secretOf('term-cert', 'default', gatewayCert),
    {
      apiVersion: GW,
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'default' },
      spec: {
        gatewayClassName: 'gatehouse',
        addresses: [{ value: address }],
        listeners: [
          { name: 'pass', protocol: 'TLS', port: tlsPort, hostname: '*.pass.test', tls: { mode: 'Passthrough' } },
          { name: 'term', protocol: 'TLS', port: tlsPort, hostname: 'term.test', tls: { mode: 'Terminate', certificateRefs: [{ name: 'term-cert' }] } },
          // TCP and UDP on the same port number: different sockets.
          { name: 'tcp', protocol: 'TCP', port: l4Port },
          { name: 'udp', protocol: 'UDP', port: l4Port },
        ],
      },
    },
  ]);
  writeYaml(dir, 'services.yaml', [
    ...[passA, passB, plain, tcpA, tcpB, tcpNew].flatMap((b) => serviceWith(b.name, { addresses: [b.host], targetPort: b.port })),
    ...[udpA, udpB].flatMap((b) => serviceWith(b.name, { addresses: [b.host], targetPort: b.port })),
  ]);
  writeYaml(dir, 'routes.yaml', [
    route('TLSRoute', 'a', 'pass', [['pass-a', 1]], ['a.pass.test']),
    route('TLSRoute', 'others', 'pass', [['pass-b', 1]], ['*.pass.test']),
    route('TLSRoute', 'terminated', 'term', [['plain', 1]], ['term.test']),
    route('TCPRoute', 'tcp', 'tcp', [
      ['tcp-a', 3],
      ['tcp-b', 1],
    ]),
    route('UDPRoute', 'udp', 'udp', [
      ['udp-a', 1],
      ['udp-b', 3],
    ]),
  ]);
  gh = await startGatehouse({ configDir: dir, dataDir: join(dir, '.data') });
  envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, workDir: join(dir, '.work') });
  await waitFor('all served', async () => {
    await tlsExchange(address, tlsPort, 'a.pass.test', ca.crt, 'x');
    await tcpExchange(address, l4Port, 'x');
    return (await udpExchange(address, l4Port, 'x')).startsWith('udp-');
  });
  // A second TCPRoute on the same listener, created later: accepted, never bound.
  writeYaml(dir, 'newer.yaml', [route('TCPRoute', 'aaa-newer', 'tcp', [['tcp-new', 1]])]);
  await waitFor('the newer route reported', async () =>
    ((await (await fetch(`${gh.admin}/api/v1/resources`)).json()) as { items: Array<{ name: string }> }).items.some((i) => i.name === 'aaa-newer'),
  );
});

afterAll(async () => {
  await envoy?.stop();
  await gh?.stop();
  await Promise.all([passA, passB, plain, tcpA, tcpB, tcpNew, udpA, udpB].map((b) => b?.close()));
});

describe('TLSRoute', () => {
  it('passes TLS through by SNI: the client talks TLS with the backend itself', async () => {
    expect(await tlsExchange(address, tlsPort, 'a.pass.test', ca.crt, 'hi')).toEqual({ reply: 'pass-a:hi', peerCN: 'a.pass.test' });
    expect(await tlsExchange(address, tlsPort, 'zzz.pass.test', ca.crt, 'hi')).toEqual({ reply: 'pass-b:hi', peerCN: 'b.pass.test' });
  });
  it("terminates TLS with the listener's certificate and forwards plain TCP, on the same port", async () => {
    expect(await tlsExchange(address, tlsPort, 'term.test', ca.crt, 'hi')).toEqual({ reply: 'plain:hi', peerCN: 'term.test' });
    expect(plain.count).toBeGreaterThan(0);
  });
  it('refuses an SNI name no listener serves', async () => {
    await expect(tlsExchange(address, tlsPort, 'nope.test', ca.crt, 'hi')).rejects.toThrow();
  });
});

it('TCPRoute: splits connections by weight (3:1), and only the oldest of two routes is bound', async () => {
  const counts: Record<string, number> = {};
  for (let i = 0; i < 60; i++) {
    const reply = await tcpExchange(address, l4Port, 'ping');
    const who = reply.split(':')[0]!;
    counts[who] = (counts[who] ?? 0) + 1;
  }
  expect(counts['tcp-new']).toBeUndefined();
  expect(counts['tcp-a']).toBeGreaterThan(33);
  expect(counts['tcp-b']).toBeGreaterThan(5);
});

it('UDPRoute: splits sessions by weight (1:3), and datagrams come back', async () => {
  const counts: Record<string, number> = {};
  for (let i = 0; i < 60; i++) {
    const reply = await udpExchange(address, l4Port, `d${i}`);
    expect(reply).toMatch(new RegExp(`^udp-[ab]:d${i}$`));
    const who = reply.split(':')[0]!;
    counts[who] = (counts[who] ?? 0) + 1;
  }
  expect(counts['udp-b']).toBeGreaterThan(33);
  expect(counts['udp-a']).toBeGreaterThan(5);
});

it('reports both TCPRoutes accepted and attached, as the spec says', async () => {
  const out = await promisify(execFile)(process.execPath, [CLI, 'translate', '-f', dir, '--show', 'status', '-o', 'json']).catch((e: { stdout: string }) => e);
  const reports = (JSON.parse(out.stdout) as { reports: ResourceReport[] }).reports;
  for (const name of ['tcp', 'aaa-newer']) {
    const r = reports.find((x) => x.ref.kind === 'TCPRoute' && x.ref.name === name)!;
    expect(r.parents![0]!.conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Accepted', status: 'True' })]));
  }
  const gw = reports.find((x) => x.ref.kind === 'Gateway')!;
  expect(gw.listeners!.find((l) => l.name === 'tcp')).toMatchObject({
    attachedRoutes: 2,
    supportedKinds: [{ group: 'gateway.networking.k8s.io', kind: 'TCPRoute' }],
  });
  expect(gw.listeners!.find((l) => l.name === 'pass')!.attachedRoutes).toBe(2);
});
