import { describe, expect, it } from 'vitest';
import { describeRef } from './meta.js';
import { KNOWN_KINDS, isClusterScoped, servedVersions } from './scope.js';

const PROTOTYPE_NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'];

describe('kind lookups take any string', () => {
  it.each(PROTOTYPE_NAMES)('%s is neither a known kind nor cluster-scoped', (name) => {
    expect(servedVersions(name)).toBeUndefined();
    expect(KNOWN_KINDS[name]).toBeUndefined();
    expect(isClusterScoped(name)).toBe(false);
  });

  it('known kinds answer as before', () => {
    expect(servedVersions('HTTPRoute')).toEqual(['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1']);
    expect(servedVersions('Service')).toEqual(['v1']);
    expect(isClusterScoped('GatewayClass')).toBe(true);
    expect(Object.isFrozen(KNOWN_KINDS)).toBe(true);
  });
});

describe('describeRef', () => {
  it('quotes each part as a bounded prefix', () => {
    expect(describeRef({ kind: 'HTTPRoute', namespace: 'default', name: 'a' })).toBe('HTTPRoute default/a');
    expect(describeRef({ kind: 'GatewayClass', namespace: '', name: 'gc' })).toBe('GatewayClass gc');
    const name = 'n'.repeat(253);
    expect(describeRef({ kind: 'Service', namespace: 'x', name })).toBe(`Service x/${name}`); // the longest valid name stays whole
    const long = describeRef({ kind: 'K'.repeat(1_000_000), namespace: 'ns', name: 'b'.repeat(1_000_000) });
    expect(long.length).toBeLessThan(700);
    expect(long).toContain('…(999747 more characters)');
  });
});
