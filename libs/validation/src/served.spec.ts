// Which apiVersion/kind pairs are served, for the directory source to tell "ignore with a warning" from "error".
import { describe, expect, it } from 'vitest';
import { resolveKind, servedVersions } from './served.js';

describe('resolveKind', () => {
  it.each([
    ['gateway.networking.k8s.io/v1', 'HTTPRoute', 'validated'],
    ['gateway.networking.k8s.io/v1beta1', 'HTTPRoute', 'validated'],
    ['gateway.networking.k8s.io/v1alpha2', 'TLSRoute', 'validated'],
    ['gatehouse.dev/v1alpha1', 'Upstream', 'validated'],
    ['v1', 'Service', 'validated'],
    ['v1', 'Secret', 'validated'],
    ['v1', 'ConfigMap', 'validated'],
    ['v1', 'Namespace', 'validated'],
    ['discovery.k8s.io/v1', 'EndpointSlice', 'validated'],
    ['v1', 'Pod', 'unvalidated'],
    ['v1', 'ServiceAccount', 'unvalidated'],
    ['gateway.networking.k8s.io/v1alpha9', 'HTTPRoute', 'unserved'],
    ['gateway.networking.k8s.io/v1alpha2', 'HTTPRoute', 'unserved'],
    ['gateway.networking.k8s.io/v1', 'FooRoute', 'unserved'],
    ['gatehouse.dev/v1', 'Upstream', 'unserved'],
    ['discovery.k8s.io/v1beta1', 'EndpointSlice', 'unserved'],
    ['v1', 'EndpointSlice', 'unserved'],
    ['v2', 'Service', 'unserved'],
    ['v1', 'constructor', 'unserved'],
    ['a/b/c', 'HTTPRoute', 'unserved'],
    ['/v1', 'HTTPRoute', 'unserved'],
    ['apps/v1', 'Deployment', 'unknown-group'],
    ['networking.k8s.io/v1', 'Ingress', 'unknown-group'],
    ['gateway.networking.x-k8s.io/v1alpha1', 'XBackend', 'unknown-group'],
    ['example.com/v1', 'Widget', 'unknown-group'],
    ['__proto__/v1', 'HTTPRoute', 'unknown-group'],
  ])('%s %s: %s', (apiVersion, kind, status) => {
    expect(resolveKind(apiVersion, kind).status).toBe(status);
  });

  it('words an unserved kind as the apiserver does, with the versions that are served', () => {
    expect(resolveKind('gateway.networking.k8s.io/v1alpha9', 'HTTPRoute')).toMatchObject({
      status: 'unserved',
      message: 'no matches for kind "HTTPRoute" in version "gateway.networking.k8s.io/v1alpha9"',
      served: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'],
    });
    expect(servedVersions('', 'Service')).toEqual(['v1']);
    expect(servedVersions('gateway.networking.k8s.io', 'FooRoute')).toEqual([]);
  });

  it('quotes a huge kind as a bounded prefix', () => {
    const r = resolveKind('gateway.networking.k8s.io/v1', 'K'.repeat(1_000_000));
    expect(r.status === 'unserved' && r.message.length).toBeLessThan(300);
  });
});
