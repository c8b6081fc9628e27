// Builds the CustomResourceDefinition of a policy kind this plugin owns (group gatehouse.dev, v1alpha1, attached by
// spec.targetRefs as in GEP-713). The same object is shipped as YAML in crds/ (crd.spec.ts keeps the two equal).
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

/** The CRD of `kind` whose spec has `targetRefs` plus `properties` (`required` lists the mandatory ones). */
export function policyCrd(kind: string, plural: string, properties: Record<string, unknown>, required: string[] = [], rules: SpecRule[] = []): KubeObject {
  const spec: Record<string, unknown> = { type: 'object', required: ['targetRefs', ...required], properties: { targetRefs: TARGET_REFS, ...properties } };
  if (rules.length) spec['x-kubernetes-validations'] = rules;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${POLICY_GROUP}`, labels: { 'app.kubernetes.io/part-of': 'gatehouse' } },
    spec: {
      group: POLICY_GROUP,
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(), categories: ['gatehouse', 'gatehouse-policies'] },
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
