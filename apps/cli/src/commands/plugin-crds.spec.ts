// gatehouse plugin-crds: the CRDs of plugin-owned kinds, ready for kubectl apply; a plugin that does not load fails it.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runPluginCrds } from './plugin-crds.js';

const PLUGIN = join(import.meta.dirname, '../../../../test/fixtures/plugins/header-policy/index.mjs');

describe('gatehouse plugin-crds', () => {
  it('prints the CRD of every kind the built-in and given plugins own', async () => {
    let out = '';
    expect(await runPluginCrds([PLUGIN], (t) => (out += t))).toBe(0);
    const docs = parseAllDocuments(out).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    expect(docs.every((d) => d.kind === 'CustomResourceDefinition')).toBe(true);
    expect(docs.map((d) => d.metadata.name)).toContain('headerpolicies.policies.example.com');
  });

  it('exits 1 when a plugin does not load', async () => {
    expect(await runPluginCrds(['./no/such/plugin.mjs'], () => undefined)).toBe(1);
  });
});
