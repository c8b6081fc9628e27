// Discovery in Kubernetes mode against a real kube-apiserver (+ etcd, kube-controller-manager) and a real Envoy, in a
// network namespace of its own: Service ports become Upstream custom resources (server-side applied, labelled
// gatehouse.dev/discovered-by, owned by the Service) that Envoy is served from and that a user can add fields to
// which survive rediscovery; a Service's deletion deletes them; OpenAPI functions are applied into spec.functions
// beside a hand-written one, with status.discovery written through the status subresource; AWS Lambda functions from
// moto with a Secret read from the API; discovery errors land on the Upstream's status.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { tempDir } from '../harness/config.js';
import { addAddress, describeInNetworkNamespace, startCluster, type Cluster } from '../harness/kube.js';
import { startMoto, type Moto } from '../harness/moto.js';
import { openApi3Document, startOpenApiService, type OpenApiService } from '../harness/openapi-services.js';
import { ROOT, request, startBackend, startEnvoy, startGatehouse, waitFor, type Backend, type Envoy, type Gatehouse } from '../harness/peers.js';

const GW = 'gateway.networking.k8s.io';
const yaml = (...objects: unknown[]) => objects.map((o) => stringify(o)).join('---\n');
type Upstream = {
  metadata: { labels?: Record<string, string>; ownerReferences?: Array<{ kind: string; name: string }>; managedFields?: Array<{ manager: string }> };
  spec: Record<string, unknown> & { functions?: Array<{ name: string }> };
  status?: { discovery?: Record<string, { state: string; functions?: number; error?: { code: string; line?: number } }> };
};

describeInNetworkNamespace('discovery in Kubernetes mode', fileURLToPath(import.meta.url), () => {
  let cluster: Cluster;
  let gh: Gatehouse;
  let envoy: Envoy;
  let web: Backend;
  let pets: OpenApiService;
  let moto: Moto;
  let gwAddress: string;
  const dir = tempDir('kube-discovery');
  const apply = (manager: string, ...objects: unknown[]) =>
    cluster.kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager', manager, '-f', '-'], { input: yaml(...objects) });
  const upstream = async (name: string): Promise<Upstream | undefined> => {
    const r = await cluster.api('GET', `/apis/gatehouse.dev/v1alpha1/namespaces/default/upstreams/${name}`);
    return r.status === 200 ? (r.json as Upstream) : undefined;
  };
  const service = (name: string, labels: Record<string, string>, ports: number[]) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', labels },
    spec: { ports: ports.map((p) => ({ name: `p${p}`, port: p, protocol: 'TCP' })) },
  });

  beforeAll(async () => {
    cluster = await startCluster({ gatewayApi: true });
    await cluster.kubectl(['apply', '--server-side', '-f', join(ROOT, 'charts/gatehouse/crds')]);
    gwAddress = addAddress();
    web = await startBackend('web', { host: addAddress() });
    pets = await startOpenApiService('pets', { host: addAddress(), docPath: '/openapi.json', doc: openApi3Document() });
    moto = await startMoto();
    await moto.createFunctions(['alpha', 'beta']);
    await apply(
      'test',
      { apiVersion: `${GW}/v1`, kind: 'GatewayClass', metadata: { name: 'gatehouse' }, spec: { controllerName: 'gatehouse.dev/gateway-controller' } },
      {
        apiVersion: `${GW}/v1`,
        kind: 'Gateway',
        metadata: { name: 'gw', namespace: 'default' },
        spec: {
          gatewayClassName: 'gatehouse',
          addresses: [{ type: 'IPAddress', value: gwAddress }],
          listeners: [{ name: 'http', protocol: 'HTTP', port: 8080 }],
        },
      },
      service('web', { app: 'web', 'gatehouse.dev/discovery': 'enabled' }, [80, 8080]),
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        ports: [{ name: 'p80', port: web.port, protocol: 'TCP' }],
        endpoints: [{ addresses: [web.host], conditions: { ready: true } }],
      },
      service('other', { app: 'other' }, [80]),
      {
        apiVersion: `${GW}/v1`,
        kind: 'HTTPRoute',
        metadata: { name: 'web', namespace: 'default' },
        spec: {
          parentRefs: [{ name: 'gw' }],
          hostnames: ['web.test'],
          rules: [{ backendRefs: [{ group: 'gatehouse.dev', kind: 'Upstream', name: 'web-80' }] }],
        },
      },
      {
        apiVersion: 'gatehouse.dev/v1alpha1',
        kind: 'Upstream',
        metadata: { name: 'pets', namespace: 'default' },
        spec: {
          static: { hosts: [{ address: pets.host, port: pets.port }] },
          openapi: {},
          functions: [{ name: 'handWritten', http: { method: 'GET', path: '/pets' } }],
        },
      },
      {
        apiVersion: 'gatehouse.dev/v1alpha1',
        kind: 'Upstream',
        metadata: { name: 'broken', namespace: 'default' },
        spec: {
          static: { hosts: [{ address: pets.host, port: pets.port }] },
          openapi: { document: '{"openapi": "3.0.3",\n "info": {"title": "x", "version": "1"},\n "paths": {,}\n}' },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'aws', namespace: 'default' },
        type: 'Opaque',
        stringData: { aws_access_key_id: moto.accessKeyId, aws_secret_access_key: moto.secretAccessKey },
      },
      {
        apiVersion: 'gatehouse.dev/v1alpha1',
        kind: 'Upstream',
        metadata: { name: 'lambdas', namespace: 'default' },
        spec: { aws: { region: 'us-east-1', endpoint: moto.endpoint, secretRef: { name: 'aws' } } },
      },
    );
    gh = await startGatehouse({
      kubeconfig: cluster.kubeconfig,
      dataDir: join(dir, 'gh'),
      args: [
        '--leader-election-namespace',
        'default',
        '--discovery',
        'kubernetes,openapi,aws-lambda',
        '--discovery-interval',
        '1s',
        '--discovery-backoff',
        '1s',
      ],
    });
    envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, workDir: join(dir, 'envoy') });
  }, 300_000);

  afterAll(async () => {
    await envoy?.stop();
    await gh?.stop();
    await moto?.stop();
    await pets?.close();
    await web?.close();
    await cluster?.stop();
  });

  it('each port of an opted-in Service becomes an Upstream resource, labelled and owned, and Envoy is served from it', async () => {
    const u = await waitFor('Upstream web-80', () => upstream('web-80'), 30_000, 200);
    expect(u.metadata.labels).toEqual({ app: 'web', 'gatehouse.dev/discovery': 'enabled', 'gatehouse.dev/discovered-by': 'kubernetes' });
    expect(u.metadata.ownerReferences).toMatchObject([{ kind: 'Service', name: 'web' }]);
    expect(u.spec).toEqual({ kube: { serviceName: 'web', servicePort: 80 } });
    expect(u.metadata.managedFields?.map((m) => m.manager)).toContain('gatehouse-discovery-kubernetes');
    // Each port's Upstream is applied on its own: wait for the second too.
    expect(await waitFor('Upstream web-8080', () => upstream('web-8080'), 30_000, 200)).toBeDefined();
    expect(await upstream('other-80')).toBeUndefined();
    const r = await waitFor(
      'traffic through web-80',
      async () => {
        const x = await request(`http://${gwAddress}:8080/x`, { host: 'web.test', timeoutMs: 2000 });
        return x.status === 200 ? x : undefined;
      },
      30_000,
      200,
    );
    expect(JSON.parse(r.text)).toMatchObject({ backend: 'web' });
  }, 90_000);

  it('fields a user adds survive rediscovery; discovery keeps what it owns up to date', async () => {
    await apply('someone', {
      apiVersion: 'gatehouse.dev/v1alpha1',
      kind: 'Upstream',
      metadata: { name: 'web-80', namespace: 'default', labels: { team: 'a' } },
      spec: { connectTimeout: '2s' },
    });
    // Rediscovery with a change to what discovery owns: the Service's labels.
    await apply('test', service('web', { app: 'web', tier: 'front', 'gatehouse.dev/discovery': 'enabled' }, [80, 8080]));
    const u = await waitFor(
      'the new label on web-80',
      async () => {
        const x = await upstream('web-80');
        return x?.metadata.labels?.['tier'] === 'front' ? x : undefined;
      },
      30_000,
      200,
    );
    expect(u.metadata.labels).toMatchObject({ team: 'a', tier: 'front', 'gatehouse.dev/discovered-by': 'kubernetes' });
    expect(u.spec).toEqual({ kube: { serviceName: 'web', servicePort: 80 }, connectTimeout: '2s' });
  }, 60_000);

  it('OpenAPI functions are applied beside hand-written ones, with the status on the status subresource', async () => {
    const u = await waitFor(
      'pets functions',
      async () => {
        const x = await upstream('pets');
        return (x?.spec.functions?.length ?? 0) === 5 ? x : undefined;
      },
      30_000,
      200,
    );
    expect(u.spec.functions!.map((f) => f.name).sort()).toEqual(['DELETE /pets/{petId}', 'createPet', 'getPet', 'handWritten', 'listPets']);
    expect(u.status?.discovery?.['openapi']).toMatchObject({ state: 'Discovered', functions: 4 });
    const b = await waitFor(
      'the broken document on status',
      async () => {
        const x = await upstream('broken');
        return x?.status?.discovery?.['openapi']?.state === 'Failed' ? x : undefined;
      },
      30_000,
      200,
    );
    expect(b.status!.discovery!['openapi']!.error).toMatchObject({ code: 'InvalidDocument', line: 3 });
    // A function the document drops is dropped; the hand-written one stays.
    pets.setDocument(openApi3Document({}));
    const doc = openApi3Document() as { paths: Record<string, Record<string, unknown>> };
    delete doc.paths['/pets/{petId}']!['delete'];
    pets.setDocument(doc);
    const after = await waitFor(
      'DELETE gone',
      async () => {
        const x = await upstream('pets');
        return x && !x.spec.functions?.some((f) => f.name.startsWith('DELETE')) ? x : undefined;
      },
      30_000,
      200,
    );
    expect(after.spec.functions!.map((f) => f.name).sort()).toEqual(['createPet', 'getPet', 'handWritten', 'listPets']);
  }, 90_000);

  it('Lambda functions with credentials from a Secret read from the API', async () => {
    const u = await waitFor(
      'lambdas functions',
      async () => {
        const x = await upstream('lambdas');
        return (x?.spec.functions?.length ?? 0) === 2 ? x : undefined;
      },
      30_000,
      200,
    );
    expect(u.spec.functions!.map((f) => f.name)).toEqual(['alpha', 'beta']);
    expect(u.status?.discovery?.['aws-lambda']).toMatchObject({ state: 'Discovered', functions: 2 });
    const listed = (await (await fetch(`${gh.admin}/api/v1/upstreams`)).json()) as { items: Array<{ name: string; functions: unknown[] }> };
    expect(listed.items.find((i) => i.name === 'lambdas')?.functions).toHaveLength(2);
  }, 60_000);

  it("a Service's deletion deletes its Upstreams", async () => {
    await cluster.kubectl(['delete', 'service', 'web', '-n', 'default']);
    await waitFor('web-80 and web-8080 gone', async () => !(await upstream('web-80')) && !(await upstream('web-8080')), 30_000, 200);
  }, 60_000);
});
