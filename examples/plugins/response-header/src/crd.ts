// The CustomResourceDefinition of ResponseHeaderPolicy. Gatehouse validates every ResponseHeaderPolicy against it
// (schema and CEL rules, as an apiserver would); crds/response-header-policy.yaml is the same object for kubectl apply.
import type { KubeObject } from '@gatehouse/plugin-sdk';

export const GROUP = 'headers.example.com';
export const KIND = 'ResponseHeaderPolicy';

export const RESPONSE_HEADER_POLICY_CRD: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'responseheaderpolicies.headers.example.com' },
  spec: {
    group: GROUP,
    names: { kind: KIND, listKind: 'ResponseHeaderPolicyList', plural: 'responseheaderpolicies', singular: 'responseheaderpolicy' },
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
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: {
                type: 'object',
                required: ['targetRefs', 'headers'],
                properties: {
                  targetRefs: {
                    type: 'array',
                    minItems: 1,
                    maxItems: 16,
                    items: {
                      type: 'object',
                      required: ['group', 'kind', 'name'],
                      properties: {
                        group: { type: 'string', maxLength: 253 },
                        kind: { type: 'string', maxLength: 63 },
                        name: { type: 'string', minLength: 1, maxLength: 253 },
                        sectionName: { type: 'string', minLength: 1, maxLength: 253 },
                      },
                    },
                  },
                  headers: {
                    type: 'array',
                    minItems: 1,
                    maxItems: 16,
                    items: {
                      type: 'object',
                      required: ['name', 'value'],
                      properties: {
                        name: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' },
                        value: { type: 'string', maxLength: 1024 },
                      },
                    },
                  },
                },
                'x-kubernetes-validations': [
                  { rule: "self.headers.all(h, !h.name.lowerAscii().startsWith('x-envoy-'))", message: "headers starting with x-envoy- are Envoy's own" },
                ],
              },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
    ],
  },
};
