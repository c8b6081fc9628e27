// Schemas for Gatehouse's own kinds, in the CRD format (the Helm chart's CRDs are generated from these).
import type { KindSchema, Schema } from './schema.js';

const hostPort = { type: 'integer', minimum: 1, maximum: 65535 } as const;

/** A resource quantity (`500m`, `1`, `256Mi`), as core/v1 ResourceRequirements declares it. */
const quantity: Schema = {
  anyOf: [{ type: 'integer' }, { type: 'string' }],
  pattern: '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
  'x-kubernetes-int-or-string': true,
};
const resourceList: Schema = { type: 'object', properties: { cpu: quantity, memory: quantity } };
const stringMap = (maxProperties: number): Schema => ({ type: 'object', maxProperties, additionalProperties: { type: 'string', maxLength: 4096 } });

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
  // How a Gateway's Envoy is provisioned (Kubernetes mode): named by a GatewayClass's spec.parametersRef, or by a
  // Gateway's spec.infrastructure.parametersRef (its fields win). libs/provisioner reads it.
  'gatehouse.dev/v1alpha1/GatewayParameters': {
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
            replicas: { type: 'integer', format: 'int32', minimum: 0, maximum: 1000 },
            image: { type: 'string', minLength: 1, maxLength: 1024 },
            imagePullPolicy: { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'] },
            resources: { type: 'object', properties: { requests: resourceList, limits: resourceList } },
            service: {
              type: 'object',
              properties: {
                type: { type: 'string', enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] },
                externalTrafficPolicy: { type: 'string', enum: ['Cluster', 'Local'] },
                loadBalancerClass: { type: 'string', minLength: 1, maxLength: 253 },
                annotations: stringMap(64),
              },
            },
            logLevel: { type: 'string', enum: ['trace', 'debug', 'info', 'warning', 'error', 'critical', 'off'] },
            nodeSelector: stringMap(64),
          },
        },
      },
    },
  },
};
