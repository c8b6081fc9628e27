// One bad resource never hurts another: malformed files, duplicates, configs Envoy NACKs, listeners that cannot
// bind, plugins that throw or stall. An unrelated route is probed through the real Envoy all along.
import { createServer, type Server } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayClass, httpRoute, service, tempDir, toService, writeYaml } from '../harness/config.js';
import {
  ROOT,
  freePort,
  request,
  sleep,
  startBackend,
  startEnvoy,
  startGatehouse,
  waitFor,
  type Backend,
  type Envoy,
  type Gatehouse,
} from '../harness/peers.js';

type Status = {
  kind: string;
  name: string;
  state: string;
  messages: string[];
  conditions: Array<{ type: string; status: string; reason: string; message: string }>;
};

describe.each([
  { mode: 'sotw', delta: false, address: '127.0.0.16' },
  { mode: 'delta', delta: true, address: '127.0.0.17' },
])('isolation over $mode xDS', ({ delta, address }) => {
  const dir = tempDir('isolation');
  let app: Backend, other: Backend, gh: Gatehouse, envoy: Envoy, port: number, port2: number;
  let occupied: Server, busyPort: number;
  const failures: string[] = [];
  let probing = true;
  let probes = 0;
  let prober: Promise<void>;

  const get = (host: string, path = '/', p = port) => request(`http://${address}:${p}${path}`, { host });
  const resources = async (): Promise<Status[]> => ((await (await fetch(`${gh.admin}/api/v1/resources`)).json()) as { items: Status[] }).items;
  const status = async (kind: string, name: string) => (await resources()).find((r) => r.kind === kind && r.name === name);
  const gatewayDoc = (extraListeners: Array<Record<string, unknown>> = []) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw', namespace: 'default' },
    spec: {
      gatewayClassName: 'gatehouse',
      addresses: [{ value: address }],
      listeners: [{ name: 'main', protocol: 'HTTP', port }, { name: 'second', protocol: 'HTTP', port: port2 }, ...extraListeners],
    },
  });
  const route = (name: string, host: string, annotations?: Record<string, string>, backend = 'app') => {
    const r = httpRoute(name, { parentRefs: [{ name: 'gw', sectionName: 'main' }], hostnames: [host], rules: [{ backendRefs: [toService(backend)] }] });
    return annotations ? { ...r, metadata: { ...r.metadata, annotations } } : r;
  };

  beforeAll(async () => {
    [app, other] = await Promise.all([startBackend('app', { host: '127.0.0.28' }), startBackend('other', { host: '127.0.0.29' })]);
    [port, port2, busyPort] = [await freePort(address), await freePort(address), await freePort(address)];
    occupied = createServer();
    await new Promise<void>((r) => occupied.listen(busyPort, address, r));
    writeYaml(dir, 'gateway.yaml', [gatewayClass, gatewayDoc()]);
    writeYaml(dir, 'services.yaml', [...service('app', app), ...service('other', other)]);
    writeYaml(dir, 'good.yaml', [
      route('good', 'good.test'),
      httpRoute('second', { parentRefs: [{ name: 'gw', sectionName: 'second' }], rules: [{ backendRefs: [toService('app')] }] }),
    ]);
    gh = await startGatehouse({
      configDir: dir,
      dataDir: join(dir, '.data'),
      args: ['--plugin', join(ROOT, 'test/fixtures/plugins/misbehave.mjs'), '--hook-budget-ms', '150'],
    });
    envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, delta, workDir: join(dir, '.work') });
    await waitFor('good route served', async () => (await get('good.test')).backend === 'app');
    prober = (async () => {
      while (probing) {
        const r = await get('good.test').catch((e: Error) => ({ status: 0, backend: e.message }));
        probes++;
        if (r.status !== 200 || r.backend !== 'app') failures.push(`${r.status} ${r.backend}`);
        await sleep(10);
      }
    })();
  });

  afterAll(async () => {
    probing = false;
    await prober;
    await envoy?.stop();
    await gh?.stop();
    occupied?.close();
    await Promise.all([app, other].map((b) => b?.close()));
  });

  const unrelatedKeptServing = () => {
    expect(failures, 'the unrelated route failed while bad input was handled').toEqual([]);
    expect(probes).toBeGreaterThan(0);
  };

  it('a config Envoy NACKs is quarantined, the rest republished and ACKed; fixing it releases it', async () => {
    writeYaml(dir, 'bad.yaml', [route('bad', 'bad.test', { 'test.gatehouse.dev/misbehave': 'nack' })]);
    await waitFor('quarantine', async () =>
      (await status('HTTPRoute', 'bad'))?.conditions.some((c) => c.type === 'gatehouse.dev/Programmed' && c.status === 'False'),
    );
    const bad = (await status('HTTPRoute', 'bad'))!;
    expect(bad.state).toBe('rejected');
    expect(bad.conditions.find((c) => c.type === 'gatehouse.dev/Programmed')!.message).toMatch(
      /Envoy rejected .*:-prefixed or host headers may not be removed/,
    );
    const gw = (await status('Gateway', 'gw'))!;
    expect(gw.conditions.find((c) => c.type === 'Programmed')).toMatchObject({ status: 'False', message: expect.stringContaining('HTTPRoute default/bad') });
    await waitFor('ACK without it', () => gh.output.includes('ACKed the configuration without HTTPRoute default/bad'));
    expect((await get('bad.test')).status).toBe(404);
    // Fixed: released and served.
    writeYaml(dir, 'bad.yaml', [route('bad', 'bad.test')]);
    await waitFor('released', async () => (await get('bad.test')).backend === 'app');
    expect((await status('Gateway', 'gw'))!.conditions.find((c) => c.type === 'Programmed')!.status).toBe('True');
    unrelatedKeptServing();
  });

  it('a listener that cannot bind is left out; the other listeners keep serving', async () => {
    writeYaml(dir, 'gateway.yaml', [gatewayClass, gatewayDoc([{ name: 'busy', protocol: 'HTTP', port: busyPort }])]);
    await waitFor('listener quarantined', async () =>
      (await status('Gateway', 'gw'))?.conditions.some((c) => c.type === 'gatehouse.dev/Programmed' && /cannot bind/.test(c.message)),
    );
    expect((await get('x', '/', port2)).backend).toBe('app');
    writeYaml(dir, 'gateway.yaml', [gatewayClass, gatewayDoc()]);
    await waitFor('released', async () => !(await status('Gateway', 'gw'))?.conditions.some((c) => c.type === 'gatehouse.dev/Programmed'));
    unrelatedKeptServing();
  });

  it.each([
    ['throw', 'PluginError', /plugin "misbehave" failed on route .*misbehave plugin was asked to throw/],
    ['slow', 'PluginTimeout', /plugin "misbehave" took \d+ ms on route .*budget 150 ms/],
  ])('a plugin that %ss rejects only the route it was processing', async (mode, _reason, message) => {
    writeYaml(dir, `plugin-${mode}.yaml`, [
      route(`plugin-${mode}`, `${mode}.test`, { 'test.gatehouse.dev/misbehave': mode }),
      route(`plugin-${mode}-ok`, `${mode}-ok.test`),
    ]);
    await waitFor('sibling served', async () => (await get(`${mode}-ok.test`)).backend === 'app');
    const s = (await status('HTTPRoute', `plugin-${mode}`))!;
    expect(s.state).toBe('rejected');
    expect(s.messages.join('\n')).toMatch(message);
    expect((await get(`${mode}.test`)).status).toBe(404);
    unrelatedKeptServing();
  });

  it('a file that stops parsing keeps serving its last good version; fixing it resumes updates', async () => {
    writeYaml(dir, 'edit.yaml', [route('edited', 'edited.test')]);
    await waitFor('edited served', async () => (await get('edited.test')).backend === 'app');
    writeFileSync(join(dir, 'edit.yaml'), 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: edited\nspec: [oops\n');
    await waitFor('warning', async () =>
      (await status('HTTPRoute', 'edited'))?.messages.some((m) => /edit\.yaml no longer parses .*serving its last good version/.test(m)),
    );
    expect((await get('edited.test')).backend).toBe('app');
    writeYaml(dir, 'edit.yaml', [route('edited', 'edited.test', undefined, 'other')]);
    await waitFor('resumed', async () => (await get('edited.test')).backend === 'other');
    unrelatedKeptServing();
  });

  it('a duplicate keeps the accepted copy and names both files', async () => {
    writeYaml(dir, 'zz-duplicate.yaml', [route('good', 'good.test', undefined, 'other')]);
    await waitFor('duplicate reported', async () =>
      (await status('HTTPRoute', 'good'))?.messages.some((m) => m.includes('already defined in good.yaml:1; this copy in zz-duplicate.yaml:1 is ignored')),
    );
    expect((await get('good.test')).backend).toBe('app');
    unrelatedKeptServing();
  });

  it('the control plane is still alive and ready', async () => {
    expect((await fetch(`${gh.admin}/readyz`)).status).toBe(200);
    expect(gh.exited).toBe(false);
  });
});
