// Encoding failures are first-class: a user plugin (loaded with --plugin, declaring a proto from the Envoy API set)
// emits a malformed field on one route. That route's HTTPRoute is rejected with the field path and the plugin's name
// (admin API, `gatehouse check`), the other route on the same listener keeps serving traffic through a real Envoy, and
// `gatehouse translate --plugin` refuses the same config with the same message.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayClass, httpRoute, service, tempDir, toService, writeYaml } from '../harness/config.js';
import { CLI, ROOT, freePort, request, startBackend, startEnvoy, startGatehouse, waitFor, type Backend, type Envoy, type Gatehouse } from '../harness/peers.js';

const run = promisify(execFile);
const PLUGIN = join(ROOT, 'test/fixtures/plugins/malformed-route.mjs');
const address = '127.0.0.212';

type Status = {
  kind: string;
  name: string;
  state: string;
  messages: string[];
  conditions: Array<{ type: string; status: string; reason: string; message: string }>;
};

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args], { timeout: 30_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The message the refused route carries (the virtual host index and the plugins after "shaped by" may vary). */
const REFUSED =
  /HTTPRoute default\/bad: Envoy RouteConfiguration http-\d+ fails strict encoding at RouteConfiguration\.virtualHosts\[\d+\]\.routes\[0\]\.typedPerFilterConfig\["envoy\.filters\.http\.csrf"\]<CsrfPolicy>\.filterEnabled\.defaultValue\.denominator: "EVERY_OTHER" is not a value of DenominatorType \(one of HUNDRED, TEN_THOUSAND, MILLION\) \(shaped by plugins? [^)]*"malformed-route"/;

describe('a plugin that emits a malformed field on one route', () => {
  const dir = tempDir('encode-refusals');
  let app: Backend, gh: Gatehouse, envoy: Envoy, port: number;
  const get = (host: string) => request(`http://${address}:${port}/`, { host });

  beforeAll(async () => {
    app = await startBackend('app', { host: '127.0.0.213' });
    port = await freePort(address);
    const route = (name: string, host: string, malformed: boolean) => {
      const r = httpRoute(name, { parentRefs: [{ name: 'gw' }], hostnames: [host], rules: [{ backendRefs: [toService('app')] }] });
      return malformed ? { ...r, metadata: { ...r.metadata, annotations: { 'test.gatehouse.dev/malformed': 'true' } } } : r;
    };
    writeYaml(dir, 'gateway.yaml', [
      gatewayClass,
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'gw', namespace: 'default' },
        spec: { gatewayClassName: 'gatehouse', addresses: [{ value: address }], listeners: [{ name: 'main', protocol: 'HTTP', port }] },
      },
    ]);
    writeYaml(dir, 'services.yaml', service('app', app));
    writeYaml(dir, 'routes.yaml', [route('good', 'good.test', false), route('bad', 'bad.test', true)]);
    gh = await startGatehouse({ configDir: dir, dataDir: join(dir, '.data'), args: ['--plugin', PLUGIN] });
    envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, workDir: join(dir, '.work') });
  });

  afterAll(async () => {
    await envoy?.stop();
    await gh?.stop();
    await app?.close();
  });

  it('the other route on the listener is served through Envoy; the malformed one is not', async () => {
    await waitFor('good route served', async () => (await get('good.test')).backend === 'app');
    expect((await get('bad.test')).status).toBe(404);
  });

  it('the HTTPRoute is rejected in the admin API with the field path and the plugin; the rest is accepted', async () => {
    const resources = async () => ((await (await fetch(`${gh.admin}/api/v1/resources`)).json()) as { items: Status[] }).items;
    const bad = await waitFor('bad route rejected', async () =>
      (await resources()).find((r) => r.kind === 'HTTPRoute' && r.name === 'bad' && r.state === 'rejected'),
    );
    expect(bad!.messages.join('\n')).toMatch(REFUSED);
    expect(bad!.conditions).toContainEqual(expect.objectContaining({ type: 'gatehouse.dev/Programmed', status: 'False', reason: 'PluginError' }));
    const all = await resources();
    expect(all.find((r) => r.kind === 'HTTPRoute' && r.name === 'good')!.state).toBe('accepted');
    expect(all.find((r) => r.kind === 'Gateway')!.state).toBe('accepted');
  });

  it('reports and `gatehouse check` show it', async () => {
    const reports = (await (await fetch(`${gh.admin}/api/v1/reports?state=rejected`)).json()) as {
      items: Array<{ kind: string; name: string; messages: string[] }>;
    };
    expect(reports.items.find((r) => r.kind === 'HTTPRoute' && r.name === 'bad')?.messages.join('\n')).toMatch(REFUSED);
    const check = await cli(['check', '--admin', gh.admin]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(
      /rejected HTTPRoute default\/bad .*Envoy RouteConfiguration http-\d+ fails strict encoding at .*"EVERY_OTHER" is not a value of DenominatorType/,
    );
  });

  it('`gatehouse translate --plugin` exits non-zero with the same message; without the malformed route it passes', async () => {
    const refused = await cli(['translate', '-f', dir, '--plugin', PLUGIN, '--show', 'status', '-o', 'table']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`refused: ${REFUSED.source}`));
    expect(refused.stdout).toMatch(/HTTPRoute\s+default\/bad\s+rejected\s+HTTPRoute default\/bad: Envoy RouteConfiguration/);
    const good = tempDir('encode-refusals-good');
    writeYaml(good, 'all.yaml', [
      gatewayClass,
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'gw', namespace: 'default' },
        spec: { gatewayClassName: 'gatehouse', listeners: [{ name: 'main', protocol: 'HTTP', port: 8080 }] },
      },
      ...service('app', app),
      httpRoute('good', { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [toService('app')] }] }),
    ]);
    const ok = await cli(['translate', '-f', good, '--plugin', PLUGIN]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('envoy.extensions.filters.http.csrf.v3.CsrfPolicy');
  });

  it('a plugin whose declared proto file does not exist is refused, naming it and the file; the built-ins keep working', async () => {
    const r = await cli(['translate', '-f', dir, '--plugin', join(ROOT, 'test/fixtures/plugins/bad-proto.mjs'), '-o', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'plugin "bad-proto": protos: envoy/extensions/filters/http/rbac/v3/rbca.proto: unknown Envoy proto file (not in the installed Envoy API set at',
    );
    expect(r.stderr).toContain('that folder has "envoy/extensions/filters/http/rbac/v3/rbac.proto"');
    expect(r.stderr).toContain('the plugin is not loaded');
    const xds = JSON.parse(r.stdout) as Record<
      string,
      { routes: Array<{ virtualHosts: Array<{ routes: Array<{ name: string; typedPerFilterConfig?: unknown }> }> }> }
    >;
    const routes = xds['default/gw']!.routes.flatMap((rc) => rc.virtualHosts.flatMap((vh) => vh.routes));
    expect(routes.map((x) => x.name).sort()).toEqual(['default/bad/rule/0/match/0', 'default/good/rule/0/match/0']);
    expect(routes.every((x) => x.typedPerFilterConfig === undefined)).toBe(true);
  });
});
