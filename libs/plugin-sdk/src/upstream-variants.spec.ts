import { describe, expect, it } from 'vitest';
import type { StoredResource } from '@gatehouse/api';
import type { UpstreamIR } from '@gatehouse/ir';
import { NO_MEMO, type PluginContext, type TranslatorPlugin } from './plugin.js';
import { upstreamVariants } from './upstream-variants.js';

const upstream = (name: string, spec: Record<string, unknown>): StoredResource => ({
  key: `Upstream/default/${name}`,
  ref: { kind: 'Upstream', namespace: 'default', name },
  object: { apiVersion: 'gatehouse.dev/v1alpha1', kind: 'Upstream', metadata: { name, namespace: 'default' }, spec } as StoredResource['object'],
  origin: { source: 'inline' },
  createdAt: '2026-01-01T00:00:00Z',
});
const ir = (clusterName: string, plugin: string): UpstreamIR => ({
  clusterName,
  sources: [],
  discovery: 'eds',
  endpoints: [],
  connectTimeoutMs: 5000,
  plugin,
  policies: {},
});

describe('upstreamVariants', () => {
  const service: TranslatorPlugin = {
    name: 'svc',
    backends: [
      {
        group: '',
        kind: 'Service',
        resolve: (_c, t) => (t.port === 80 ? ir(`kube_${t.name}_80`, 'svc') : { reason: 'BackendNotFound', message: `no port ${t.port}` }),
      },
    ],
  };
  const statics: TranslatorPlugin = {
    name: 'static',
    backends: [{ group: 'gatehouse.dev', kind: 'Upstream', resolve: (_c, t) => ir(`static_${t.name}`, 'static') }],
  };
  const plugin = upstreamVariants(
    'variants',
    [
      {
        field: 'kube',
        resolve: (_c, t, u) => ({
          redirect: {
            group: '',
            kind: 'Service',
            namespace: t.namespace,
            name: 'web',
            port: (u.object as unknown as { spec: { kube: { servicePort: number } } }).spec.kube.servicePort,
          },
        }),
      },
      { field: 'aws', resolve: () => ir('aws', 'aws') },
    ],
    [service, statics],
  );
  const resolve = (u: StoredResource) => {
    const ctx: PluginContext = {
      snapshot: { resources: new Map([[u.key, u]]), problems: [] },
      reports: { reject: () => undefined, warn: () => undefined },
      memo: NO_MEMO,
    };
    return plugin.backends![0]!.resolve(ctx, { group: 'gatehouse.dev', kind: 'Upstream', namespace: 'default', name: u.ref.name });
  };

  it('picks the variant by the spec field set, the default resolver otherwise', () => {
    expect(resolve(upstream('a', { aws: {} }))).toMatchObject({ clusterName: 'aws' });
    expect(resolve(upstream('s', { static: {} }))).toMatchObject({ clusterName: 'static_s' });
  });

  it("a redirect resolves as the other backend, under the Upstream's cluster name, with its errors named", () => {
    expect(resolve(upstream('web-80', { kube: { servicePort: 80 } }))).toMatchObject({
      clusterName: 'upstream_default_web-80',
      plugin: 'svc',
      sources: [{ kind: 'Upstream', name: 'web-80' }],
    });
    expect(resolve(upstream('web-81', { kube: { servicePort: 81 } }))).toEqual({
      reason: 'BackendNotFound',
      message: 'Upstream default/web-81: spec.kube: no port 81',
    });
  });
});
