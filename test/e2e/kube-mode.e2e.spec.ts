// Kubernetes mode against a real kube-apiserver (with etcd and kube-controller-manager) and a real Envoy, inside a
// network namespace of its own (the apiserver refuses loopback endpoint addresses, so backends and the Gateway get
// private addresses on a bridge there): kubectl apply → traffic → status as the spec says; a route change, a delete,
// an endpoint change through EDS alone, a certificate rotation, an apiserver restart, and a leader killed.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { tempDir } from '../harness/config.js';
import { addAddress, describeInNetworkNamespace, startCluster, type Cluster } from '../harness/kube.js';
import { ROOT, request, startBackend, startEnvoy, startGatehouse, waitFor, type Backend, type Envoy, type Gatehouse } from '../harness/peers.js';
import { startPostgres, type Postgres } from '../harness/postgres.js';
import { fixtureCert, httpsGet } from '../harness/tls.js';

const GW = 'gateway.networking.k8s.io';
const yaml = (...objects: unknown[]) => objects.map((o) => stringify(o)).join('---\n');

describeInNetworkNamespace('Kubernetes mode', fileURLToPath(import.meta.url), () => {
  let cluster: Cluster;
  let gh: Gatehouse;
  let standby: Gatehouse | undefined;
  let pg: Postgres | undefined;
  let envoy: Envoy;
  let blue: Backend, green: Backend;
  let gwAddress: string;
  const dir = tempDir('kube-mode');
  const apply = (...objects: unknown[]) =>
    cluster.kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager', 'test', '-f', '-'], { input: yaml(...objects) });
  const get = async <T>(path: string) => (await cluster.api('GET', path)).json as T;
  const http = (host: string, path = '/') => request(`http://${gwAddress}:8080${path}`, { host, timeoutMs: 3000 });

  const slice = (name: string, backends: Backend[]) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${name}-1`, namespace: 'default', labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: backends[0]!.port, protocol: 'TCP' }],
    endpoints: backends.map((b) => ({ addresses: [b.host], conditions: { ready: true } })),
  });
  const service = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
  });
  const route = (name: string, host: string, backend: string, generationNote = '') => ({
    apiVersion: `${GW}/v1`,
    kind: 'HTTPRoute',
    metadata: { name, namespace: 'default', ...(generationNote ? { annotations: { note: generationNote } } : {}) },
    spec: { parentRefs: [{ name: 'gw', sectionName: 'http' }], hostnames: [host], rules: [{ backendRefs: [{ name: backend, port: 80 }] }] },
  });
  const tls = (host: string) => {
    const { crt, key } = fixtureCert(host);
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'cert', namespace: 'default' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': Buffer.from(crt).toString('base64'), 'tls.key': Buffer.from(key).toString('base64') },
    };
  };

  beforeAll(async () => {
    cluster = await startCluster({ gatewayApi: true });
    for (const f of readdirSync(join(ROOT, 'charts/gatehouse/crds')))
      await cluster.kubectl(['apply', '--server-side', '-f', join(ROOT, 'charts/gatehouse/crds', f)]);
    gwAddress = addAddress();
    blue = await startBackend('blue', { host: addAddress() });
    green = await startBackend('green', { host: addAddress() });
    gh = await startGatehouse({ kubeconfig: cluster.kubeconfig, dataDir: join(dir, 'a'), args: ['--leader-election-namespace', 'default'] });
    envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, workDir: join(dir, 'envoy') });
    await apply(
      { apiVersion: `${GW}/v1`, kind: 'GatewayClass', metadata: { name: 'gatehouse' }, spec: { controllerName: 'gatehouse.dev/gateway-controller' } },
      tls('secure.test'),
      {
        apiVersion: `${GW}/v1`,
        kind: 'Gateway',
        metadata: { name: 'gw', namespace: 'default' },
        spec: {
          gatewayClassName: 'gatehouse',
          addresses: [{ type: 'IPAddress', value: gwAddress }],
          listeners: [
            { name: 'http', protocol: 'HTTP', port: 8080 },
            { name: 'https', protocol: 'HTTPS', port: 8443, hostname: '*.test', tls: { certificateRefs: [{ name: 'cert' }] } },
          ],
        },
      },
      service('blue'),
      slice('blue', [blue]),
      service('green'),
      slice('green', [green]),
      route('app', 'app.example.com', 'blue'),
    );
  }, 120_000);

  afterAll(async () => {
    await envoy?.stop();
    await standby?.stop();
    pg?.stop();
    await gh?.stop();
    await blue?.close();
    await green?.close();
    await cluster?.stop();
  });

  it('kubectl apply → traffic through Envoy', async () => {
    await waitFor('app served by blue', async () => (await http('app.example.com')).backend === 'blue', 30_000);
  });

  it('writes status as the spec says: GatewayClass, Gateway (addresses, listeners), route parents', async () => {
    type Cond = { type: string; status: string; reason: string; observedGeneration?: number; lastTransitionTime?: string };
    await waitFor(
      'Gateway programmed',
      async () =>
        (await get<{ status?: { conditions?: Cond[] } }>(`/apis/${GW}/v1/namespaces/default/gateways/gw`)).status?.conditions?.some(
          (c) => c.type === 'Programmed' && c.status === 'True',
        ),
      20_000,
    );
    const gc = await get<{ status: { conditions: Cond[] } }>(`/apis/${GW}/v1/gatewayclasses/gatehouse`);
    expect(gc.status.conditions.map((c) => `${c.type}=${c.status}`)).toEqual(expect.arrayContaining(['Accepted=True', 'SupportedVersion=True']));
    const gw = await get<{
      metadata: { generation: number };
      status: {
        addresses: unknown[];
        conditions: Cond[];
        listeners: Array<{ name: string; attachedRoutes: number; conditions: Cond[]; supportedKinds: unknown[] }>;
      };
    }>(`/apis/${GW}/v1/namespaces/default/gateways/gw`);
    expect(gw.status.addresses).toEqual([{ type: 'IPAddress', value: gwAddress }]);
    expect(gw.status.conditions.find((c) => c.type === 'Accepted')).toMatchObject({ status: 'True', observedGeneration: gw.metadata.generation });
    const http = gw.status.listeners.find((l) => l.name === 'http')!;
    expect(http.attachedRoutes).toBe(1);
    expect(http.supportedKinds).toEqual(expect.arrayContaining([{ group: GW, kind: 'HTTPRoute' }]));
    expect(http.conditions.map((c) => `${c.type}=${c.status}`)).toEqual(
      expect.arrayContaining(['Accepted=True', 'ResolvedRefs=True', 'Programmed=True', 'Conflicted=False']),
    );
    await waitFor(
      'route status',
      async () => (await get<{ status?: { parents?: unknown[] } }>(`/apis/${GW}/v1/namespaces/default/httproutes/app`)).status?.parents?.length,
    );
    const r = await get<{
      metadata: { generation: number };
      status: { parents: Array<{ controllerName: string; parentRef: { name: string }; conditions: Cond[] }> };
    }>(`/apis/${GW}/v1/namespaces/default/httproutes/app`);
    expect(r.status.parents).toHaveLength(1);
    expect(r.status.parents[0]).toMatchObject({ controllerName: 'gatehouse.dev/gateway-controller', parentRef: { name: 'gw' } });
    expect(r.status.parents[0]!.conditions.find((c) => c.type === 'Accepted')).toMatchObject({ status: 'True', observedGeneration: r.metadata.generation });
    expect(r.status.parents[0]!.conditions.find((c) => c.type === 'ResolvedRefs')).toMatchObject({ status: 'True' });
  });

  it('writes nothing when nothing changed, and keeps lastTransitionTime', async () => {
    const path = `/apis/${GW}/v1/namespaces/default/httproutes/app`;
    const before = await get<{ metadata: { resourceVersion: string } }>(path);
    // A change elsewhere (a new, unrelated Service) makes a translation; this route's status must stay as it is.
    await apply(service('unrelated'));
    await new Promise((r) => setTimeout(r, 1500));
    const after = await get<{ metadata: { resourceVersion: string } }>(path);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('a route change changes traffic; a bad backend is reported on the route; a delete gives 404', async () => {
    await apply(route('app', 'app.example.com', 'green'));
    await waitFor('app served by green', async () => (await http('app.example.com')).backend === 'green', 20_000);
    await apply(route('app', 'app.example.com', 'missing'));
    await waitFor(
      'ResolvedRefs=False/BackendNotFound',
      async () => {
        const r = await get<{ status?: { parents?: Array<{ conditions: Array<{ type: string; status: string; reason: string }> }> } }>(
          `/apis/${GW}/v1/namespaces/default/httproutes/app`,
        );
        return r.status?.parents?.[0]?.conditions.some((c) => c.type === 'ResolvedRefs' && c.status === 'False' && c.reason === 'BackendNotFound');
      },
      20_000,
    );
    expect((await http('app.example.com')).status).toBe(500);
    await cluster.kubectl(['delete', 'httproute', 'app', '-n', 'default']);
    await waitFor('404 after delete', async () => (await http('app.example.com')).status === 404, 20_000);
    await apply(route('app', 'app.example.com', 'blue'));
    await waitFor('back on blue', async () => (await http('app.example.com')).backend === 'blue', 20_000);
  });

  it('an endpoint change reaches Envoy through EDS alone', async () => {
    const stats = await envoy.stats();
    const cds = stats['cluster_manager.cds.update_success'] ?? 0;
    await apply(slice('blue', [green]));
    await waitFor('blue service now answers from green', async () => (await http('app.example.com')).backend === 'green', 20_000);
    expect((await envoy.stats())['cluster_manager.cds.update_success'] ?? 0).toBe(cds);
    await apply(slice('blue', [blue]));
    await waitFor('and back', async () => (await http('app.example.com')).backend === 'blue', 20_000);
  });

  it('a rotated TLS Secret is served over SDS without a restart', async () => {
    const ca = (host: string) => fixtureCert(host).crt;
    await waitFor(
      'secure.test certificate',
      async () => (await httpsGet(gwAddress, 8443, 'secure.test', '/', ca('secure.test'), false)).peerCN === 'secure.test',
      20_000,
    );
    await apply(tls('other.test'));
    await waitFor(
      'rotated certificate',
      async () => (await httpsGet(gwAddress, 8443, 'secure.test', '/', ca('other.test'), false).catch(() => ({ peerCN: '' }))).peerCN === 'other.test',
      20_000,
    );
    // A broken certificate: the listener says InvalidCertificateRef.
    await apply({
      ...tls('other.test'),
      data: { 'tls.crt': Buffer.from('not a certificate').toString('base64'), 'tls.key': Buffer.from('nope').toString('base64') },
    });
    await waitFor(
      'InvalidCertificateRef on the listener',
      async () => {
        const gw = await get<{ status?: { listeners?: Array<{ name: string; conditions: Array<{ type: string; status: string; reason: string }> }> } }>(
          `/apis/${GW}/v1/namespaces/default/gateways/gw`,
        );
        return gw.status?.listeners
          ?.find((l) => l.name === 'https')
          ?.conditions.some((c) => c.type === 'ResolvedRefs' && c.status === 'False' && c.reason === 'InvalidCertificateRef');
      },
      20_000,
    );
    expect((await http('app.example.com')).backend).toBe('blue');
  });

  it('holds TLS Secrets and Secrets labelled gatehouse.dev/credentials, and no other Secret', async () => {
    const opaque = (name: string, labels: Record<string, string> = {}) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: 'default', labels },
      type: 'Opaque',
      stringData: { accessKeyId: 'AKIA-TEST', secretAccessKey: 'not-for-anyone' },
    });
    await apply(opaque('aws-creds', { 'gatehouse.dev/credentials': 'true' }), opaque('unrelated'));
    const names = async () =>
      ((await (await fetch(`${gh.admin}/api/v1/resources`)).json()) as { items: Array<{ kind: string; name: string }> }).items
        .filter((i) => i.kind === 'Secret')
        .map((i) => i.name)
        .sort();
    await waitFor('labelled credentials held', async () => (await names()).includes('aws-creds'));
    expect(await names()).toEqual(['aws-creds', 'cert']);
    // Unlabelled: no longer held, though it still exists.
    await cluster.kubectl(['label', 'secret', 'aws-creds', '-n', 'default', 'gatehouse.dev/credentials-']);
    await waitFor('dropped once unlabelled', async () => !(await names()).includes('aws-creds'));
    const snapshot = await (await fetch(`${gh.admin}/api/v1/snapshots/default/gw`)).text();
    expect(snapshot).not.toContain('not-for-anyone');
  });

  it('recovers its watches after an apiserver restart and loses nothing', async () => {
    await cluster.stopApiServer();
    expect((await http('app.example.com')).backend).toBe('blue'); // Envoy keeps serving
    await cluster.startApiServer();
    await apply(route('after', 'after.example.com', 'green'));
    await waitFor('a route made after the restart is served', async () => (await http('after.example.com')).backend === 'green', 60_000);
  }, 120_000);

  it('a second replica takes over status within 15 s when the leader is killed; traffic never stops', async () => {
    // The standby keeps its reports in PostgreSQL (as replicas do in HA), for the database outage below.
    pg = await startPostgres();
    standby = await startGatehouse({
      kubeconfig: cluster.kubeconfig,
      dataDir: join(dir, 'b'),
      args: ['--leader-election-namespace', 'default', '--db', await pg.createDatabase('gatehouse')],
    });
    const failures: number[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const r = await http('app.example.com').catch(() => ({ status: 0 }));
        if (r.status !== 200) failures.push(r.status);
        await new Promise((res) => setTimeout(res, 20));
      }
    })();
    const killedAt = Date.now();
    gh.child.kill('SIGKILL');
    await gh.done;
    // Status keeps converging: a new route gets its status from the new leader.
    await apply(route('late', 'late.example.com', 'blue'));
    await waitFor(
      'the standby leads and writes status',
      async () => (await get<{ status?: { parents?: unknown[] } }>(`/apis/${GW}/v1/namespaces/default/httproutes/late`)).status?.parents?.length,
      30_000,
    );
    const took = Date.now() - killedAt;
    probing = false;
    await probe;
    expect(standby.output).toContain('leads now');
    expect(took).toBeLessThan(15_000);
    expect(failures).toEqual([]);
  }, 60_000);

  it('reports go to the database; with the database down, serving and status continue and reports catch up', async () => {
    const admin = standby!.admin;
    const res = (await (await fetch(`${admin}/api/v1/resources`)).json()) as { items: Array<{ kind: string; name: string; state: string }> };
    expect(res.items.find((i) => i.kind === 'HTTPRoute' && i.name === 'app')).toMatchObject({ state: 'accepted' });
    const reported = async (name: string) =>
      ((await (await fetch(`${admin}/api/v1/reports?kind=HTTPRoute&limit=1000`)).json()) as { items?: Array<{ name: string }> }).items?.some(
        (i) => i.name === name,
      );
    await waitFor('reports in PostgreSQL', () => reported('late'));
    pg!.stop('immediate');
    await apply(route('dbdown', 'dbdown.example.com', 'blue'));
    await waitFor(
      'status written while the database is down',
      async () => (await get<{ status?: { parents?: unknown[] } }>(`/apis/${GW}/v1/namespaces/default/httproutes/dbdown`)).status?.parents?.length,
      20_000,
    );
    expect((await http('app.example.com')).backend).toBe('blue');
    expect((await fetch(`${admin}/api/v1/reports`)).status).toBe(503);
    await pg!.start();
    await waitFor('reports catch up', () => reported('dbdown'), 30_000);
  }, 90_000);
});
