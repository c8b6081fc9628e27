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

const durationString: Schema = { type: 'string', pattern: '^([0-9]{1,5}(h|m|s|ms)){1,4}$' };
const namespaceList: Schema = { type: 'array', maxItems: 256, items: { type: 'string', minLength: 1, maxLength: 63 } };
/** One discoverer's settings (libs/discovery DiscovererSettingsInput). */
const discovererSettings: Schema = {
  type: 'object',
  properties: {
    enabled: { type: 'boolean' },
    namespaces: namespaceList,
    excludeNamespaces: namespaceList,
    selector: stringMap(32),
    optIn: { type: 'boolean' },
    interval: durationString,
    timeout: durationString,
    backoff: durationString,
    maxBackoff: durationString,
    concurrency: { type: 'integer', minimum: 1, maximum: 64 },
    maxUpstreams: { type: 'integer', minimum: 1, maximum: 100000 },
    maxFunctions: { type: 'integer', minimum: 1, maximum: 5000 },
  },
};

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
            kube: {
              type: 'object',
              required: ['serviceName', 'servicePort'],
              properties: { serviceName: { type: 'string', minLength: 1, maxLength: 63 }, servicePort: hostPort },
            },
            aws: {
              type: 'object',
              required: ['region'],
              properties: {
                region: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]+$', maxLength: 32 },
                endpoint: { type: 'string', pattern: '^https?://[^/?#\\s]+/?$', maxLength: 253 },
                secretRef: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 253 } } },
                roleArn: { type: 'string', pattern: '^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$', maxLength: 2048 },
              },
            },
            openapi: {
              type: 'object',
              properties: {
                paths: { type: 'array', maxItems: 16, items: { type: 'string', pattern: '^/', maxLength: 1024 } },
                url: { type: 'string', pattern: '^https?://', maxLength: 2048 },
                document: { type: 'string', maxLength: 1048576 },
              },
              'x-kubernetes-validations': [
                {
                  rule: '(has(self.url) ? 1 : 0) + (has(self.document) ? 1 : 0) + (has(self.paths) ? 1 : 0) <= 1',
                  message: 'set at most one of paths, url and document',
                },
              ],
            },
            functions: {
              type: 'array',
              maxItems: 5000,
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-list-map-keys': ['name'],
              items: {
                type: 'object',
                required: ['name'],
                properties: {
                  name: { type: 'string', minLength: 1, maxLength: 253 },
                  lambda: {
                    type: 'object',
                    required: ['functionName'],
                    properties: {
                      functionName: { type: 'string', minLength: 1, maxLength: 170 },
                      qualifier: { type: 'string', minLength: 1, maxLength: 128 },
                      invocation: { type: 'string', enum: ['Synchronous', 'Asynchronous'] },
                      arn: { type: 'string', pattern: '^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:.+$', maxLength: 256 },
                    },
                  },
                  http: {
                    type: 'object',
                    required: ['method', 'path'],
                    properties: {
                      method: { type: 'string', enum: ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'] },
                      path: { type: 'string', pattern: '^/', maxLength: 1024 },
                      operationId: { type: 'string', maxLength: 253 },
                    },
                  },
                },
                'x-kubernetes-validations': [
                  { rule: '(has(self.lambda) ? 1 : 0) + (has(self.http) ? 1 : 0) == 1', message: 'a function is either lambda or http' },
                ],
              },
            },
          },
          'x-kubernetes-validations': [
            {
              rule: '(has(self.static) ? 1 : 0) + (has(self.kube) ? 1 : 0) + (has(self.aws) ? 1 : 0) == 1',
              message: 'exactly one upstream variant must be set (supported: static, kube, aws)',
            },
          ],
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
  // Control-plane settings from the configuration itself: per-discoverer enablement and tuning (over the command line).
  'gatehouse.dev/v1alpha1/Settings': {
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
            discovery: { type: 'object', maxProperties: 32, additionalProperties: discovererSettings },
            // Plugins to load at start-up: paths (relative to the config folder) or npm package names; a change needs a restart.
            plugins: { type: 'array', maxItems: 64, items: { type: 'string', minLength: 1, maxLength: 1024 } },
          },
        },
      },
    },
  },
};
