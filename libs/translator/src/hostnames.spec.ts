import { describe, expect, it } from 'vitest';
import { compareDomains, hostnameApplies, intersectHostnames } from './hostnames.js';

describe('intersectHostnames (listener ∩ route)', () => {
  it.each([
    [undefined, [], ['*']],
    [undefined, ['a.com', 'a.com'], ['a.com']],
    ['a.com', [], ['a.com']],
    ['a.com', ['a.com', 'b.com'], ['a.com']],
    ['*.example.com', ['foo.example.com', 'foo.bar.example.com', 'example.com'], ['foo.example.com', 'foo.bar.example.com']],
    ['foo.example.com', ['*.example.com'], ['foo.example.com']],
    ['*.example.com', ['*.foo.example.com'], ['*.foo.example.com']],
    ['*.foo.example.com', ['*.example.com'], ['*.foo.example.com']],
    ['*.example.com', ['other.org'], []],
  ])('%s ∩ %j = %j', (listener, route, expected) => {
    expect(intersectHostnames(listener, route)).toEqual(expected);
  });
});

describe('hostnameApplies', () => {
  it.each([
    ['*', 'a.com', true],
    ['*.a.com', 'x.a.com', true],
    ['*.a.com', 'a.com', false],
    ['*.a.com', '*.x.a.com', true],
    ['x.a.com', '*.a.com', false],
  ])('%s applies to %s: %s', (pattern, domain, expected) => {
    expect(hostnameApplies(pattern, domain)).toBe(expected);
  });
});

it('orders virtual hosts exact, then wildcard (longest first), then catch-all', () => {
  expect(['*', '*.a.com', 'b.com', '*.x.a.com', 'a.com'].sort(compareDomains)).toEqual(['a.com', 'b.com', '*.x.a.com', '*.a.com', '*']);
});
