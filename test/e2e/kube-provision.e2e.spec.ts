// Provisioning an Envoy per Gateway (Kubernetes mode) against a real kube-apiserver and kube-controller-manager: the
// leader applies a bootstrap ConfigMap, an xDS client Secret, a Service and an Envoy Deployment per Gateway of a
// Gatehouse GatewayClass — labelled, owned by the Gateway, with spec.infrastructure propagated — and the real Envoy
// accepts the bootstrap; GatewayParameters set replicas, resources, image and Service type; another kind is
// InvalidParameters; status.addresses comes from the Service; only the leader provisions (a standby takes over); the
// garbage collector deletes it all with the Gateway.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { tempDir } from '../harness/config.js';
import { startCluster, type Cluster } from '../harness/kube.js';
import { envoyBinary, ROOT, startGatehouse, waitFor, type Gatehouse } from '../harness/peers.js';

const GW = 'gateway.networking.k8s.io';
const NS = 'team-a';
const SYSTEM = 'gatehouse-system';
const yaml = (...objects: unknown[]) => objects.map((o) => stringify(o)).join('---\n');

type Cond = { type: string; status: string; reason: string; message: string };
interface Obj {
  metadata: {
    name: string;
    uid: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<Record<string, unknown>>;
  };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  type?: string;
  status?: { conditions?: Cond[]; addresses?: Array<{ type: string; value: string }> };
}

const gatewayClass = (name: string, parametersRef?: Record<string, string>) => ({
  apiVersion: `${GW}/v1`,
  kind: 'GatewayClass',
  metadata: { name },
  spec: { controllerName: 'gatehouse.dev/gateway-controller', ...(parametersRef ? { parametersRef } : {}) },
});
const gateway = (name: string, className: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: `${GW}/v1`,
  kind: 'Gateway',
  metadata: { name, namespace: NS },
  spec: {
    gatewayClassName: className,
    listeners: [
      { name: 'http', protocol: 'HTTP', port: 80 },
      { name: 'alt', protocol: 'HTTP', port: 8080 },
    ],
    ...extra,
  },
});

describe('Provisioning an Envoy per Gateway (Kubernetes mode)', () => {
  let cluster: Cluster;
  let gh: Gatehouse;
  let standby: Gatehouse | undefined;
  const dir = tempDir('kube-provision');
  const gatehouseArgs = [
    '--leader-election-namespace',
    SYSTEM,
    '--xds-tls',
    '--xds-ca-secret',
    'gatehouse-xds-ca',
    '--provision',
    'kubernetes',
    '--provision-xds-address',
    `gatehouse-xds.${SYSTEM}.svc.cluster.local:9977`,
  ];
  const apply = (...objects: unknown[]) =>
    cluster.kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager', 'test', '-f', '-'], { input: yaml(...objects) });
  const get = async (path: string): Promise<Obj | undefined> => {
    const r = await cluster.api('GET', path);
    return r.status === 200 ? (r.json as Obj) : undefined;
  };
  const core = (kind: string, name: string) => `/api/v1/namespaces/${NS}/${kind}/${name}`;
  const deployment = (name: string) => `/apis/apps/v1/namespaces/${NS}/deployments/${name}`;
  const gwPath = (name: string) => `/apis/${GW}/v1/namespaces/${NS}/gateways/${name}`;
  const condition = (o: Obj | undefined, type: string) => o?.status?.conditions?.find((c) => c.type === type);

  beforeAll(async () => {
    cluster = await startCluster({ gatewayApi: true });
    for (const f of readdirSync(join(ROOT, 'charts/gatehouse/crds')))
      await cluster.kubectl(['apply', '--server-side', '-f', join(ROOT, 'charts/gatehouse/crds', f)]);
    await cluster.kubectl(['create', 'namespace', NS]);
    await cluster.kubectl(['create', 'namespace', SYSTEM]);
    gh = await startGatehouse({ kubeconfig: cluster.kubeconfig, dataDir: join(dir, 'data'), args: gatehouseArgs, env: { POD_NAMESPACE: SYSTEM } });
  }, 120_000);

  afterAll(async () => {
    await standby?.stop();
    await gh?.stop();
    await cluster?.stop();
  });

  it('applies a ConfigMap, a Secret, a Service and a Deployment per Gateway: labelled, owned by it, infrastructure propagated', async () => {
    await apply(
      gatewayClass('gatehouse'),
      gateway('web', 'gatehouse', { infrastructure: { labels: { team: 'a' }, annotations: { 'example.com/owner': 'team-a' } } }),
    );
    const d = await waitFor('the Envoy Deployment', () => get(deployment('gatehouse-web')), 30_000);
    const uid = (await get(gwPath('web')))!.metadata.uid;
    const objects = {
      d,
      svc: (await get(core('services', 'gatehouse-web')))!,
      cm: (await get(core('configmaps', 'gatehouse-web')))!,
      secret: (await get(core('secrets', 'gatehouse-web')))!,
    };
    for (const o of Object.values(objects)) {
      expect(o.metadata.labels).toMatchObject({
        [`${GW}/gateway-name`]: 'web',
        [`${GW}/gateway-class-name`]: 'gatehouse',
        'app.kubernetes.io/managed-by': 'gatehouse',
        team: 'a',
      });
      expect(o.metadata.annotations).toMatchObject({ 'example.com/owner': 'team-a' });
      expect(o.metadata.ownerReferences).toEqual([{ apiVersion: `${GW}/v1`, kind: 'Gateway', name: 'web', uid, controller: true, blockOwnerDeletion: true }]);
    }
    const svc = objects.svc.spec as { type: string; ports: Array<{ port: number; targetPort: number; protocol: string }>; selector: Record<string, string> };
    expect(svc.type).toBe('LoadBalancer');
    expect(svc.ports.map((p) => `${p.protocol}/${p.port}->${p.targetPort}`)).toEqual(['TCP/80->80', 'TCP/8080->8080']);
    const pod = (
      d.spec as {
        template: { metadata: { labels: Record<string, string> }; spec: { containers: Array<{ image: string; securityContext: Record<string, unknown> }> } };
      }
    ).template;
    expect(pod.metadata.labels).toMatchObject(svc.selector);
    expect(pod.spec.containers[0]).toMatchObject({
      image: 'docker.io/envoyproxy/envoy:distroless-v1.40.0',
      securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    });

    // The private key is in the Secret, never in the ConfigMap; the certificate names the Gateway and chains to the
    // shared CA, which the controller stored in its namespace.
    const bootstrap = objects.cm.data!['bootstrap.json']!;
    expect(bootstrap).not.toContain('PRIVATE KEY');
    expect(JSON.parse(bootstrap)).toMatchObject({
      node: { cluster: `${NS}/web` },
      staticResources: {
        clusters: [
          {
            loadAssignment: {
              endpoints: [
                { lbEndpoints: [{ endpoint: { address: { socketAddress: { address: `gatehouse-xds.${SYSTEM}.svc.cluster.local`, portValue: 9977 } } } }] },
              ],
            },
          },
        ],
      },
    });
    expect(objects.secret.type).toBe('gatehouse.dev/xds-client-tls');
    const pem = (k: string) => Buffer.from(objects.secret.data![k]!, 'base64').toString();
    const cert = new X509Certificate(pem('tls.crt'));
    expect(cert.subjectAltName).toBe(`URI:spiffe://gatehouse/gateway/${NS}/web`);
    const caSecret = (await get(`/api/v1/namespaces/${SYSTEM}/secrets/gatehouse-xds-ca`))!;
    const ca = new X509Certificate(Buffer.from(caSecret.data!['ca.crt']!, 'base64'));
    expect(cert.checkIssued(ca) && cert.verify(ca.publicKey)).toBe(true);
    expect(readFileSync(join(dir, 'data/xds-ca/ca.crt'), 'utf8')).toBe(ca.toString());

    // The real Envoy accepts the bootstrap, with the Secret's files where the pod mounts them (its working directory).
    const pod1 = join(dir, 'pod');
    mkdirSync(join(pod1, 'xds-tls'), { recursive: true });
    writeFileSync(join(pod1, 'bootstrap.json'), bootstrap);
    for (const k of ['tls.crt', 'tls.key', 'ca.crt']) writeFileSync(join(pod1, 'xds-tls', k), pem(k));
    const out = execFileSync(envoyBinary(), ['--mode', 'validate', '-c', 'bootstrap.json', '--use-dynamic-base-id', '-l', 'error'], {
      cwd: pod1,
      encoding: 'utf8',
    });
    expect(out).toContain('configuration');
  });

  it('status.addresses come from the Service: the load balancer ingress once a LoadBalancer has one', async () => {
    // No cloud here: write the Service's status as a load-balancer controller would.
    const svc = (await get(core('services', 'gatehouse-web')))!;
    const r = await cluster.api(
      'PATCH',
      `${core('services', 'gatehouse-web')}/status`,
      { status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } } },
      { contentType: 'application/merge-patch+json' },
    );
    expect(r.status, r.text).toBe(200);
    expect(svc.metadata.uid).toBeTruthy();
    await waitFor('status.addresses from the load balancer', async () => (await get(gwPath('web')))?.status?.addresses?.[0]?.value === '203.0.113.10', 20_000);
    expect((await get(gwPath('web')))!.status!.addresses).toEqual([{ type: 'IPAddress', value: '203.0.113.10' }]);
  });

  it("GatewayParameters (the class's parametersRef) set replicas, resources, image and the Service type", async () => {
    await apply(
      {
        apiVersion: 'gatehouse.dev/v1alpha1',
        kind: 'GatewayParameters',
        metadata: { name: 'tuned', namespace: SYSTEM },
        spec: {
          replicas: 2,
          image: 'registry.example.com/envoy:custom',
          resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { memory: '512Mi' } },
          service: { type: 'ClusterIP' },
          logLevel: 'debug',
        },
      },
      gatewayClass('tuned', { group: 'gatehouse.dev', kind: 'GatewayParameters', name: 'tuned', namespace: SYSTEM }),
      gateway('api', 'tuned'),
    );
    const d = await waitFor('the tuned Deployment', () => get(deployment('gatehouse-api')), 30_000);
    const spec = d.spec as { replicas: number; template: { spec: { containers: Array<{ image: string; resources: unknown; args: string[] }> } } };
    expect(spec.replicas).toBe(2);
    expect(spec.template.spec.containers[0]).toMatchObject({
      image: 'registry.example.com/envoy:custom',
      resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { memory: '512Mi' } },
    });
    expect(spec.template.spec.containers[0]!.args).toEqual(expect.arrayContaining(['--log-level', 'debug']));
    const svc = (await get(core('services', 'gatehouse-api')))!.spec as { type: string; clusterIP: string };
    expect(svc.type).toBe('ClusterIP');
    await waitFor('status.addresses = the ClusterIP', async () => (await get(gwPath('api')))?.status?.addresses?.[0]?.value === svc.clusterIP, 20_000);
    expect(condition(await get(`/apis/${GW}/v1/gatewayclasses/tuned`), 'Accepted')).toMatchObject({ status: 'True' });
  });

  it('a parametersRef to another kind gives InvalidParameters and provisions nothing; fixed, it is provisioned', async () => {
    await apply(gatewayClass('broken', { group: '', kind: 'ConfigMap', name: 'settings', namespace: SYSTEM }), gateway('misc', 'broken'));
    await waitFor(
      'GatewayClass broken: Accepted=False/InvalidParameters',
      async () => condition(await get(`/apis/${GW}/v1/gatewayclasses/broken`), 'Accepted')?.reason === 'InvalidParameters',
      20_000,
    );
    const gc = condition(await get(`/apis/${GW}/v1/gatewayclasses/broken`), 'Accepted')!;
    expect(gc).toMatchObject({
      status: 'False',
      reason: 'InvalidParameters',
      message:
        'GatewayClass broken: spec.parametersRef: kind "ConfigMap" in group "" is not supported: reference a GatewayParameters (group gatehouse.dev) or remove the reference',
    });
    await waitFor(
      'Gateway misc: Accepted=False/InvalidParameters',
      async () => condition(await get(gwPath('misc')), 'Accepted')?.reason === 'InvalidParameters',
      20_000,
    );
    expect(await get(deployment('gatehouse-misc'))).toBeUndefined();
    await apply(gatewayClass('broken', { group: 'gatehouse.dev', kind: 'GatewayParameters', name: 'tuned', namespace: SYSTEM }));
    await waitFor('provisioned once the class is fixed', () => get(deployment('gatehouse-misc')), 30_000);
    await waitFor(
      'GatewayClass broken: Accepted=True',
      async () => condition(await get(`/apis/${GW}/v1/gatewayclasses/broken`), 'Accepted')?.status === 'True',
      20_000,
    );
  });

  it('a deleted provisioned object comes back; a listener change reaches the Service', async () => {
    await cluster.kubectl(['delete', 'configmap', '-n', NS, 'gatehouse-web']);
    await waitFor('the ConfigMap applied again', () => get(core('configmaps', 'gatehouse-web')), 30_000);
    await apply(
      gateway('web', 'gatehouse', {
        listeners: [
          { name: 'http', protocol: 'HTTP', port: 80 },
          { name: 'https', protocol: 'HTTPS', port: 443, tls: { certificateRefs: [{ name: 'missing' }] } },
        ],
      }),
    );
    await waitFor(
      'the Service has port 443 and not 8080',
      async () => {
        const ports = ((await get(core('services', 'gatehouse-web')))?.spec?.['ports'] ?? []) as Array<{ port: number }>;
        return ports.map((p) => p.port).join(',') === '80,443';
      },
      20_000,
    );
  });

  it('only the leader provisions; a standby shares the xDS CA and takes over when the leader is killed', async () => {
    standby = await startGatehouse({ kubeconfig: cluster.kubeconfig, dataDir: join(dir, 'standby'), args: gatehouseArgs, env: { POD_NAMESPACE: SYSTEM } });
    expect(readFileSync(join(dir, 'standby/xds-ca/ca.crt'), 'utf8')).toBe(readFileSync(join(dir, 'data/xds-ca/ca.crt'), 'utf8'));
    await apply(gateway('while-standby', 'gatehouse'));
    await waitFor('provisioned by the leader', () => get(deployment('gatehouse-while-standby')), 30_000);
    expect(standby.output).not.toContain('provisioner: Gateway');
    gh.child.kill('SIGKILL');
    await gh.done;
    await apply(gateway('after-failover', 'gatehouse'));
    await waitFor('provisioned by the new leader', () => get(deployment('gatehouse-after-failover')), 30_000);
    expect(standby.output).toContain('leads now');
    // The log line follows the last write of the apply: wait for it rather than race it.
    await waitFor('the new leader logged it', () => standby!.output.includes(`provisioner: Gateway ${NS}/after-failover: applied`), 10_000);
    gh = standby;
    standby = undefined;
  }, 60_000);

  it("deleting the Gateway deletes them: kube-controller-manager's garbage collector, with Gatehouse stopped", async () => {
    await gh.stop();
    await cluster.kubectl(['delete', 'gateway', '-n', NS, 'web']);
    await waitFor(
      'Deployment, Service, ConfigMap and Secret deleted',
      async () => {
        const left = await Promise.all([
          get(deployment('gatehouse-web')),
          get(core('services', 'gatehouse-web')),
          get(core('configmaps', 'gatehouse-web')),
          get(core('secrets', 'gatehouse-web')),
        ]);
        return left.every((o) => o === undefined);
      },
      60_000,
    );
    expect(await get(deployment('gatehouse-api'))).toBeDefined();
  }, 90_000);
});
