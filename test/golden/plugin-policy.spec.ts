// Golden cases for a plugin that owns a policy kind (test/fixtures/plugins/header-policy): plugin-policy/<case>.in.yaml
// → <case>.routes.yaml (the Envoy routes the plugin shaped), <case>.ir.yaml (policies in the IR), <case>.status.yaml
// (the policies' reports and ancestors). UPDATE_GOLDEN=1 rewrites them; a missing expected file fails.
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DirectorySource, MemoryFirstSeen } from '@gatehouse/config-source';
import { BUILTIN_PLUGINS } from '@gatehouse/controller';
import { Translator, translate, type Translation } from '@gatehouse/engine';
import { XdsType, type TranslatorPlugin } from '@gatehouse/plugin-sdk';
import { StrictEncoder, envoyRoot } from '@gatehouse/xds';
import { registerPluginKinds } from '@gatehouse/validation';
import { tempDir } from '../harness/config.js';

const DATA = join(import.meta.dirname, 'plugin-policy');
const PLUGIN = join(import.meta.dirname, '../fixtures/plugins/header-policy/index.mjs');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const cases = readdirSync(DATA).filter((f) => f.endsWith('.in.yaml')).map((f) => f.replace(/\.in\.yaml$/, '')).sort();
let plugin: TranslatorPlugin;

beforeAll(async () => {
  plugin = ((await import(PLUGIN)) as { default: TranslatorPlugin }).default;
  registerPluginKinds([...BUILTIN_PLUGINS, plugin]); // as the plugin loader does before any source reads
});

const render = (o: unknown) => stringify(o, { aliasDuplicateObjects: false, lineWidth: 0, sortMapEntries: false });

function check(file: string, actual: string): void {
  const path = join(DATA, file);
  if (UPDATE) writeFileSync(path, actual);
  expect(existsSync(path), `${file} is missing: run "make golden" to write it, then review it`).toBe(true);
  expect(actual, `${file} differs (run "make golden" if the change is intended)`).toBe(readFileSync(path, 'utf8'));
}

describe('golden: plugin policy kinds', () => {
  it.each(cases)('%s', async (name) => {
    const source = new DirectorySource({ dir: DATA, only: [`${name}.in.yaml`], firstSeen: new MemoryFirstSeen(), now: () => '2026-01-01T00:00:00Z' });
    const snapshot = await source.load();
    source.close();
    const t = translate(snapshot, { plugins: [...BUILTIN_PLUGINS, plugin], defaultBindAddress: '0.0.0.0' });
    const encoder = new StrictEncoder(envoyRoot());
    const routes = Object.values(t.gateways).flatMap((g) => Object.values(g.resources[XdsType.Route]));
    for (const r of routes) encoder.encode(XdsType.Route, r);
    check(`${name}.routes.yaml`, render(routes));
    const policies = t.ir.gateways.map((g) => ({
      gateway: g.key,
      listeners: g.listeners.map((l) => ({ name: l.name, policies: l.policies, virtualHosts: l.virtualHosts.map((v) => ({ name: v.name, policies: v.policies, routes: v.routes.map((r) => ({ name: r.name, policies: r.policies })) })) })),
    }));
    check(`${name}.ir.yaml`, render(policies));
    check(`${name}.status.yaml`, render(t.reports.filter((r) => r.ref.kind === 'HeaderPolicy')));
  });
});

describe('incremental translation with plugin policies', () => {
  const routesOf = (t: Translation) => render(Object.values(t.gateways).map((g) => g.resources[XdsType.Route]));
  const statusOf = (t: Translation) => render(t.reports);

  it('a change to a policy, or to a route a policy targets, gives what a fresh translation gives', async () => {
    const dir = tempDir('plugin-policy-incremental');
    const file = join(dir, 'in.yaml');
    copyFileSync(join(DATA, 'header-policy.in.yaml'), file);
    const source = new DirectorySource({ dir, firstSeen: new MemoryFirstSeen(), now: () => '2026-01-01T00:00:00Z' });
    const options = { plugins: [...BUILTIN_PLUGINS, plugin], defaultBindAddress: '0.0.0.0' };
    const live = new Translator(options);
    live.translate(await source.load());
    const text = readFileSync(file, 'utf8');
    const edits = [
      text.replace('value: rule }', 'value: rule-edited }'), // the rule's policy
      text.replace('value: rule-edited }', 'value: rule }').replace('- name: web\n', '- name: www\n'), // the targeted rule renamed
      text.replace('{ name: x-scope, value: gateway }', '{ name: x-scope, value: gateway-edited }'), // the Gateway's policy
    ];
    for (const edit of edits) {
      writeFileSync(file, edit);
      const snapshot = await source.load();
      const t = live.translate(snapshot);
      const fresh = translate(snapshot, options);
      expect(routesOf(t)).toBe(routesOf(fresh));
      expect(statusOf(t)).toBe(statusOf(fresh));
    }
    // A route no policy targets: redone alone (incremental), with the policies of its listener still applied.
    // (Edited in place, so no document below it moves to another line.)
    writeFileSync(file, readFileSync(file, 'utf8').replace('    - backendRefs: [{ name: app, port: 80 }]\n---', '    - { matches: [{ path: { value: /admin } }], backendRefs: [{ name: app, port: 80 }] }\n---'));
    const snapshot = await source.load();
    const t = live.translate(snapshot);
    expect(t.stats).toEqual({ incremental: true, routes: 1 });
    expect(routesOf(t)).toBe(routesOf(translate(snapshot, options)));
    expect(routesOf(t)).toContain('/admin');
    const last = live.translate(await source.load());
    expect(render(last.ir)).toContain('gateway-edited'); // app.test's virtual host has the Gateway's policy
    source.close();
  });
});
