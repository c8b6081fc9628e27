import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_FILE, provisionedBootstrap, TLS_FILES } from './bootstrap.js';
import { gatewayManifests, servicePorts, type ProvisionedGateway, type ProvisionedObject } from './manifests.js';
import { CONFIG_HASH_ANNOTATION, GATEWAY_NAME_LABEL, labelValue, objectName } from './names.js';

const gateway = (over: Partial<ProvisionedGateway['spec']> = {}): ProvisionedGateway => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'web', namespace: 'team-a', uid: 'uid-1', generation: 1 },
  spec: {
    gatewayClassName: 'gatehouse',
    listeners: [
      { name: 'http', protocol: 'HTTP', port: 80 },
      { name: 'https', protocol: 'HTTPS', port: 443 },
      { name: 'https-b', protocol: 'HTTPS', port: 443, hostname: 'b.example.com' },
      { name: 'dns', protocol: 'UDP', port: 53 },
    ],
    ...over,
  },
});
const byKind = (objs: ProvisionedObject[], kind: string) =>
  objs.find((o) => o.kind === kind)! as ProvisionedObject & { spec: Record<string, never>; data: Record<string, string> };
const tls = { cert: 'CERT', key: 'KEY', ca: 'CA' };

describe('names', () => {
  it('names objects gatehouse-<gateway> as DNS-1035 labels, with a hash when the name had to change', () => {
    expect(objectName('web')).toBe('gatehouse-web');
    expect(objectName('web.example.com')).toMatch(/^gatehouse-web-example-com-[0-9a-f]{8}$/);
    expect(objectName('web.example.com')).not.toBe(objectName('web-example-com'));
    const long = objectName('a'.repeat(200));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    expect(labelValue('x'.repeat(100)).length).toBeLessThanOrEqual(63);
    expect(labelValue('web.example.com')).toBe('web.example.com');
  });
});

describe('bootstrap', () => {
  it('is the gatehouse bootstrap with the mTLS credential read from files, never inline', () => {
    const text = provisionedBootstrap({ gateway: 'team-a/web', xdsHost: 'gatehouse-xds.gatehouse-system.svc.cluster.local', xdsPort: 9977, tls: true });
    expect(text).not.toContain('inlineString');
    const b = JSON.parse(text) as {
      node: { cluster: string };
      staticResources: { clusters: Array<{ type: string; transportSocket: { typedConfig: { commonTlsContext: Record<string, unknown> } } }> };
    };
    expect(b.node.cluster).toBe('team-a/web');
    const c = b.staticResources.clusters[0]!;
    expect(c.type).toBe('STRICT_DNS');
    expect(c.transportSocket.typedConfig.commonTlsContext).toMatchObject({
      tlsCertificates: [{ certificateChain: { filename: TLS_FILES.cert }, privateKey: { filename: TLS_FILES.key } }],
      validationContext: { trustedCa: { filename: TLS_FILES.ca } },
    });
    expect(provisionedBootstrap({ gateway: 'team-a/web', xdsHost: '127.0.0.1', xdsPort: 9977, tls: false })).not.toContain('transportSocket');
  });
});

describe('manifests', () => {
  it('makes a ConfigMap, a Secret, a Service and a Deployment, owned by the Gateway and labelled', () => {
    const objs = gatewayManifests({ gateway: gateway(), params: {}, bootstrap: '{}\n', tls });
    expect(objs.map((o) => o.kind)).toEqual(['ConfigMap', 'Secret', 'Service', 'Deployment']);
    for (const o of objs) {
      expect(o.metadata).toMatchObject({ name: 'gatehouse-web', namespace: 'team-a' });
      expect(o.metadata.labels[GATEWAY_NAME_LABEL]).toBe('web');
      expect(o.metadata.ownerReferences).toEqual([
        { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: 'web', uid: 'uid-1', controller: true, blockOwnerDeletion: true },
      ]);
      expect(o.metadata.annotations[CONFIG_HASH_ANNOTATION]).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(byKind(objs, 'ConfigMap').data).toEqual({ [BOOTSTRAP_FILE]: '{}\n' });
    expect(byKind(objs, 'Secret')).toMatchObject({ type: 'gatehouse.dev/xds-client-tls', data: { 'tls.key': Buffer.from('KEY').toString('base64') } });
    expect(JSON.stringify(byKind(objs, 'ConfigMap'))).not.toContain('KEY');
  });

  it('gives the Service one port per listener port and protocol, LoadBalancer by default, the type from parameters', () => {
    expect(servicePorts(gateway())).toEqual([
      { name: 'udp-53', port: 53, protocol: 'UDP' },
      { name: 'tcp-80', port: 80, protocol: 'TCP' },
      { name: 'tcp-443', port: 443, protocol: 'TCP' },
    ]);
    // ListenerSet listeners the Gateway serves add their ports; known ones are not repeated.
    expect(
      servicePorts(gateway(), [
        { port: 8443, protocol: 'TCP' },
        { port: 443, protocol: 'TCP' },
      ]).map((p) => p.name),
    ).toEqual(['udp-53', 'tcp-80', 'tcp-443', 'tcp-8443']);
    const svc = byKind(gatewayManifests({ gateway: gateway(), params: {}, bootstrap: '{}' }), 'Service');
    expect(svc.spec).toMatchObject({ type: 'LoadBalancer', selector: { [GATEWAY_NAME_LABEL]: 'web' } });
    const cip = byKind(
      gatewayManifests({
        gateway: gateway(),
        params: { service: { type: 'ClusterIP', externalTrafficPolicy: 'Local', annotations: { a: 'b' } } },
        bootstrap: '{}',
      }),
      'Service',
    );
    expect(cip.spec).toMatchObject({ type: 'ClusterIP' });
    expect(cip.spec).not.toHaveProperty('externalTrafficPolicy');
    expect(cip.metadata.annotations['a']).toBe('b');
  });

  it('runs Envoy non-root on a read-only root, with the parameters and spec.infrastructure propagated', () => {
    const gw = gateway({ infrastructure: { labels: { team: 'a', [GATEWAY_NAME_LABEL]: 'spoofed' }, annotations: { note: 'x' } } });
    const objs = gatewayManifests({
      gateway: gw,
      params: { replicas: 3, image: 'example.com/envoy:1', resources: { limits: { memory: '1Gi' } }, logLevel: 'debug' },
      bootstrap: '{}',
      tls,
    });
    const d = byKind(objs, 'Deployment') as unknown as {
      spec: {
        replicas: number;
        template: {
          metadata: { labels: Record<string, string>; annotations: Record<string, string> };
          spec: {
            securityContext: Record<string, unknown>;
            automountServiceAccountToken: boolean;
            containers: Array<Record<string, unknown>>;
            volumes: unknown[];
          };
        };
      };
    };
    expect(d.spec.replicas).toBe(3);
    const pod = d.spec.template;
    expect(pod.metadata.labels).toMatchObject({ team: 'a', [GATEWAY_NAME_LABEL]: 'web' });
    expect(pod.metadata.annotations['note']).toBe('x');
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] });
    const c = pod.spec.containers[0]!;
    expect(c).toMatchObject({
      image: 'example.com/envoy:1',
      workingDir: '/etc/gatehouse',
      resources: { limits: { memory: '1Gi' } },
      securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    });
    expect(c['args']).toEqual(expect.arrayContaining(['--log-level', 'debug']));
    for (const o of objs) expect(o.metadata.labels).toMatchObject({ team: 'a', [GATEWAY_NAME_LABEL]: 'web' });
  });

  it('is deterministic, and a changed bootstrap changes the pod template (pods roll)', () => {
    const a = gatewayManifests({ gateway: gateway(), params: {}, bootstrap: '{"a":1}', tls });
    expect(gatewayManifests({ gateway: gateway(), params: {}, bootstrap: '{"a":1}', tls })).toEqual(a);
    const b = gatewayManifests({ gateway: gateway(), params: {}, bootstrap: '{"a":2}', tls });
    expect(byKind(b, 'Deployment').metadata.annotations[CONFIG_HASH_ANNOTATION]).not.toBe(byKind(a, 'Deployment').metadata.annotations[CONFIG_HASH_ANNOTATION]);
    expect(byKind(b, 'Service').metadata.annotations[CONFIG_HASH_ANNOTATION]).toBe(byKind(a, 'Service').metadata.annotations[CONFIG_HASH_ANNOTATION]);
  });
});
