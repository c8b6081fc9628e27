import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkShippedCrd, policyObject, validationErrors } from '../../../test/harness/policy-crds.js';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { attached, envoyAccepts, listener, pluginContext, policiesOf, route, runHooks } from '../../../test/harness/plugin-ir.js';
import { LUA_FILTER, LUA_FILTER_CRD, LUA_FILTER_KIND, LUA_POLICY, LUA_RULE_FILTER, luaPlugin } from './index.js';

const SCRIPT = 'function envoy_on_response(h) h:headers():add("x-lua", "yes") end';

describe('LuaPolicy', () => {
  it('ships its CRD, which validates policies', () => {
    checkShippedCrd(luaPlugin, join(import.meta.dirname, '..'));
    expect(validationErrors(policyObject(LUA_POLICY, 'hello', { inlineCode: SCRIPT }))).toEqual([]);
    expect(validationErrors(policyObject(LUA_POLICY, 'empty', { inlineCode: '' })).join()).toContain('spec.inlineCode');
    expect(validationErrors(policyObject(LUA_POLICY, 'none', {})).join()).toContain('spec.inlineCode');
  });
});

const luaFilter = (name: string, inlineCode: string) => ({
  apiVersion: 'gatehouse.dev/v1alpha1',
  kind: LUA_FILTER_KIND,
  metadata: { name, namespace: 'default' },
  spec: { inlineCode },
});
const ref = (name: string) => ({ type: 'ExtensionRef' as const, group: 'gatehouse.dev', kind: LUA_FILTER_KIND, name });

describe('LuaFilter', () => {
  it('ships its CRD (an ExtensionRef kind, no targetRefs), which validates filter objects', () => {
    expect(luaPlugin.kinds?.[1]).toEqual({ crd: LUA_FILTER_CRD, attach: 'extensionRef' });
    expect(parse(readFileSync(join(import.meta.dirname, '..', 'crds', 'gatehouse.dev_luafilters.yaml'), 'utf8'))).toEqual(LUA_FILTER_CRD);
    expect(validationErrors(luaFilter('f', SCRIPT))).toEqual([]);
    expect(validationErrors(luaFilter('f', '')).join()).toContain('spec.inlineCode');
  });

  it("runs the named script on the rule's routes, after a policy's", () => {
    const ctx = pluginContext([], [luaFilter('stamp', 'function envoy_on_request(h) end')]);
    const p = attached(LUA_POLICY, 'hello', { inlineCode: SCRIPT });
    const { filters, routes } = runHooks(luaPlugin, listener([route('app', policiesOf(LUA_POLICY, p), [ref('stamp')]), route('other')]), ctx);
    expect(filters.map((f) => [f.filter.name, f.filter['disabled']])).toEqual([
      [LUA_FILTER, true],
      [LUA_RULE_FILTER, true],
    ]);
    expect(Object.keys(routes[0]!['typedPerFilterConfig'] as object)).toEqual([LUA_FILTER, LUA_RULE_FILTER]);
    expect(routes[1]!['typedPerFilterConfig']).toBeUndefined();
  });

  it('refuses a rule naming two LuaFilters', () => {
    const ctx = pluginContext([], [luaFilter('a', SCRIPT), luaFilter('b', SCRIPT)]);
    expect(() => runHooks(luaPlugin, listener([route('app', {}, [ref('a'), ref('b')])]), ctx)).toThrow(
      'HTTPRoute default/app rule 0: filters: at most one ExtensionRef to a LuaFilter per rule',
    );
  });

  it('is accepted by envoy', () => {
    const ctx = pluginContext([], [luaFilter('stamp', SCRIPT)]);
    envoyAccepts(luaPlugin, listener([route('app', policiesOf(LUA_POLICY, attached(LUA_POLICY, 'hello', { inlineCode: SCRIPT })), [ref('stamp')])]), ctx);
  });
});

describe('lua plugin', () => {
  const p = attached(LUA_POLICY, 'hello', { inlineCode: SCRIPT });

  it('adds nothing where no route has a policy', () => {
    expect(runHooks(luaPlugin, listener([route('app')]))).toEqual({
      filters: [],
      routes: [expect.not.objectContaining({ typedPerFilterConfig: expect.anything() })],
    });
  });

  it('enables its disabled filter on routes with a policy, with their script', () => {
    const { filters, routes } = runHooks(luaPlugin, listener([route('app', policiesOf(LUA_POLICY, p)), route('other')]));
    expect(filters).toEqual([{ stage: 'route', position: 'before', filter: expect.objectContaining({ name: LUA_FILTER, disabled: true }) }]);
    expect(routes[0]!['typedPerFilterConfig']).toEqual({
      [LUA_FILTER]: expect.objectContaining({ config: expect.objectContaining({ sourceCode: { inlineString: SCRIPT } }) }),
    });
    expect(routes[1]!['typedPerFilterConfig']).toBeUndefined();
  });

  it('runs a listener-wide policy as the default script', () => {
    const wide = attached(LUA_POLICY, 'wide', { inlineCode: SCRIPT }, 'gateway');
    const { filters } = runHooks(luaPlugin, listener([route('app')], policiesOf(LUA_POLICY, wide)));
    expect(filters[0]!.filter).toEqual({ name: LUA_FILTER, typedConfig: expect.objectContaining({ defaultSourceCode: { inlineString: SCRIPT } }) });
  });

  it('is accepted by envoy', () => {
    envoyAccepts(luaPlugin, listener([route('app', policiesOf(LUA_POLICY, p)), route('other')]));
  });
});
