// Checks a filter plugin's policy kind: the CRD shipped in plugins/<name>/crds/ is the one the plugin registers, the
// validation library accepts it (as the apiserver would), and example policies are accepted or refused as expected.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parse } from 'yaml';
import type { KubeObject, TranslatorPlugin } from '@gatehouse/plugin-sdk';
import { registerPluginKinds, validateObject } from '@gatehouse/validation';

export const ROUTE_TARGET = { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'app' };

/** A policy object of `kind` in namespace default targeting `targetRefs` (an HTTPRoute named app by default). */
export function policyObject(kind: string, name: string, spec: Record<string, unknown>, targetRefs: unknown[] = [ROUTE_TARGET]): KubeObject {
  return { apiVersion: 'gatehouse.dev/v1alpha1', kind, metadata: { name, namespace: 'default' }, spec: { targetRefs, ...spec } };
}

/** The plugin's one policy CRD equals the YAML file in its crds/ folder, and registers. */
export function checkShippedCrd(plugin: TranslatorPlugin, pluginDir: string): KubeObject {
  const kind = plugin.kinds?.[0];
  expect(kind?.attach).toBe('targetRefs');
  const crd = kind!.crd as KubeObject & { spec: { group: string; names: { plural: string } } };
  const file = join(pluginDir, 'crds', `${crd.spec.group}_${crd.spec.names.plural}.yaml`);
  expect(parse(readFileSync(file, 'utf8')), `${file} differs from the plugin's CRD (src/crd.ts)`).toEqual(crd);
  registerPluginKinds([plugin]);
  return crd;
}

/** Field paths of the validation errors of `obj` (empty: accepted). */
export function validationErrors(obj: KubeObject): string[] {
  return validateObject(obj).errors.map((e) => `${e.path}: ${e.message}`);
}
