import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkShippedCrd, policyObject, validationErrors } from '../../../test/harness/policy-crds.js';
import { attached, envoyAccepts, listener, policiesOf, route, runHooks } from '../../../test/harness/plugin-ir.js';
import { BODY_FILTER, HEADERS_FILTER, TRANSFORMATION_POLICY, bodyScript, luaString, mutations, transformationPlugin } from './index.js';

const SPEC = {
  request: {
    headers: { set: [{ name: 'X-Set', value: 'new' }], add: [{ name: 'x-add', value: 'b' }], remove: ['x-remove'] },
    body: { replace: [{ match: 'cat', with: 'dog' }] },
  },
  response: { headers: { set: [{ name: 'x-served', value: 'gatehouse' }] }, body: { set: '{"replaced":true}' } },
};

describe('TransformationPolicy', () => {
  it('ships its CRD, which validates policies', () => {
    checkShippedCrd(transformationPlugin, join(import.meta.dirname, '..'));
    expect(validationErrors(policyObject(TRANSFORMATION_POLICY, 't', SPEC))).toEqual([]);
    expect(validationErrors(policyObject(TRANSFORMATION_POLICY, 't', {})).join()).toContain('set request, response or both');
    expect(validationErrors(policyObject(TRANSFORMATION_POLICY, 't', { request: { headers: { remove: ['bad header'] } } })).join()).toContain(
      'spec.request.headers.remove[0]',
    );
  });
});

describe('transformation plugin', () => {
  it('quotes any text as a Lua string', () => {
    expect(luaString('a"b\\c\nd\u0001é')).toBe('"a\\"b\\\\c\\nd\\001é"');
  });

  it('changes headers with header_mutation (remove, then set, then add)', () => {
    expect(mutations(SPEC)).toEqual({
      requestMutations: [
        { remove: 'x-remove' },
        { append: { header: { key: 'x-set', value: 'new' }, appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD' } },
        { append: { header: { key: 'x-add', value: 'b' }, appendAction: 'APPEND_IF_EXISTS_OR_ADD' } },
      ],
      responseMutations: [{ append: { header: { key: 'x-served', value: 'gatehouse' }, appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD' } }],
    });
    expect(mutations({ request: { body: { set: 'x' } } })).toBeUndefined();
  });

  it('changes bodies with a Lua script', () => {
    const script = bodyScript(SPEC.request.body, SPEC.response.body)!;
    expect(script).toContain('function envoy_on_request(h)\n  transform(h, nil, { { "cat", "dog" } })\nend');
    expect(script).toContain('function envoy_on_response(h)\n  transform(h, "{\\"replaced\\":true}", {  })\nend');
    expect(bodyScript(undefined, undefined)).toBeUndefined();
  });

  it("enables only the filters a route's policy needs", () => {
    const headersOnly = attached(TRANSFORMATION_POLICY, 'headers', { response: { headers: { set: [{ name: 'x-a', value: '1' }] } } });
    const both = attached(TRANSFORMATION_POLICY, 'both', SPEC);
    const { filters, routes } = runHooks(
      transformationPlugin,
      listener([route('a', policiesOf(TRANSFORMATION_POLICY, headersOnly)), route('b', policiesOf(TRANSFORMATION_POLICY, both))]),
    );
    expect(filters.map((f) => [f.stage, f.position, f.filter.name, f.filter['disabled']])).toEqual([
      ['route', 'before', HEADERS_FILTER, true],
      ['route', 'before', BODY_FILTER, true],
    ]);
    expect(Object.keys(routes[0]!['typedPerFilterConfig'] as object)).toEqual([HEADERS_FILTER]);
    expect(Object.keys(routes[1]!['typedPerFilterConfig'] as object)).toEqual([HEADERS_FILTER, BODY_FILTER]);
  });

  it('is accepted by envoy', () => {
    envoyAccepts(transformationPlugin, listener([route('app', policiesOf(TRANSFORMATION_POLICY, attached(TRANSFORMATION_POLICY, 'both', SPEC)))]));
    envoyAccepts(transformationPlugin, listener([route('app')], policiesOf(TRANSFORMATION_POLICY, attached(TRANSFORMATION_POLICY, 'wide', SPEC, 'gateway'))));
  });
});
