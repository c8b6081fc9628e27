// A plugin-owned kind in a directory of YAML: accepted once its plugin is registered, refused per resource (with the
// field path, file and line) when invalid, like a built-in kind; ignored with a warning while no plugin owns it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { KubeObject } from '@gatehouse/api';
import { registerPluginKinds, unregisterPluginKinds } from '@gatehouse/validation';
import { DirectorySource } from './directory-source.js';
import { MemoryFirstSeen } from './first-seen.js';

const crd = parse(readFileSync(new URL('../../../test/fixtures/plugins/header-policy/header-policy.crd.yaml', import.meta.url), 'utf8')) as KubeObject;
const policy = (name: string, headers: string) =>
  `apiVersion: policies.example.com/v1alpha1\nkind: HeaderPolicy\nmetadata: { name: ${name} }\nspec:\n  targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: gw }]\n  headers: ${headers}\n`;
const sources: DirectorySource[] = [];

async function load(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-plugin-kinds-'));
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  const source = new DirectorySource({ dir, now: () => '2026-01-01T00:00:00Z', firstSeen: new MemoryFirstSeen() });
  sources.push(source);
  return source.load();
}

afterEach(() => {
  sources.splice(0).forEach((s) => s.close());
  unregisterPluginKinds(['HeaderPolicy']);
});

describe('DirectorySource with plugin kinds', () => {
  const files = {
    'p.yaml': `${policy('good', '[{ name: x-a, value: "1" }]')}---\n${policy('bad', '[{ name: x-envoy-a, value: "1" }]')}---\n${policy('typo', '[{ name: x-a, valeu: "1" }]')}`,
  };

  it('ignores a kind no loaded plugin owns, with a warning', async () => {
    const s = await load(files);
    expect(s.problems.map((p) => `${p.severity}: ${p.message}`)).toContain(
      'warning: kind HeaderPolicy (policies.example.com/v1alpha1) is not handled by Gatehouse; ignored',
    );
  });

  it('accepts valid objects of a registered kind (defaulted) and refuses invalid ones per resource', async () => {
    registerPluginKinds([{ name: 'header-policy', kinds: [{ crd, attach: 'targetRefs' }] }]);
    const s = await load(files);
    expect([...s.resources.keys()]).toEqual(['HeaderPolicy/default/good']);
    expect((s.resources.get('HeaderPolicy/default/good')!.object['spec'] as { headers: unknown[] }).headers).toEqual([
      { name: 'x-a', value: '1', append: false },
    ]);
    expect(s.problems.map((p) => `${p.severity} ${p.origin.file}:${p.origin.line} ${p.ref?.kind}/${p.ref?.name}: ${p.message}`)).toEqual([
      'error p.yaml:8 HeaderPolicy/bad: HeaderPolicy default/bad is invalid: spec: Invalid value: "object": headers starting with x-envoy- are Envoy\'s own',
      'error p.yaml:15 HeaderPolicy/typo: HeaderPolicy default/typo is invalid: spec.headers[0].valeu: Invalid value: unknown field "spec.headers[0].valeu"',
    ]);
  });
});
