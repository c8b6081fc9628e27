// The plugin loader on real modules in a temporary folder: paths and packages, export shapes, the SDK-major check,
// unique names, and failures that leave the other plugins loaded.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TranslatorPlugin } from '@gatehouse/plugin-sdk';
import { loadPlugins, type PluginSpec } from './plugin-loader.js';
import { pluginsOfSettings } from './settings-plugins.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-plugin-loader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(rel: string, text: string): string {
  const path = join(dir, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const spec = (module: string): PluginSpec => ({ module, origin: 'command-line', baseDir: dir, where: `--plugin ${module}` });
const builtin: TranslatorPlugin[] = [{ name: 'router' }];
const load = (modules: string[]) => loadPlugins(modules.map(spec), { builtin, searchDirs: [dir] });

file('good.mjs', "export default { name: 'good', sdkVersion: '0.2.0', route() {} };");
file('list.mjs', "export const plugins = [{ name: 'one', sdkVersion: '0.9.1' }, { name: 'two', sdkVersion: '0.2.0' }];");
file('no-version.mjs', "export default { name: 'unversioned' };");
file('old-major.mjs', "export default { name: 'from-the-future', sdkVersion: '1.0.0' };");
file('taken.mjs', "export default { name: 'router', sdkVersion: '0.2.0' };");
file('throws.mjs', "throw new Error('boom at import');");
file('nothing.mjs', 'export const x = 1;');
file('bad-hook.mjs', "export default { name: 'bad-hook', sdkVersion: '0.2.0', route: 'nope' };");
file(
  'node_modules/@acme/gatehouse-hello/package.json',
  JSON.stringify({ name: '@acme/gatehouse-hello', type: 'module', exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } } }),
);
file('node_modules/@acme/gatehouse-hello/dist/index.js', "export default { name: 'hello', sdkVersion: '0.2.0' };");
file('esm-folder/index.mjs', "export default { name: 'esm-folder', sdkVersion: '0.2.0' };");

describe('loadPlugins', () => {
  it('loads a module by path (default export) and a package by name from node_modules (its exports)', async () => {
    const r = await load(['./good.mjs', '@acme/gatehouse-hello']);
    expect(r.plugins.map((p) => p.name)).toEqual(['good', 'hello']);
    expect(r.report.failed).toEqual([]);
    expect(r.report.loaded[1]).toMatchObject({ name: 'hello', module: '@acme/gatehouse-hello', origin: 'command-line', sdkVersion: '0.2.0', warnings: [] });
    expect(r.report.loaded[1]!.file).toBe(join(dir, 'node_modules/@acme/gatehouse-hello/dist/index.js'));
    expect(r.report.builtin).toEqual(['router']);
  });

  it('loads a folder without package.json by its index.js, else index.mjs', async () => {
    const r = await load(['./esm-folder']);
    expect(r.plugins.map((p) => p.name)).toEqual(['esm-folder']);
    expect(r.report.loaded[0]!.file).toBe(join(dir, 'esm-folder/index.mjs'));
  });

  it('takes a "plugins" list; same SDK major loads (0.9.1 beside 0.2.0)', async () => {
    const r = await load(['./list.mjs']);
    expect(r.plugins.map((p) => p.name)).toEqual(['one', 'two']);
  });

  it('warns when sdkVersion is missing, refuses another major, keeps the rest', async () => {
    const r = await load(['./no-version.mjs', './old-major.mjs', './good.mjs']);
    expect(r.plugins.map((p) => p.name)).toEqual(['unversioned', 'good']);
    expect(r.report.loaded[0]!.warnings[0]).toMatch(/does not say which SDK.*sdkVersion: SDK_VERSION/);
    expect(r.report.failed).toEqual([
      {
        module: './old-major.mjs',
        origin: 'command-line',
        where: '--plugin ./old-major.mjs',
        name: 'from-the-future',
        reason: expect.stringMatching(/built against @gatehouse\/plugin-sdk 1\.0\.0.*runs SDK 0\.2\.0.*rebuild the plugin against @gatehouse\/plugin-sdk 0\.x/),
      },
    ]);
  });

  it('refuses a name a built-in or another plugin already has', async () => {
    const r = await load(['./taken.mjs', './good.mjs', file('good-again.mjs', "export default { name: 'good', sdkVersion: '0.2.0' };")]);
    expect(r.plugins.map((p) => p.name)).toEqual(['good']);
    expect(r.report.failed.map((f) => f.reason)).toEqual([
      'the name "router" is already taken by a built-in plugin: plugin names must be unique',
      'the name "good" is already taken by ./good.mjs (--plugin ./good.mjs): plugin names must be unique',
    ]);
  });

  it('reports modules that throw, export nothing, have a bad hook, are missing or not installed — each clearly', async () => {
    const r = await load(['./throws.mjs', './nothing.mjs', './bad-hook.mjs', './missing.mjs', '@acme/not-installed', './good.mjs']);
    expect(r.plugins.map((p) => p.name)).toEqual(['good']);
    expect(r.report.failed.map((f) => `${f.module}: ${f.reason}`)).toEqual([
      './throws.mjs: cannot load: boom at import',
      './nothing.mjs: the module exports no plugin: export a plugin (an object with a name) or a list of them, as default or as "plugins"',
      './bad-hook.mjs: "route" is a string, not a function',
      `./missing.mjs: cannot load: no such file or folder: ${join(dir, 'missing.mjs')}`,
      `@acme/not-installed: package @acme/not-installed is not installed: npm install it in ${dir} (or beside Gatehouse)`,
    ]);
  });

  it("refuses a plugin whose kinds cannot be registered (the registrar's message is the reason)", async () => {
    file('kinds.mjs', "export default { name: 'with-kinds', sdkVersion: '0.2.0', kinds: [{ crd: {}, attach: 'targetRefs' }] };");
    const registerKinds = (p: TranslatorPlugin) => {
      throw new Error(`plugin "${p.name}": kinds[0].crd: not a CustomResourceDefinition`);
    };
    const r = await loadPlugins([spec('./kinds.mjs'), spec('./good.mjs')], { builtin, searchDirs: [dir], registerKinds });
    expect(r.plugins.map((p) => p.name)).toEqual(['good']);
    expect(r.report.failed[0]!.reason).toBe('its kinds cannot be registered: plugin "with-kinds": kinds[0].crd: not a CustomResourceDefinition');
  });

  it('loads the same module once when it is given twice', async () => {
    const r = await loadPlugins([spec('./good.mjs'), { ...spec(join(dir, 'good.mjs')), origin: 'settings' }], { builtin, searchDirs: [dir] });
    expect(r.plugins).toHaveLength(1);
    expect(r.report.failed).toEqual([]);
  });
});

describe('pluginsOfSettings', () => {
  const settings = (name: string, plugins: unknown) => ({
    apiVersion: 'gatehouse.dev/v1alpha1',
    kind: 'Settings',
    metadata: { namespace: 'gatehouse', name },
    spec: { plugins },
  });

  it('reads spec.plugins of the first Settings by namespace/name, naming bad entries', () => {
    const r = pluginsOfSettings([settings('z', ['ignored']), settings('a', ['./p.mjs', 7, '@acme/x'])], '/cfg');
    expect(r.from).toBe('gatehouse/a');
    expect(r.specs).toEqual([
      { module: './p.mjs', origin: 'settings', baseDir: '/cfg', where: 'Settings gatehouse/a: spec.plugins[0]' },
      { module: '@acme/x', origin: 'settings', baseDir: '/cfg', where: 'Settings gatehouse/a: spec.plugins[2]' },
    ]);
    expect(r.problems).toEqual(['Settings gatehouse/a: spec.plugins[1]: must be a module path (./plugins/x.js) or an npm package name']);
    expect(pluginsOfSettings([settings('a', 'x')], '/cfg').problems[0]).toMatch(/must be a list/);
    expect(pluginsOfSettings([], '/cfg')).toEqual({ specs: [], problems: [] });
  });
});
