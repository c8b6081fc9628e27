// The example plugins as a user builds them: the SDK packed (make sdk), each example copied OUTSIDE the repository,
// the tarball installed with npm offline (TypeScript is the repo's: no registry here), built, tested with its own
// `npm test` (the SDK's test kit: goldens + envoy --mode validate), then loaded into a standalone control plane —
// one by folder path, one by npm package name — with traffic through a real Envoy showing their effects. A plugin
// that fails to load is reported by the admin API while the others and the built-ins serve.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envoyBinary } from '../../scripts/lib/peers.mjs';
import { gateway, gatewayClass, httpRoute, service, tempDir, writeYaml } from '../harness/config.js';
import { send } from '../harness/filter-e2e.js';
import { freePort, startBackend, startEnvoy, startGatehouse, waitFor, type Backend, type Envoy, type Gatehouse } from '../harness/peers.js';

const ROOT = join(import.meta.dirname, '../..');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const CLI = join(ROOT, 'apps/cli/dist/main.js');
const ADDRESS = '127.0.0.230';
const work = tempDir('plugin-examples');
let tarball = '';

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: err });
  }
}

/** Copies an example out of the repo, points its SDK dependency at the tarball, installs offline and builds it. */
function installExample(name: string): string {
  const dir = join(work, name);
  cpSync(join(ROOT, 'examples/plugins', name), dir, { recursive: true, filter: (src) => !/\/(node_modules|dist)$|package-lock\.json$/.test(src) });
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies?: Record<string, string> };
  pkg.dependencies['@gatehouse/plugin-sdk'] = `file:${tarball}`;
  delete pkg.devDependencies; // TypeScript comes from the repo here: this machine reaches no registry
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund'], dir);
  run(process.execPath, [TSC, '-p', '.'], dir);
  return dir;
}

let csrf = '';
let headers = '';

beforeAll(() => {
  tarball = run(process.execPath, [join(ROOT, 'scripts/sdk/pack.mjs'), '--print'], ROOT)
    .trim()
    .split('\n')
    .pop()!;
  csrf = installExample('csrf-guard');
  headers = installExample('response-header');
}, 300_000);

describe('the packed SDK', () => {
  it('installs with no dependencies: the private workspace packages are inside it', () => {
    const sdk = join(headers, 'node_modules/@gatehouse/plugin-sdk');
    const pkg = JSON.parse(readFileSync(join(sdk, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg['dependencies']).toBeUndefined();
    expect(Object.keys(pkg['exports'] as object)).toEqual(['.', './testing']);
    expect(existsSync(join(sdk, 'dist/deps/ir/index.d.ts'))).toBe(true);
    expect(readFileSync(join(sdk, 'dist/index.d.ts'), 'utf8')).not.toMatch(/@gatehouse\/(api|ir)/);
    expect(existsSync(join(headers, 'node_modules/@gatehouse/api'))).toBe(false);
  });
});

describe('each example passes its own tests (the SDK test kit) outside the repository', () => {
  const env = () => ({ GATEHOUSE_CLI: CLI, GATEHOUSE_ENVOY: envoyBinary() });
  it('csrf-guard', () => {
    expect(run('npm', ['test'], csrf, env())).toMatch(/pass 1\n[\s\S]*fail 0\n/);
  }, 240_000);
  it('response-header', () => {
    expect(run('npm', ['test'], headers, env())).toMatch(/pass 2\n[\s\S]*fail 0\n/);
  }, 240_000);
  it('response-header ships the same CRD as YAML (for kubectl apply) as it registers', async () => {
    const mod = (await import(join(headers, 'dist/index.js'))) as { RESPONSE_HEADER_POLICY_CRD: unknown };
    expect(parse(readFileSync(join(headers, 'crds/response-header-policy.yaml'), 'utf8'))).toEqual(mod.RESPONSE_HEADER_POLICY_CRD);
  });
});

describe('loaded into the control plane, through a real Envoy', () => {
  let backend: Backend;
  let gh: Gatehouse;
  let envoy: Envoy;
  let port = 0;
  const policy = (name: string, target: Record<string, string>, hdrs: Array<{ name: string; value: string }>) => ({
    apiVersion: 'headers.example.com/v1alpha1',
    kind: 'ResponseHeaderPolicy',
    metadata: { name, namespace: 'default' },
    spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', ...target }], headers: hdrs },
  });
  const get = (host: string, path: string, o: Parameters<typeof send>[4] = {}) => send(ADDRESS, port, host, path, o);

  beforeAll(async () => {
    // The configuration folder, with the response-header package installed beside it (found by name).
    const site = join(work, 'site');
    const config = join(site, 'config');
    mkdirSync(config, { recursive: true });
    writeFileSync(join(site, 'package.json'), JSON.stringify({ name: 'site', private: true }));
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', headers], site);
    backend = await startBackend('app', { host: '127.0.0.231' });
    port = await freePort(ADDRESS);
    writeYaml(config, 'gateway.yaml', [gatewayClass, gateway('gw', ADDRESS, [{ name: 'http', port }]), ...service('app', backend)]);
    const rule = (extra: Record<string, unknown> = {}) => ({ ...extra, backendRefs: [{ name: 'app', port: 80 }] });
    writeYaml(config, 'routes.yaml', [
      httpRoute('shop', {
        parentRefs: [{ name: 'gw' }],
        hostnames: ['shop.test'],
        rules: [rule({ name: 'checkout', matches: [{ path: { type: 'PathPrefix', value: '/checkout' } }] }), rule()],
      }),
      httpRoute('docs', { parentRefs: [{ name: 'gw' }], hostnames: ['docs.test'], rules: [rule()] }),
      policy('everywhere', { kind: 'Gateway', name: 'gw' }, [{ name: 'x-served-by', value: 'gatehouse' }]),
      policy('shop', { kind: 'HTTPRoute', name: 'shop' }, [{ name: 'x-served-by', value: 'shop' }]),
      policy('checkout', { kind: 'HTTPRoute', name: 'shop', sectionName: 'checkout' }, [
        { name: 'x-served-by', value: 'checkout' },
        { name: 'cache-control', value: 'no-store' },
      ]),
    ]);
    // Two that fail: a missing file, and a plugin declaring a proto that is not in Envoy's API set.
    writeFileSync(
      join(work, 'bad-protos.mjs'),
      "export default { name: 'bad-protos', sdkVersion: '0.2.0', protos: { envoy: ['envoy/extensions/filters/http/nope/v3/nope.proto'] } };",
    );
    const plugins = [csrf, 'gatehouse-plugin-response-header', join(work, 'not-there.mjs'), join(work, 'bad-protos.mjs')];
    gh = await startGatehouse({ configDir: config, dataDir: join(work, '.data'), args: plugins.flatMap((p) => ['--plugin', p]) });
    envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, workDir: join(work, '.work') });
    try {
      await waitFor("the plugins' effects served", async () => (await get('shop.test', '/')).headers['x-served-by'] === 'shop', 30_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- gatehouse output (tail)\n${gh.output.slice(-4000)}`, { cause: err });
    }
  }, 120_000);

  afterAll(async () => {
    await envoy?.stop();
    await gh?.stop();
    await backend?.close();
  });

  it('response-header: the effective policy per route (rule > route > gateway)', async () => {
    expect((await get('shop.test', '/')).headers['x-served-by']).toBe('shop');
    const checkout = await get('shop.test', '/checkout/cart');
    expect(checkout.headers['x-served-by']).toBe('checkout');
    expect(checkout.headers['cache-control']).toBe('no-store');
    const docs = await get('docs.test', '/');
    expect(docs.status).toBe(200);
    expect(docs.headers['x-served-by']).toBe('gatehouse');
  });

  it('csrf-guard: a cross-site POST is refused, same-origin POSTs and GETs pass', async () => {
    const forged = await get('docs.test', '/transfer', { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'text/plain' }, body: 'x' });
    expect(forged.status).toBe(403);
    expect(forged.text).toBe('Invalid origin');
    const same = await get('docs.test', '/transfer', { method: 'POST', headers: { origin: 'http://docs.test', 'content-type': 'text/plain' }, body: 'x' });
    expect(same.status).toBe(200);
    expect(same.echo?.method).toBe('POST');
    expect((await get('docs.test', '/', { headers: { origin: 'http://evil.example' } })).status).toBe(200);
  });

  it('GET /api/v1/plugins lists both as loaded and the two that failed, with the reasons', async () => {
    const r = (await (await fetch(`${gh.admin}/api/v1/plugins`)).json()) as {
      sdkVersion: string;
      builtin: string[];
      loaded: Array<{ name: string; module: string; origin: string }>;
      failed: Array<{ module: string; reason: string }>;
    };
    expect(r.sdkVersion).toBe('0.2.0');
    expect(r.builtin).toContain('router');
    expect(r.loaded.map((p) => [p.name, p.module, p.origin])).toEqual([
      ['csrf-guard', csrf, 'command-line'],
      ['response-header', 'gatehouse-plugin-response-header', 'command-line'],
    ]);
    expect(r.failed).toEqual([
      expect.objectContaining({ module: join(work, 'not-there.mjs'), reason: `cannot load: no such file or folder: ${join(work, 'not-there.mjs')}` }),
      expect.objectContaining({
        module: join(work, 'bad-protos.mjs'),
        name: 'bad-protos',
        reason: expect.stringMatching(/^its declared protos do not load: envoy\/extensions\/filters\/http\/nope\/v3\/nope.proto: /),
      }),
    ]);
    expect(gh.output).toMatch(/plugin .*not-there\.mjs \(--plugin .*\) not loaded: cannot load: no such file or folder.*running without it/);
  });
});
