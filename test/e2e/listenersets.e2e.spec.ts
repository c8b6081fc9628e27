// ListenerSets through a real Envoy: two teams add HTTPS listeners (own hostname, own certificate) to one shared
// Gateway and serve their own routes; a third, conflicting ListenerSet stays rejected while the first two keep
// serving — traffic to them never fails while it comes and goes. Status as the spec says, in standalone mode.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResourceReport } from '@gatehouse/plugin-sdk';
import { gatewayClass, tempDir, writeYaml } from '../harness/config.js';
import { serviceWith } from '../harness/backends.js';
import { issue, makeCa, secretOf } from '../harness/certs.js';
import { CLI, freePort, request, startBackend, startEnvoy, startGatehouse, waitFor, type Backend, type Envoy, type Gatehouse } from '../harness/peers.js';
import { fixtureCert, httpsGet, tlsSecret } from '../harness/tls.js';

const address = '127.0.0.120';
const dir = tempDir('listenersets');
let appA: Backend, appB: Backend, gh: Gatehouse, envoy: Envoy, httpPort: number, httpsPort: number;
const secure = fixtureCert('secure.test');
const other = fixtureCert('other.test');
const GW = 'gateway.networking.k8s.io/v1';

const namespace = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const inNs = <T extends { metadata: Record<string, unknown> }>(o: T, ns: string): T => ({ ...o, metadata: { ...o.metadata, namespace: ns } });
const listenerSet = (ns: string, name: string, hostname: string, cert: string) => ({
  apiVersion: GW,
  kind: 'ListenerSet',
  metadata: { name, namespace: ns },
  spec: {
    parentRef: { name: 'shared', namespace: 'infra' },
    listeners: [{ name: 'https', protocol: 'HTTPS', port: httpsPort, hostname, tls: { certificateRefs: [{ name: cert }] } }],
  },
});
const teamRoute = (ns: string) => ({
  apiVersion: GW,
  kind: 'HTTPRoute',
  metadata: { name: 'web', namespace: ns },
  spec: { parentRefs: [{ kind: 'ListenerSet', name: ns === 'team-a' ? 'a' : 'b' }], rules: [{ backendRefs: [{ name: 'app', port: 80 }] }] },
});

/** The platform team's file: the namespaces (team a labelled or not) and the shared Gateway. */
function writePlatform(teamAAllowed: boolean): void {
  writeYaml(dir, 'platform.yaml', [
    gatewayClass,
    namespace('infra'),
    namespace('team-a', teamAAllowed ? { 'shared-gateway': 'yes' } : {}),
    namespace('team-b', { 'shared-gateway': 'yes' }),
    {
      apiVersion: GW,
      kind: 'Gateway',
      metadata: { name: 'shared', namespace: 'infra' },
      spec: {
        gatewayClassName: 'gatehouse',
        addresses: [{ value: address }],
        allowedListeners: { namespaces: { from: 'Selector', selector: { matchLabels: { 'shared-gateway': 'yes' } } } },
        listeners: [{ name: 'http', protocol: 'HTTP', port: httpPort }],
      },
    },
  ]);
}

async function status(): Promise<ResourceReport[]> {
  const out = await promisify(execFile)(process.execPath, [CLI, 'translate', '-f', dir, '--show', 'status', '-o', 'json']).catch((e: { stdout: string }) => e);
  return (JSON.parse(out.stdout) as { reports: ResourceReport[] }).reports;
}

beforeAll(async () => {
  [appA, appB] = await Promise.all([startBackend('team-a', { host: '127.0.0.121' }), startBackend('team-b', { host: '127.0.0.122' })]);
  [httpPort, httpsPort] = [await freePort(address), await freePort(address)];
  writePlatform(true);
  writeYaml(dir, 'team-a.yaml', [
    inNs(tlsSecret('cert', 'secure.test'), 'team-a'),
    listenerSet('team-a', 'a', 'secure.test', 'cert'),
    ...serviceWith('app', { namespace: 'team-a', addresses: [appA.host], targetPort: appA.port }),
    teamRoute('team-a'),
  ]);
  writeYaml(dir, 'team-b.yaml', [
    inNs(tlsSecret('cert', 'other.test'), 'team-b'),
    listenerSet('team-b', 'b', 'other.test', 'cert'),
    ...serviceWith('app', { namespace: 'team-b', addresses: [appB.host], targetPort: appB.port }),
    teamRoute('team-b'),
  ]);
  gh = await startGatehouse({ configDir: dir, dataDir: join(dir, '.data') });
  envoy = await startEnvoy({ gateway: 'infra/shared', xdsPort: gh.xdsPort, workDir: join(dir, '.work') });
  await waitFor(
    'both teams served',
    async () =>
      (await httpsGet(address, httpsPort, 'secure.test', '/', secure.crt).catch(() => ({ status: 0 }))).status === 200 &&
      (await httpsGet(address, httpsPort, 'other.test', '/', other.crt).catch(() => ({ status: 0 }))).status === 200,
  );
});

afterAll(async () => {
  await envoy?.stop();
  await gh?.stop();
  await Promise.all([appA, appB].map((b) => b?.close()));
});

it('serves each team on the shared Gateway with its own certificate and its own routes', async () => {
  expect(await httpsGet(address, httpsPort, 'secure.test', '/a', secure.crt)).toMatchObject({ status: 200, backend: 'team-a', peerCN: 'secure.test' });
  expect(await httpsGet(address, httpsPort, 'other.test', '/b', other.crt)).toMatchObject({ status: 200, backend: 'team-b', peerCN: 'other.test' });
  // The Gateway's own listener has no routes: the teams' routes are scoped to their ListenerSets.
  expect((await request(`http://${address}:${httpPort}/`, { host: 'secure.test' })).status).toBe(404);
});

describe('a third, conflicting ListenerSet', () => {
  it('stays rejected while the first two keep serving, without a failed request', async () => {
    const failures: string[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        for (const [host, ca, backend] of [
          ['secure.test', secure.crt, 'team-a'],
          ['other.test', other.crt, 'team-b'],
        ] as const) {
          const r = await httpsGet(address, httpsPort, host, '/', ca).catch((e: Error) => ({ status: 0, backend: e.message, peerCN: '' }));
          if (r.status !== 200 || r.backend !== backend || r.peerCN !== host) failures.push(`${host}: ${r.status} ${r.backend} ${r.peerCN}`);
        }
      }
    })();
    // Team b claims team a's hostname with its own certificate.
    writeYaml(dir, 'late.yaml', [listenerSet('team-b', 'late', 'secure.test', 'cert')]);
    await waitFor(
      'the late ListenerSet reported',
      async () =>
        ((await (await fetch(`${gh.admin}/api/v1/resources`)).json()) as { items: Array<{ name: string; state: string }> }).items.some(
          (i) => i.name === 'late' && i.state === 'rejected',
        ),
      10_000,
    );
    await new Promise((r) => setTimeout(r, 500));
    probing = false;
    await probe;
    expect(failures).toEqual([]);
  });

  it('has the status the spec asks for', async () => {
    const reports = await status();
    const byName = (kind: string, ns: string, name: string) => reports.find((r) => r.ref.kind === kind && r.ref.namespace === ns && r.ref.name === name)!;
    expect(byName('Gateway', 'infra', 'shared').attachedListenerSets).toBe(2);
    for (const [ns, name] of [
      ['team-a', 'a'],
      ['team-b', 'b'],
    ] as const) {
      const ls = byName('ListenerSet', ns, name);
      expect(ls.conditions).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'Accepted', status: 'True' }),
          expect.objectContaining({ type: 'Programmed', status: 'True' }),
        ]),
      );
      expect(ls.listeners).toEqual([expect.objectContaining({ name: 'https', attachedRoutes: 1 })]);
    }
    const late = byName('ListenerSet', 'team-b', 'late');
    expect(late.conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Accepted', status: 'False', reason: 'ListenersNotValid' })]));
    expect(late.listeners![0]!.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'Accepted', status: 'False', reason: 'HostnameConflict' }),
        expect.objectContaining({ type: 'Conflicted', status: 'True', reason: 'HostnameConflict' }),
        expect.objectContaining({ type: 'Programmed', status: 'False', reason: 'HostnameConflict' }),
      ]),
    );
    const route = byName('HTTPRoute', 'team-a', 'web');
    expect(route.parents).toEqual([
      expect.objectContaining({
        parentRef: expect.objectContaining({ kind: 'ListenerSet', name: 'a' }),
        conditions: expect.arrayContaining([expect.objectContaining({ type: 'Accepted', status: 'True' })]),
      }),
    ]);
  });

  it('is served once the Gateway no longer allows team a: the rejected ListenerSet takes over', async () => {
    writePlatform(false);
    // Team a's namespace loses its label: its ListenerSet is no longer allowed, and team b's "late" one wins.
    await waitFor(
      'late serves secure.test',
      async () => (await httpsGet(address, httpsPort, 'secure.test', '/', other.crt, false).catch(() => ({ peerCN: '' }))).peerCN === 'other.test',
      10_000,
    );
    const r = await httpsGet(address, httpsPort, 'secure.test', '/', other.crt, false);
    expect(r.status).toBe(404); // no route attaches to "late"
    const reports = await status();
    expect(reports.find((x) => x.ref.name === 'a' && x.ref.kind === 'ListenerSet')!.conditions).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'Accepted', status: 'False', reason: 'NotAllowed' })]),
    );
  });
});

it('serves more than 64 HTTPS listeners on one Gateway through ListenerSets, each with its own certificate', async () => {
  const ca = makeCa('many-listeners-ca');
  const objects: unknown[] = [];
  for (const set of ['many-1', 'many-2']) {
    const listeners = [];
    for (let i = 0; i < 40; i++) {
      const host = `${set}-${i}.many.test`;
      objects.push(secretOf(`cert-${set}-${i}`, 'team-a', issue(ca, host, { dns: [host] })));
      listeners.push({ name: `l${i}`, protocol: 'HTTPS', port: httpsPort, hostname: host, tls: { certificateRefs: [{ name: `cert-${set}-${i}` }] } });
    }
    objects.push({
      apiVersion: GW,
      kind: 'ListenerSet',
      metadata: { name: set, namespace: 'team-a' },
      spec: { parentRef: { name: 'shared', namespace: 'infra' }, listeners },
    });
    objects.push({
      apiVersion: GW,
      kind: 'HTTPRoute',
      metadata: { name: `route-${set}`, namespace: 'team-a' },
      spec: { parentRefs: [{ kind: 'ListenerSet', name: set }], rules: [{ backendRefs: [{ name: 'app', port: 80 }] }] },
    });
  }
  writePlatform(true);
  writeYaml(dir, 'many.yaml', objects);
  await waitFor(
    'the 80th listener served',
    async () => (await httpsGet(address, httpsPort, 'many-2-39.many.test', '/', ca.crt).catch(() => ({ status: 0 }))).status === 200,
    20_000,
  );
  for (const host of ['many-1-0.many.test', 'many-1-39.many.test', 'many-2-0.many.test', 'many-2-39.many.test']) {
    expect(await httpsGet(address, httpsPort, host, '/', ca.crt)).toMatchObject({ status: 200, backend: 'team-a', peerCN: host });
  }
});
