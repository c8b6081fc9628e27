// Plugin-owned kinds: a plugin's CRD is checked at load, and its objects are then validated like built-in kinds.
import { readFileSync } from 'node:fs';
import { servedVersions, type KubeObject } from '@gatehouse/api';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { describeErrors, pluginCrds, registerPluginKinds, resolveKind, unregisterPluginKinds, validateObject } from './index.js';

const crd = parse(readFileSync(new URL('../../../test/fixtures/plugins/header-policy/header-policy.crd.yaml', import.meta.url), 'utf8')) as KubeObject;
const plugin = { name: 'header-policy', kinds: [{ crd, attach: 'targetRefs' as const }] };
const policy = (spec: unknown): KubeObject => ({
  apiVersion: 'policies.example.com/v1alpha1',
  kind: 'HeaderPolicy',
  metadata: { name: 'p', namespace: 'default' },
  spec,
});
const target = [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }];
type Obj = Record<string, unknown>;
/** The object at `keys` inside `o` (for breaking a CRD in one place). */
const dig = (o: unknown, ...keys: Array<string | number>): Obj => keys.reduce<unknown>((x, k) => (x as Record<string | number, unknown>)[k], o) as Obj;
const SCHEMA = ['spec', 'versions', 0, 'schema', 'openAPIV3Schema', 'properties', 'spec'] as const;
const broken = (patch: (c: Obj) => void) => {
  const c = structuredClone(crd) as unknown as Obj;
  patch(c);
  return { name: 'broken', kinds: [{ crd: c as unknown as KubeObject, attach: 'targetRefs' as const }] };
};

afterEach(() => unregisterPluginKinds(['HeaderPolicy']));

describe('registerPluginKinds', () => {
  it('makes the kind known everywhere and validates its objects with the schema, defaults and CEL rules', () => {
    expect(validateObject(policy({ targetRefs: target, headers: [{ name: 'x-a', value: '1' }] })).schemaChecked).toBe(false);
    const [k] = registerPluginKinds([plugin]);
    expect(k).toMatchObject({
      group: 'policies.example.com',
      kind: 'HeaderPolicy',
      plural: 'headerpolicies',
      apiVersions: ['policies.example.com/v1alpha1'],
      attach: 'targetRefs',
      plugin: 'header-policy',
    });
    expect(servedVersions('HeaderPolicy')).toEqual(['policies.example.com/v1alpha1']);
    expect(pluginCrds().map((c) => c.kind)).toEqual(['HeaderPolicy']);

    const ok = validateObject(policy({ targetRefs: target, headers: [{ name: 'x-a', value: '1' }] }));
    expect(ok.errors).toEqual([]);
    expect(ok.schemaChecked).toBe(true);
    expect((ok.object['spec'] as { headers: Array<{ append: boolean }> }).headers[0]!.append).toBe(false); // defaulted

    const bad = validateObject(policy({ targetRefs: target, headers: [{ name: 'bad header', value: '1' }], extra: 1 }));
    expect(describeErrors(bad.errors)).toBe('spec.extra: Invalid value: unknown field "spec.extra"');
    const pattern = validateObject(policy({ targetRefs: target, headers: [{ name: 'bad header', value: '1' }] }));
    expect(describeErrors(pattern.errors)).toContain(
      'spec.headers[0].name: Invalid value: "bad header": spec.headers[0].name in body should match \'^[A-Za-z0-9-]{1,64}$\'',
    );
    const cel = validateObject(policy({ targetRefs: target, headers: [{ name: 'x-envoy-foo', value: '1' }] }));
    expect(describeErrors(cel.errors)).toBe('spec: Invalid value: "object": headers starting with x-envoy- are Envoy\'s own');
    expect(resolveKind('policies.example.com/v1', 'HeaderPolicy')).toMatchObject({ status: 'unserved', served: ['policies.example.com/v1alpha1'] });
  });

  it('registering the same plugin twice is harmless', () => {
    registerPluginKinds([plugin]);
    expect(() => registerPluginKinds([plugin])).not.toThrow();
  });

  it('refuses a malformed CRD with the plugin, the field path and what to do', () => {
    expect(() => registerPluginKinds([broken((c) => (dig(c, ...SCHEMA, 'properties', 'headers', 'items')['propertes'] = {}))])).toThrow(
      'plugin "broken": kinds[0].crd: the CustomResourceDefinition is not valid (the apiserver would refuse it too): spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[headers].items.propertes: Forbidden: "propertes" is not a schema keyword a CRD may use (misspelled?); fix the plugin\'s CRD',
    );
    expect(() => registerPluginKinds([broken((c) => (dig(c, ...SCHEMA, 'x-kubernetes-validations', 0)['rule'] = 'self.headers.all(h,'))])).toThrow(
      /x-kubernetes-validations\[0\]\.rule: Invalid value: .*compilation failed/,
    );
    expect(() => registerPluginKinds([broken((c) => (dig(c, 'metadata')['name'] = 'headerpolicy.example.com'))])).toThrow(
      'metadata.name: Invalid value: must be spec.names.plural + "." + spec.group: "headerpolicies.policies.example.com"',
    );
    expect(() => registerPluginKinds([broken((c) => delete dig(c, ...SCHEMA, 'properties')['targetRefs'])])).toThrow('declares spec.targetRefs');
    expect(() => registerPluginKinds([broken((c) => (dig(c, 'spec')['scope'] = 'Cluster'))])).toThrow('a policy kind (attach: targetRefs) is Namespaced');
    expect(servedVersions('HeaderPolicy')).toBeUndefined(); // nothing was registered
  });

  it("refuses a kind name that is taken: built-in, core, or another plugin's", () => {
    expect(() =>
      registerPluginKinds([
        broken(
          (c) =>
            Object.assign(dig(c, 'spec', 'names'), { kind: 'Gateway', plural: 'gateways' }) && (dig(c, 'metadata')['name'] = 'gateways.policies.example.com'),
        ),
      ]),
    ).toThrow('kind Gateway (policies.example.com) is already a kind built into Gatehouse');
    expect(() =>
      registerPluginKinds([
        broken((c) => Object.assign(dig(c, 'spec', 'names'), { kind: 'Pod', plural: 'pods' }) && (dig(c, 'metadata')['name'] = 'pods.policies.example.com')),
      ]),
    ).toThrow('is already a Kubernetes core kind');
    registerPluginKinds([plugin]);
    expect(() => registerPluginKinds([{ ...plugin, name: 'other' }])).toThrow(
      'kind HeaderPolicy (policies.example.com) is already owned by plugin "header-policy" (policies.example.com)',
    );
  });
});
