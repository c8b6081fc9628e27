// Plugin-owned kinds are watched like the built-in ones; a cluster without a plugin's CRD says how to install it.
import { afterEach, describe, expect, it } from 'vitest';
import { registerKind, unregisterKind } from '@gatehouse/api';
import { WATCHED_KINDS, discoverKinds, missingKindHint, watchedKinds } from './kinds.js';
import type { KubeApi } from './kube-api.js';

afterEach(() => unregisterKind('HeaderPolicy'));

/** An API server that serves `resources` per group version (and 404 for any other). */
const api = (resources: Record<string, Array<{ name: string; kind: string }>>) =>
  ({
    request: async (_m: string, path: string) => {
      const gv = path.replace(/^\/apis?\//, '');
      if (!resources[gv]) throw Object.assign(new Error('not found'), { status: 404 });
      return { resources: resources[gv].map((r) => ({ ...r, namespaced: true, verbs: ['list', 'watch'] })) };
    },
  }) as unknown as KubeApi;

describe('plugin kinds in Kubernetes mode', () => {
  it('watches the kinds of loaded plugins after the built-in ones', async () => {
    expect(watchedKinds()).toEqual(WATCHED_KINDS);
    registerKind({
      group: 'policies.example.com',
      kind: 'HeaderPolicy',
      apiVersions: ['policies.example.com/v1alpha1'],
      plural: 'headerpolicies',
      scope: 'Namespaced',
      attach: 'targetRefs',
      plugin: 'header-policy',
    });
    const spec = watchedKinds().at(-1)!;
    expect(spec).toEqual({ kind: 'HeaderPolicy', group: 'policies.example.com', versions: ['v1alpha1'], translated: true, plugin: 'header-policy' });

    const served = await discoverKinds(api({ 'policies.example.com/v1alpha1': [{ name: 'headerpolicies', kind: 'HeaderPolicy' }] }), [spec]);
    expect(served.served.map((k) => `${k.apiVersion} ${k.plural}`)).toEqual(['policies.example.com/v1alpha1 headerpolicies']);
    const missing = await discoverKinds(api({}), [spec]);
    expect(missing.missing.map(missingKindHint)).toEqual([
      'HeaderPolicy (policies.example.com, owned by plugin "header-policy": its CRD is not installed; install it with `gatehouse plugin-crds --plugin <the plugin> | kubectl apply -f -`, and until then its objects have no effect)',
    ]);
  });
});
