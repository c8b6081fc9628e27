// Bounded cost: no input makes validation slow, deep, or its messages long, and none makes it throw.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@gatehouse/api';
import { runRules } from './cel-rules.js';
import { describeErrors, MAX_ERRORS, MAX_NESTING_DEPTH, validateObject } from './index.js';
import type { Schema } from './schema.js';

const route = (spec: unknown, metadata: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'default', ...metadata }, spec }) as KubeObject;

function timed<T>(fn: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = fn();
  return { result, ms: performance.now() - start };
}

describe('bounded cost', () => {
  it('refuses a 200k-character string in a patterned field as too long, without running the pattern', () => {
    const { result, ms } = timed(() => validateObject(route({ hostnames: ['a'.repeat(200_000)] })));
    expect(describeErrors(result.errors)).toContain('spec.hostnames[0]: Too long: may not be more than 253 bytes');
    expect(describeErrors(result.errors)).not.toContain('should match');
    expect(ms).toBeLessThan(1000);
  });

  it('matches a 200k-character string against a pattern that has no maxLength in linear time', () => {
    const { result, ms } = timed(() => validateObject(route({ rules: [{ timeouts: { request: '1s'.repeat(100_000) } }] })));
    expect(describeErrors(result.errors)).toContain("spec.rules[0].timeouts.request in body should match '^([0-9]{1,5}(h|m|s|ms)){1,4}$'");
    expect(ms).toBeLessThan(2000);
  });

  it('does not descend into a list over maxItems, and runs no CEL rule after it', () => {
    const hostnames = Array.from({ length: 100_000 }, (_, i) => `h${i}.example.com`);
    const { result, ms } = timed(() => validateObject(route({ hostnames })));
    expect(describeErrors(result.errors)).toContain('spec.hostnames: Too many: 100000: must have at most 16 items');
    expect(describeErrors(result.errors)).toContain('some validation rules were not checked');
    expect(ms).toBeLessThan(2000);
  });

  it.each([
    ['in an unknown field', (deep: unknown) => route({ extra: deep })],
    ['in metadata', (deep: unknown) => route({}, { labels: deep })],
    ['in a core kind', (deep: unknown) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: deep }) as KubeObject],
  ])('refuses deep nesting %s with a message that says so', (_where, make) => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const { result, ms } = timed(() => validateObject(make(deep)));
    expect(result.errors).toHaveLength(1);
    expect(describeErrors(result.errors)).toContain(`nesting deeper than ${MAX_NESTING_DEPTH} levels is not supported`);
    expect(describeErrors(result.errors).length).toBeLessThan(2000);
    expect(ms).toBeLessThan(2000);
  });

  it('accepts nesting up to the bound in a preserved field', () => {
    let deep: unknown = {};
    for (let i = 0; i < MAX_NESTING_DEPTH - 5; i++) deep = { a: deep };
    const cm = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'default', managedFields: [{ manager: 'm', operation: 'Update', fieldsV1: deep }] },
    };
    expect(describeErrors(validateObject(cm as unknown as KubeObject).errors)).toBe('');
  });

  it('refuses a graph of shared values (a YAML alias bomb) by counting values, not by expanding it', () => {
    let x: unknown = ['boom'];
    for (let i = 0; i < 40; i++) x = [x, x];
    const { result, ms } = timed(() => validateObject(route({ extra: x })));
    expect(describeErrors(result.errors)).toContain('values; Gatehouse refuses it to bound the cost of validation');
    expect(ms).toBeLessThan(3000);
  });

  it('reports at most MAX_ERRORS errors', () => {
    const spec = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`unknown${i}`, i]));
    const errors = validateObject(route(spec)).errors;
    expect(errors).toHaveLength(MAX_ERRORS + 1);
    expect(errors.at(-1)!.message).toBe(`and ${50_000 - MAX_ERRORS} more errors`);
  });

  it('refuses numbers JSON cannot carry', () => {
    expect(describeErrors(validateObject(route({ rules: [{ backendRefs: [{ name: 's', port: Infinity }] }] })).errors)).toContain(
      'spec.rules[0].backendRefs[0].port: Invalid value: Infinity: JSON has no such number',
    );
  });

  it('quotes user values only as a bounded prefix', () => {
    const huge = 'x'.repeat(1_000_000);
    for (const obj of [
      route({}, { labels: { app: huge } }),
      route({}, { name: huge }),
      route({ [huge]: 1 }),
      route({ rules: [{ matches: [{ method: huge }] }] }),
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: huge, metadata: { name: 'r', namespace: 'default' } } as KubeObject,
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { ports: [{ name: huge, port: 80 }] } } as KubeObject,
    ]) {
      const text = describeErrors(validateObject(obj).errors);
      expect(text).not.toBe('');
      expect(text.length).toBeLessThan(3000);
    }
  });

  it('stops running CEL rules when the cost budget is spent, and says so', () => {
    const schema: Schema = {
      type: 'array',
      items: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self >= 0', message: 'must not be negative' }] },
      'x-kubernetes-validations': [{ rule: 'self.all(x, x < 1000)' }],
    };
    const errors: Parameters<typeof runRules>[3] = [];
    runRules(
      schema,
      Array.from({ length: 100 }, () => -1),
      'spec.values',
      errors,
      150,
    );
    const text = errors.map((e) => `${e.path}: ${e.message}`).join('\n');
    expect(text).toContain('validation failed due to running out of cost budget, no further validation rules will be run');
    expect(errors.filter((e) => e.message.includes('must not be negative')).length).toBeLessThan(100);
  });
});
