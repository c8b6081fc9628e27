// Built-in kinds, as kube-apiserver 1.34 decodes and validates them on create. Every row's verdict was checked
// against a real v1.34 apiserver (kubectl create --dry-run=server --validate=strict); the messages are the
// apiserver's except for Go decoding errors, which Gatehouse words like schema errors.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@gatehouse/api';
import { describeErrors, validateObject } from '../index.js';

type Body = Record<string, unknown>;
const obj = (apiVersion: string, kind: string, body: Body, metadata: Body = {}): KubeObject =>
  ({ apiVersion, kind, metadata: { name: 'x', namespace: kind === 'Namespace' ? undefined : 'default', ...metadata }, ...body }) as KubeObject;
const svc = (spec: Body) => obj('v1', 'Service', { spec });
const slice = (body: Body) => obj('discovery.k8s.io/v1', 'EndpointSlice', body);

describe('built-in kinds', () => {
  it.each<[string, KubeObject, string]>([
    [
      'extname-with-cip',
      svc({ type: 'ExternalName', externalName: 'db.example.com', clusterIP: '10.96.0.50' }),
      'spec.clusterIPs: Forbidden: may not be set for ExternalName services',
    ],
    ['extname-trailing-dot', svc({ type: 'ExternalName', externalName: 'db.example.com.' }), ''],
    ['extname-missing', svc({ type: 'ExternalName' }), 'spec.externalName: Required value'],
    [
      'lb-headless',
      svc({ type: 'LoadBalancer', clusterIP: 'None', ports: [{ port: 80 }] }),
      'spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for LoadBalancer services',
    ],
    [
      'cip-invalid',
      svc({ clusterIP: '10.96.0.300', ports: [{ port: 80 }] }),
      'spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ],
    ['nodeport-on-clusterip', svc({ ports: [{ port: 80, nodePort: 30080 }] }), "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    [
      'dup-port',
      svc({
        ports: [
          { name: 'a', port: 80 },
          { name: 'b', port: 80 },
        ],
      }),
      'spec.ports[1]: Duplicate value: {"port":80,"protocol":"TCP"}',
    ],
    [
      'dup-port-udp',
      svc({
        ports: [
          { name: 'a', port: 80 },
          { name: 'b', port: 80, protocol: 'UDP' },
        ],
      }),
      '',
    ],
    [
      'dup-name',
      svc({
        ports: [
          { name: 'a', port: 80 },
          { name: 'a', port: 81 },
        ],
      }),
      'spec.ports[1].name: Duplicate value: "a"',
    ],
    [
      'type-bad',
      svc({ type: 'Internal', ports: [{ port: 80 }] }),
      'spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ],
    [
      'affinity-bad',
      svc({ sessionAffinity: 'Cookie', ports: [{ port: 80 }] }),
      'spec.sessionAffinity: Unsupported value: "Cookie": supported values: "ClientIP", "None"',
    ],
    [
      'affinity-timeout',
      svc({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } }, ports: [{ port: 80 }] }),
      'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400',
    ],
    [
      'lbsr-on-clusterip',
      svc({ loadBalancerSourceRanges: ['10.0.0.0/8'], ports: [{ port: 80 }] }),
      "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'",
    ],
    [
      'etp-on-clusterip',
      svc({ externalTrafficPolicy: 'Local', ports: [{ port: 80 }] }),
      'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
    ],
    [
      'itp-bad',
      svc({ internalTrafficPolicy: 'Node', ports: [{ port: 80 }] }),
      'spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"',
    ],
    [
      'td-bad',
      svc({ trafficDistribution: 'Nearest', ports: [{ port: 80 }] }),
      'spec.trafficDistribution: Unsupported value: "Nearest": supported values: "PreferClose", "PreferSameZone", "PreferSameNode"',
    ],
    ['td-samezone', svc({ trafficDistribution: 'PreferSameZone', ports: [{ port: 80 }] }), ''],
    [
      'selector-bad',
      svc({ selector: { app: '-x' }, ports: [{ port: 80 }] }),
      "spec.selector: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must s",
    ],
    [
      'externalip-loopback',
      svc({ externalIPs: ['127.0.0.1'], ports: [{ port: 80 }] }),
      'spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    ],
    [
      'appprotocol-bad',
      svc({ ports: [{ port: 80, appProtocol: 'a b' }] }),
      "spec.ports[0].appProtocol: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end ",
    ],
    ['ipfamily-bad', svc({ ipFamilies: ['IPv5'], ports: [{ port: 80 }] }), 'spec.ipFamilies[0]: Unsupported value: "IPv5": supported values: "IPv4", "IPv6"'],
    ['nodeport-ok', svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30081 }] }), ''],
    ['targetport-str-ok', svc({ ports: [{ port: 80, targetPort: 'http' }] }), ''],
    ['no-spec', obj('v1', 'Service', {}), 'spec.ports: Required value'],
    ['fqdn-ok', slice({ addressType: 'FQDN', endpoints: [{ addresses: ['db.example.com'] }] }), ''],
    [
      'fqdn-bad',
      slice({ addressType: 'FQDN', endpoints: [{ addresses: ['db'] }] }),
      'endpoints[0].addresses[0]: Invalid value: "db": should be a domain with at least two segments separated by dots',
    ],
    [
      'fqdn-upper',
      slice({ addressType: 'FQDN', endpoints: [{ addresses: ['DB.example.com'] }] }),
      'endpoints[0].addresses[0]: Invalid value: "DB.example.com": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric character',
    ],
    [
      'too-many-addr',
      slice({
        addressType: 'IPv4',
        endpoints: [
          {
            addresses: [
              '10.0.0.1',
              '10.0.0.2',
              '10.0.0.3',
              '10.0.0.4',
              '10.0.0.5',
              '10.0.0.6',
              '10.0.0.7',
              '10.0.0.8',
              '10.0.0.9',
              '10.0.0.10',
              '10.0.0.11',
              '10.0.0.12',
              '10.0.0.13',
              '10.0.0.14',
              '10.0.0.15',
              '10.0.0.16',
              '10.0.0.17',
              '10.0.0.18',
              '10.0.0.19',
              '10.0.0.20',
              '10.0.0.21',
              '10.0.0.22',
              '10.0.0.23',
              '10.0.0.24',
              '10.0.0.25',
              '10.0.0.26',
              '10.0.0.27',
              '10.0.0.28',
              '10.0.0.29',
              '10.0.0.30',
              '10.0.0.31',
              '10.0.0.32',
              '10.0.0.33',
              '10.0.0.34',
              '10.0.0.35',
              '10.0.0.36',
              '10.0.0.37',
              '10.0.0.38',
              '10.0.0.39',
              '10.0.0.40',
              '10.0.0.41',
              '10.0.0.42',
              '10.0.0.43',
              '10.0.0.44',
              '10.0.0.45',
              '10.0.0.46',
              '10.0.0.47',
              '10.0.0.48',
              '10.0.0.49',
              '10.0.0.50',
              '10.0.0.51',
              '10.0.0.52',
              '10.0.0.53',
              '10.0.0.54',
              '10.0.0.55',
              '10.0.0.56',
              '10.0.0.57',
              '10.0.0.58',
              '10.0.0.59',
              '10.0.0.60',
              '10.0.0.61',
              '10.0.0.62',
              '10.0.0.63',
              '10.0.0.64',
              '10.0.0.65',
              '10.0.0.66',
              '10.0.0.67',
              '10.0.0.68',
              '10.0.0.69',
              '10.0.0.70',
              '10.0.0.71',
              '10.0.0.72',
              '10.0.0.73',
              '10.0.0.74',
              '10.0.0.75',
              '10.0.0.76',
              '10.0.0.77',
              '10.0.0.78',
              '10.0.0.79',
              '10.0.0.80',
              '10.0.0.81',
              '10.0.0.82',
              '10.0.0.83',
              '10.0.0.84',
              '10.0.0.85',
              '10.0.0.86',
              '10.0.0.87',
              '10.0.0.88',
              '10.0.0.89',
              '10.0.0.90',
              '10.0.0.91',
              '10.0.0.92',
              '10.0.0.93',
              '10.0.0.94',
              '10.0.0.95',
              '10.0.0.96',
              '10.0.0.97',
              '10.0.0.98',
              '10.0.0.99',
              '10.0.0.100',
              '10.0.0.101',
            ],
          },
        ],
      }),
      'endpoints[0].addresses: Too many: 101: must have at most 100 items',
    ],
    ['dup-port-name', slice({ addressType: 'IPv4', ports: [{ port: 80 }, { port: 81 }] }), 'ports[1].name: Duplicate value: ""'],
    [
      'hostname-bad',
      slice({ addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'], hostname: 'A_B' }] }),
      'endpoints[0].hostname: Invalid value: "A_B": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must ',
    ],
    [
      'nodename-bad',
      slice({ addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'], nodeName: 'Node_1' }] }),
      "endpoints[0].nodeName: Invalid value: \"Node_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.",
    ],
    [
      'hints-dup',
      slice({ addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'], hints: { forZones: [{ name: 'z' }, { name: 'z' }] } }] }),
      'endpoints[0].hints.forZones[1].name: Duplicate value: "z"',
    ],
    [
      'unspecified',
      slice({ addressType: 'IPv4', endpoints: [{ addresses: ['0.0.0.0'] }] }),
      'endpoints[0].addresses[0]: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)',
    ],
    ['no-addresstype', slice({ endpoints: [{ addresses: ['10.0.0.1'] }] }), 'addressType: Required value'],
    [
      'ready-not-bool',
      slice({ addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: 'yes' } }] }),
      'endpoints[0].conditions.ready: Invalid value: "string": endpoints[0].conditions.ready in body must be of type boolean: "string"',
    ],
    ['big', obj('v1', 'Secret', { stringData: { a: 'x'.repeat(1048577) } }), 'data: Too long: may not be more than 1048576 bytes'],
    [
      'docker-bad',
      obj('v1', 'Secret', { type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '[1]' } }),
      'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": must be a JSON object',
    ],
    ['docker-ok', obj('v1', 'Secret', { type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '{"auths":{}}' } }), ''],
    ['docker-missing', obj('v1', 'Secret', { type: 'kubernetes.io/dockercfg' }), 'data[.dockercfg]: Required value'],
    ['basic-one', obj('v1', 'Secret', { type: 'kubernetes.io/basic-auth', stringData: { username: 'u' } }), ''],
    ['ssh-empty', obj('v1', 'Secret', { type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': '' } }), 'data[ssh-privatekey]: Required value'],
    ['sa-ok', obj('v1', 'Secret', { type: 'kubernetes.io/service-account-token' }, { annotations: { 'kubernetes.io/service-account.name': 'default' } }), ''],
    ['bytes-bad', obj('v1', 'Secret', { data: { a: [256] } }), 'data[a]: Invalid value: "<list>": data[a] must be a base64 string or a list of bytes (0-255)'],
    ['immutable-str', obj('v1', 'Secret', { immutable: 'yes' }), 'immutable: Invalid value: "string": immutable in body must be of type boolean: "string"'],
    ['cm-big', obj('v1', 'ConfigMap', { data: { a: 'x'.repeat(1048577) } }), '<root>: Too long: may not be more than 1048576 bytes'],
    [
      'cm-binary-bad',
      obj('v1', 'ConfigMap', { binaryData: { a: '!!' } }),
      'binaryData[a]: Invalid value: "!!": must be base64 (standard encoding, with padding)',
    ],
    ['ns-spec-fin-ok', obj('v1', 'Namespace', { spec: { finalizers: ['kubernetes', 'example.com/x'] } }, {}), ''],
    ['ns-status', obj('v1', 'Namespace', { status: { phase: 'Terminating' } }), ''],
  ])('%s', (name, object, expected) => {
    object.metadata.name = name;
    const text = describeErrors(validateObject(object).errors);
    if (expected === '') expect(text).toBe('');
    else expect(text).toContain(expected);
  });

  it('never echoes Secret data in a message', () => {
    const secret = obj('v1', 'Secret', { data: { key: 'c2VjcmV0 not base64', other: [999] }, stringData: { n: 5 } });
    const text = describeErrors(validateObject(secret).errors);
    expect(text).toContain('data[key]: Invalid value: "<secret contents redacted>"');
    expect(text).not.toContain('c2VjcmV0');
    expect(text).not.toContain('999');
  });

  it('returns a Secret as the apiserver stores it: data given as bytes becomes base64', () => {
    const r = validateObject(obj('v1', 'Secret', { data: { token: [104, 105], zeros: [null, 0] } }));
    expect(r.object['data']).toEqual({ token: 'aGk=', zeros: 'AAA=' });
  });

  it('discards the status of a Service or Namespace, keeps everything else', () => {
    const r = validateObject(obj('v1', 'Service', { spec: { ports: [{ port: 80 }] }, status: { loadBalancer: {} } }));
    expect(r.object).not.toHaveProperty('status');
    expect(r.object['spec']).toEqual({ ports: [{ port: 80 }] });
  });
});

describe('standalone relaxation', () => {
  it('accepts loopback EndpointSlice addresses unless asked for the apiserver verdict', async () => {
    const { validateObject } = await import('../index.js');
    const slice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 's', namespace: 'default' },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['127.0.0.1'] }],
      ports: [{ name: 'http', port: 8080 }],
    };
    expect(validateObject(slice).errors).toEqual([]);
    expect(validateObject(slice, { loopbackEndpoints: false }).errors.map((e) => e.path)).toEqual(['endpoints[0].addresses[0]']);
  });
});
