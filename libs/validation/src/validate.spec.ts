// Schema semantics beyond the corpus: own-property lookups, combinators, nulls, int-or-string, when CEL runs.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@gatehouse/api';
import { applyDefaults } from './defaults.js';
import { describeErrors, validateObject, validateSchema } from './index.js';
import type { Schema } from './schema.js';

const route = (spec: unknown, metadata: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'default', ...metadata }, spec }) as KubeObject;
const errorsOf = (o: KubeObject) => describeErrors(validateObject(o).errors);

/** An object with an own `__proto__` key, as a YAML parser makes it. */
function withOwn(key: string, value: unknown, rest: Record<string, unknown> = {}): Record<string, unknown> {
  const o: Record<string, unknown> = { ...rest };
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  return o;
}

describe('JavaScript object-internal names are ordinary (unknown) fields', () => {
  const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'];

  it.each(NAMES)('%s under spec, a rule, a backendRef and metadata', (name) => {
    expect(errorsOf(route(withOwn(name, { rules: [] })))).toBe(`spec.${name}: Invalid value: unknown field "spec.${name}"`);
    expect(errorsOf(route({ rules: [withOwn(name, 1)] }))).toBe(`spec.rules[0].${name}: Invalid value: unknown field "spec.rules[0].${name}"`);
    expect(errorsOf(route({ rules: [{ backendRefs: [withOwn(name, 'x', { name: 's', port: 80 })] }] }))).toContain(
      `unknown field "spec.rules[0].backendRefs[0].${name}"`,
    );
    expect(errorsOf(route({}, withOwn(name, 'x')))).toBe(`metadata.${name}: Invalid value: unknown field "metadata.${name}"`);
  });

  it.each(NAMES)('%s as a core kind field', (name) => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', namespace: 'default' },
      spec: withOwn(name, 1, { ports: [{ port: 80 }] }),
    } as KubeObject;
    expect(errorsOf(svc)).toBe(`spec.${name}: Invalid value: unknown field "spec.${name}"`);
  });

  it.each(NAMES)('%s as kind or apiVersion', (name) => {
    expect(errorsOf({ apiVersion: 'gateway.networking.k8s.io/v1', kind: name, metadata: { name: 'x', namespace: 'default' } } as KubeObject)).toContain(
      `no matches for kind ${JSON.stringify(name)}`,
    );
    expect(validateObject({ apiVersion: `${name}/v1`, kind: 'HTTPRoute', metadata: { name: 'x', namespace: 'default' } } as KubeObject).schemaChecked).toBe(
      false,
    );
  });

  it('never touches Object.prototype', () => {
    validateObject(route(withOwn('__proto__', { polluted: true }), { labels: withOwn('__proto__', 'x') }));
    applyDefaults({ type: 'object', properties: { a: { type: 'string', default: 'x' } } }, withOwn('__proto__', { polluted: true }));
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('checks map keys named like them as keys (a label "constructor" is a valid label)', () => {
    expect(errorsOf(route({}, { labels: { constructor: 'x', toString: 'y' } }))).toBe('');
    expect(errorsOf(route({}, { labels: withOwn('__proto__', 'x') }))).toContain(
      'metadata.labels: Invalid value: "__proto__": name part must consist of alphanumeric characters',
    );
  });
});

describe('oneOf, anyOf, allOf and not', () => {
  const s = (extra: Partial<Schema>): Schema => ({ type: 'object', properties: { v: { type: 'string' }, n: { type: 'integer' } }, ...extra });
  it.each<[string, Schema, unknown, string]>([
    ['anyOf: one branch holds', s({ anyOf: [{ properties: { v: { format: 'ipv4' } } }, { properties: { v: { format: 'ipv6' } } }] }), { v: '::1' }, ''],
    [
      'anyOf: no branch holds',
      s({ anyOf: [{ properties: { v: { format: 'ipv4' } } }, { properties: { v: { format: 'ipv6' } } }] }),
      { v: 'x' },
      'x: Invalid value: "": "x" must validate at least one schema (anyOf); x.v: Invalid value: "x": x.v in body must be of type ipv4: "x"',
    ],
    ['oneOf: exactly one', s({ oneOf: [{ required: ['v'] }, { required: ['n'] }] }), { v: 'a' }, ''],
    [
      'oneOf: both',
      s({ oneOf: [{ required: ['v'] }, { required: ['n'] }] }),
      { v: 'a', n: 1 },
      'x: Invalid value: "": "x" must validate one and only one schema (oneOf). Found 2 valid alternatives',
    ],
    [
      'oneOf: none',
      s({ oneOf: [{ required: ['v'] }, { required: ['n'] }] }),
      {},
      'x: Invalid value: "": "x" must validate one and only one schema (oneOf). Found none valid; x.v: Required value',
    ],
    ['allOf: all hold', s({ allOf: [{ properties: { n: { minimum: 1 } } }, { properties: { n: { maximum: 5 } } }] }), { n: 3 }, ''],
    [
      'allOf: one fails',
      s({ allOf: [{ properties: { n: { minimum: 1 } } }, { properties: { n: { maximum: 5 } } }] }),
      { n: 9 },
      'x.n: Invalid value: 9: x.n in body should be less than or equal to 5; x: Invalid value: "": "x" must validate all the schemas (allOf)',
    ],
    ['not: holds', s({ not: { required: ['n'] } }), { v: 'a' }, ''],
    ['not: fails', s({ not: { required: ['n'] } }), { n: 1 }, 'x: Invalid value: "": "x" must not validate the schema (not)'],
  ])('%s', (_name, schema, value, expected) => {
    expect(describeErrors(validateSchema(schema, value, 'x'))).toBe(expected);
  });
});

describe('nulls, defaults and types', () => {
  it.each<[string, Schema, unknown, string]>([
    ['a nullable field keeps its null', { type: 'object', properties: { a: { type: 'string', nullable: true } } }, { a: null }, ''],
    [
      'null in a list is a wrong type',
      { type: 'array', items: { type: 'string' } },
      [null],
      'x[0]: Invalid value: "null": x[0] in body must be of type string: "null"',
    ],
    ['int-or-string takes both', { type: 'array', items: { 'x-kubernetes-int-or-string': true } }, [1, 'a'], ''],
    [
      'int-or-string refuses a fraction',
      { type: 'array', items: { 'x-kubernetes-int-or-string': true } },
      [1.5],
      'x[0]: Invalid value: "number": x[0] in body must be of type integer,string: "number"',
    ],
    ['number takes an integer', { type: 'number', maximum: 2.5 }, 2, ''],
    ['exclusive bounds', { type: 'integer', minimum: 1, exclusiveMinimum: true }, 1, 'x: Invalid value: 1: x in body should be greater than 1'],
    [
      'enum of a wrong type',
      { type: 'string', enum: ['A', 'B'] },
      5,
      'x: Invalid value: "integer": x in body must be of type string: "integer"; x: Unsupported value: 5: supported values: "A", "B"',
    ],
    ['minLength counts code points', { type: 'string', minLength: 2, maxLength: 2 }, '😀😀', ''],
    [
      'maxProperties',
      { type: 'object', maxProperties: 1, additionalProperties: { type: 'string' } },
      { a: 'x', b: 'y' },
      'x: Too many: 2: must have at most 1 item',
    ],
  ])('%s', (_name, schema, value, expected) => {
    expect(describeErrors(validateSchema(schema, value, 'x'))).toBe(expected);
  });

  it('drops nulls the schema does not allow, then defaults them, as the apiserver does', () => {
    const r = validateObject(
      route({ parentRefs: null, rules: [{ matches: [{ path: { type: null, value: '/a' } }], backendRefs: [{ name: 's', port: 80, weight: null }] }] }),
    );
    expect(describeErrors(r.errors)).toBe('');
    const spec = r.object['spec'] as {
      parentRefs?: unknown;
      rules: Array<{ matches: Array<{ path: { type: string } }>; backendRefs: Array<{ weight: number }> }>;
    };
    expect(spec).not.toHaveProperty('parentRefs');
    expect(spec.rules[0]!.matches[0]!.path.type).toBe('PathPrefix');
    expect(spec.rules[0]!.backendRefs[0]!.weight).toBe(1);
  });

  it('discards status on create but still refuses unknown fields in it', () => {
    const r = validateObject({ ...route({}), status: { parents: 'not a list' } } as KubeObject);
    expect(describeErrors(r.errors)).toBe('');
    expect(r.object).not.toHaveProperty('status');
    expect(errorsOf({ ...route({}), status: { bogus: 1 } } as KubeObject)).toBe('status.bogus: Invalid value: unknown field "status.bogus"');
  });
});

describe('when CEL rules run', () => {
  it('a pattern failure does not block them (both are reported)', () => {
    const text = errorsOf(route({ rules: [{ matches: [{ path: { type: 'PathPrefix', value: 'no slash' } }], timeouts: { request: '10 seconds' } }] }));
    expect(text).toContain("should match '^([0-9]{1,5}(h|m|s|ms)){1,4}$'");
    expect(text).toContain("value must be an absolute path and start with '/'");
  });

  it('a required, too long, too many, enum or type error blocks all of them, and says so', () => {
    const text = errorsOf(route({ rules: [{ matches: [{ path: { type: 'PathPrefix', value: 'no slash' }, method: 'FETCH' }] }] }));
    expect(text).toContain('Unsupported value: "FETCH"');
    expect(text).not.toContain('absolute path');
    expect(text).toContain('<nil>: Invalid value: null: some validation rules were not checked because the object was invalid');
  });

  it("reports a failed rule with the value's type, and isIP as Kubernetes' CEL library defines it", () => {
    const tls = (hostnames: string[]) =>
      ({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'TLSRoute',
        metadata: { name: 't', namespace: 'default' },
        spec: { hostnames, rules: [{ backendRefs: [{ name: 's', port: 443 }] }] },
      }) as KubeObject;
    expect(errorsOf(tls(['10.0.0.1']))).toBe('spec.hostnames: Invalid value: "array": Hostnames cannot contain an IP');
    // An IPv4-mapped IPv6 address is not an IP to isIP(); the pattern and the RFC 1123 rule refuse it instead.
    expect(errorsOf(tls(['::ffff:10.0.0.1']))).not.toContain('cannot contain an IP');
  });
});
