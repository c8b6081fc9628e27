// Schemas for Gatehouse's own kinds, in the CRD format (the Helm chart's CRDs are generated from these).
import type { KindSchema } from './schema.js';

const hostPort = { type: 'integer', minimum: 1, maximum: 65535 } as const;

export const GATEHOUSE_SCHEMAS: Record<string, KindSchema> = {
  'gatehouse.dev/v1alpha1/Upstream': {
    scope: 'Namespaced',
    schema: {
      type: 'object',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object' },
        spec: {
          type: 'object',
          properties: {
            connectTimeout: { type: 'string', pattern: '^([0-9]{1,5}(h|m|s|ms)){1,4}$' },
            static: {
              type: 'object',
              required: ['hosts'],
              properties: {
                hosts: {
                  type: 'array',
                  minItems: 1,
                  maxItems: 64,
                  items: {
                    type: 'object',
                    required: ['address', 'port'],
                    properties: {
                      address: { type: 'string', minLength: 1, maxLength: 253 },
                      port: hostPort,
                      weight: { type: 'integer', minimum: 1, maximum: 128 },
                    },
                  },
                },
              },
            },
          },
          'x-kubernetes-validations': [{ rule: 'has(self.static)', message: 'exactly one upstream variant must be set (supported: static)' }],
        },
      },
      required: ['spec'],
    },
  },
};
