// ExtensionRef filters naming an object of a plugin-owned kind: found in the route's namespace, or the rule answers 500
// with the missing reference on the route (ResolvedRefs=False), never served as if the filter were not there.
import { describe, expect, it } from 'vitest';
import { resourceKey, type KubeObject, type ResourceSnapshot, type StoredResource } from '@gatehouse/api';
import { extensionObjectKinds, extensionObjectsFound } from './extension-objects.js';
import type { Problem, RouteContext } from './route-context.js';

const crd = (kind: string): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'x' },
  spec: { group: 'filters.example.com', names: { kind } },
});
const stored = (o: KubeObject): StoredResource => {
  const ref = { kind: o.kind, namespace: o.metadata.namespace ?? 'default', name: o.metadata.name };
  return { key: resourceKey(ref), ref, object: o, origin: { source: 'inline' }, createdAt: '2026-01-01T00:00:00Z' };
};
const filter = stored({ apiVersion: 'filters.example.com/v1', kind: 'HeaderFilter', metadata: { name: 'present', namespace: 'default' } });
const route = stored({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'default' } });
const snapshot: ResourceSnapshot = { resources: new Map([[filter.key, filter]]), problems: [] };
const ext = (kind: string, name: string) => ({ type: 'ExtensionRef' as const, group: 'filters.example.com', kind, name });

describe('ExtensionRef objects of plugin kinds', () => {
  const plugins = [
    {
      kinds: [
        { crd: crd('HeaderFilter'), attach: 'extensionRef' },
        { crd: crd('HeaderPolicy'), attach: 'targetRefs' },
      ],
    },
  ];
  const ctx = { snapshot, extensionKinds: extensionObjectKinds(plugins) } as unknown as RouteContext;

  it('knows the extensionRef kinds of the plugins (the same set for the same plugin list)', () => {
    expect([...extensionObjectKinds(plugins)]).toEqual(['filters.example.com/HeaderFilter']);
    expect(extensionObjectKinds(plugins)).toBe(extensionObjectKinds(plugins));
  });

  it('a present object is fine; a missing one is a problem naming the field and the object', () => {
    const problems: Problem[] = [];
    expect(extensionObjectsFound(ctx, route, { filters: [ext('HeaderFilter', 'present')], mirrors: [] }, 'spec.rules[0]', problems)).toBe(true);
    expect(problems).toEqual([]);
    expect(
      extensionObjectsFound(ctx, route, { filters: [ext('HeaderFilter', 'present'), ext('HeaderFilter', 'gone')], mirrors: [] }, 'spec.rules[1]', problems),
    ).toBe(false);
    expect(problems).toEqual([
      {
        reason: 'RefNotFound',
        message: 'spec.rules[1].filters[1].extensionRef: HeaderFilter default/gone not found: requests of this rule get HTTP 500 until it exists',
      },
    ]);
  });

  it('claimed kinds that are not plugin objects (function references) are not looked up', () => {
    expect(
      extensionObjectsFound(
        ctx,
        route,
        { filters: [{ type: 'ExtensionRef', group: 'gatehouse.dev', kind: 'UpstreamFunction', name: 'f' }], mirrors: [] },
        'spec.rules[0]',
        [],
      ),
    ).toBe(true);
  });
});
