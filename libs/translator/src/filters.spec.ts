// ExtensionRef filters: kept, in order, when a plugin claims their group/kind; otherwise they drop the rule.
import type { HTTPRouteRule } from '@gatehouse/api';
import { describe, expect, it } from 'vitest';
import { RuleError, parseFilters } from './filters.js';

const CLAIMED = new Set(['gatehouse.dev/UpstreamFunction']);
const rule = (filters: unknown[]) => ({ filters, backendRefs: [{ name: 'x' }] }) as unknown as HTTPRouteRule;
const fn = (name: string, group = 'gatehouse.dev', kind = 'UpstreamFunction') => ({ type: 'ExtensionRef', extensionRef: { group, kind, name } });

describe('parseFilters: ExtensionRef', () => {
  it('a claimed one is kept in the order the rule lists it', () => {
    const header = { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'a', value: 'b' }] } };
    const parsed = parseFilters(rule([header, fn('getPet')]), 'spec.rules[0]', undefined, CLAIMED);
    expect(parsed.filters.map((f) => f.type)).toEqual(['RequestHeaderModifier', 'ExtensionRef']);
    expect(parsed.filters[1]).toEqual({ type: 'ExtensionRef', group: 'gatehouse.dev', kind: 'UpstreamFunction', name: 'getPet' });
  });

  it('an unclaimed one drops the rule, naming the field and its group/kind', () => {
    expect(() => parseFilters(rule([fn('f', 'example.com', 'Filter')]), 'spec.rules[2]', undefined, CLAIMED)).toThrow(
      new RuleError(
        'spec.rules[2].filters[0].extensionRef: ExtensionRef example.com/Filter is not supported (no plugin handles it; supported ExtensionRef kinds: gatehouse.dev/UpstreamFunction)',
      ),
    );
    expect(() =>
      parseFilters(rule([{ type: 'ExtensionRef', extensionRef: { group: 'gatehouse.dev', kind: 'UpstreamFunction' } }]), 'spec.rules[0]', undefined, CLAIMED),
    ).toThrow('extensionRef: kind and name are required');
  });

  it('without claimed kinds (GRPCRoute) it is refused as before', () => {
    expect(() => parseFilters(rule([fn('getPet')]), 'spec.rules[0]')).toThrow('spec.rules[0].filters[0].type: filter ExtensionRef is not supported');
  });
});
