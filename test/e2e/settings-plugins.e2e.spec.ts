// Standalone mode: a Settings resource in the configuration folder lists a plugin by a path relative to that folder
// (`spec.plugins: [./plugin.mjs]`). `gatehouse serve --config-dir` loads it (GET /api/v1/plugins) and `gatehouse
// translate -f <folder>` runs it too: the route it shapes carries its response header in the translated output.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SDK_VERSION } from '@gatehouse/plugin-sdk';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { gateway, gatewayClass, httpRoute, tempDir, writeYaml } from '../harness/config.js';
import { CLI, ROOT, startGatehouse, type Gatehouse } from '../harness/peers.js';

const run = promisify(execFile);
const root = tempDir('settings-plugins');
const dir = join(root, 'config');
let gh: Gatehouse;

// Written as a user would in their config folder; no imports, so it loads from a folder without node_modules.
const PLUGIN = `export default {
  name: 'settings-stamp',
  sdkVersion: '${SDK_VERSION}',
  route(_ctx, _route, out) {
    out.responseHeadersToAdd = [...(out.responseHeadersToAdd ?? []), { header: { key: 'x-settings-stamp', value: 'on' }, appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD' }];
  },
};
`;

beforeAll(async () => {
  writeYaml(dir, 'gateway.yaml', [gatewayClass, gateway('gw', '127.0.0.1', [{ name: 'http', port: 18080 }])]);
  writeYaml(dir, 'routes.yaml', [httpRoute('app', { parentRefs: [{ name: 'gw' }], hostnames: ['app.test'], rules: [{ name: 'all' }] })]);
  writeYaml(dir, 'settings.yaml', [
    { apiVersion: 'gatehouse.dev/v1alpha1', kind: 'Settings', metadata: { name: 'settings', namespace: 'default' }, spec: { plugins: ['./plugin.mjs'] } },
  ]);
  writeFileSync(join(dir, 'plugin.mjs'), PLUGIN);
  // Run from the repository root: the path resolves against the configuration folder, not the working directory.
  gh = await startGatehouse({ configDir: dir, dataDir: join(root, 'data') });
});

afterAll(async () => {
  await gh?.stop();
});

it('gatehouse serve --config-dir loads the plugin its Settings lists, by a path relative to the folder', async () => {
  const r = (await (await fetch(`${gh.admin}/api/v1/plugins`)).json()) as {
    builtin: string[];
    loaded: Array<{ name: string; module: string; origin: string }>;
    failed: unknown[];
  };
  expect(r.builtin).toContain('router');
  expect(r.loaded.map((p) => [p.name, p.module, p.origin])).toEqual([['settings-stamp', './plugin.mjs', 'settings']]);
  expect(r.failed).toEqual([]);
  expect(gh.output).toContain('settings-stamp');
});

it('gatehouse translate -f <folder> runs the Settings plugin too: its header is in the output', async () => {
  const { stdout } = await run(process.execPath, [CLI, 'translate', '-f', dir, '-o', 'json'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  expect(stdout).toContain('"x-settings-stamp"');
  // Without the Settings file the same folder translates without it: the header comes from the plugin.
  const bare = join(root, 'bare');
  writeYaml(bare, 'gateway.yaml', [gatewayClass, gateway('gw', '127.0.0.1', [{ name: 'http', port: 18080 }])]);
  writeYaml(bare, 'routes.yaml', [httpRoute('app', { parentRefs: [{ name: 'gw' }], hostnames: ['app.test'], rules: [{ name: 'all' }] })]);
  const plain = await run(process.execPath, [CLI, 'translate', '-f', bare, '-o', 'json'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  expect(plain.stdout).not.toContain('x-settings-stamp');
});
