import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkShippedCrd, policyObject, validationErrors } from '../../../test/harness/policy-crds.js';
import { attached, envoyAccepts, listener, policiesOf, route, runHooks } from '../../../test/harness/plugin-ir.js';
import { LUA_FILTER, LUA_POLICY, luaPlugin } from './index.js';

const SCRIPT = 'function envoy_on_response(h) h:headers():add("x-lua", "yes") end';

describe('LuaPolicy', () => {
  it('ships its CRD, which validates policies', () => {
    checkShippedCrd(luaPlugin, join(import.meta.dirname, '..'));
    expect(validationErrors(policyObject(LUA_POLICY, 'hello', { inlineCode: SCRIPT }))).toEqual([]);
    expect(validationErrors(policyObject(LUA_POLICY, 'empty', { inlineCode: '' })).join()).toContain('spec.inlineCode');
    expect(validationErrors(policyObject(LUA_POLICY, 'none', {})).join()).toContain('spec.inlineCode');
  });
});

describe('lua plugin', () => {
  const p = attached(LUA_POLICY, 'hello', { inlineCode: SCRIPT });

  it('adds nothing where no route has a policy', () => {
    expect(runHooks(luaPlugin, listener([route('app')]))).toEqual({ filters: [], routes: [expect.not.objectContaining({ typedPerFilterConfig: expect.anything() })] });
  });

  it('enables its disabled filter on routes with a policy, with their script', () => {
    const { filters, routes } = runHooks(luaPlugin, listener([route('app', policiesOf(LUA_POLICY, p)), route('other')]));
    expect(filters).toEqual([{ stage: 'route', position: 'before', filter: expect.objectContaining({ name: LUA_FILTER, disabled: true }) }]);
    expect(routes[0]!['typedPerFilterConfig']).toEqual({ [LUA_FILTER]: expect.objectContaining({ config: expect.objectContaining({ sourceCode: { inlineString: SCRIPT } }) }) });
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
