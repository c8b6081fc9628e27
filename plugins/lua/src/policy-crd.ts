// Builds the CustomResourceDefinitions of the kinds this plugin owns (group gatehouse.dev, v1alpha1): policies
// attached by spec.targetRefs (GEP-713), and filter objects that route rules name with an ExtensionRef. The same
// objects are shipped as YAML in crds/ (the plugin's spec keeps the two equal).
import type { KubeObject } from '@gatehouse/plugin-sdk';

export const POLICY_GROUP = 'gatehouse.dev';

/** A Gateway, a ListenerSet or an HTTPRoute/GRPCRoute, optionally one listener or rule by `sectionName`. */
const TARGET_REFS = {
  type: 'array',
  minItems: 1,
  maxItems: 16,
  items: {
    type: 'object',
    required: ['group', 'kind', 'name'],
    properties: {
      group: { type: 'string', maxLength: 253 },
      kind: { type: 'string', minLength: 1, maxLength: 63 },
      name: { type: 'string', minLength: 1, maxLength: 253 },
      sectionName: { type: 'string', minLength: 1, maxLength: 253 },
    },
  },
};

/** A CEL rule on the spec (`x-kubernetes-validations`). */
export interface SpecRule {
  rule: string;
  message: string;
}

function crdOf(kind: string, plural: string, category: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${POLICY_GROUP}`, labels: { 'app.kubernetes.io/part-of': 'gatehouse' } },
    spec: {
      group: POLICY_GROUP,
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(), categories: ['gatehouse', category] },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec,
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  };
}

function specSchema(properties: Record<string, unknown>, required: string[], rules: SpecRule[]): Record<string, unknown> {
  return { type: 'object', ...(required.length ? { required } : {}), properties, ...(rules.length ? { 'x-kubernetes-validations': rules } : {}) };
}

/** The CRD of policy `kind`: its spec has `targetRefs` plus `properties` (`required` lists the mandatory ones). */
export function policyCrd(kind: string, plural: string, properties: Record<string, unknown>, required: string[] = [], rules: SpecRule[] = []): KubeObject {
  return crdOf(kind, plural, 'gatehouse-policies', specSchema({ targetRefs: TARGET_REFS, ...properties }, ['targetRefs', ...required], rules));
}

/** The CRD of filter object `kind`, which route rules name with an ExtensionRef filter (no targetRefs). */
export function extensionRefCrd(
  kind: string,
  plural: string,
  properties: Record<string, unknown>,
  required: string[] = [],
  rules: SpecRule[] = [],
): KubeObject {
  return crdOf(kind, plural, 'gatehouse-filters', specSchema(properties, required, rules));
}
