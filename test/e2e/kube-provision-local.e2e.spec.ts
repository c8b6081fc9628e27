// Provisioning in local mode (--provision local) against a real kube-apiserver, in a network namespace of its own:
// Gatehouse writes each Gateway's bootstrap ConfigMap and xDS client Secret to the cluster and runs the Gateway's
// Envoy as a process on this machine from exactly those bytes; it reports the Envoy's address in status.addresses and
// serves real traffic through it (mTLS xDS); a deleted Gateway's Envoy is stopped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { tempDir } from '../harness/config.js';
import { addAddress, describeInNetworkNamespace, startCluster, type Cluster } from '../harness/kube.js';
import { request, startBackend, startGatehouse, waitFor, type Backend, type Gatehouse } from '../harness/peers.js';

const GW = 'gateway.networking.k8s.io';
const yaml = (...objects: unknown[]) => objects.map((o) => stringify(o)).join('---\n');

interface Obj {
  data?: Record<string, string>;
  status?: { addresses?: Array<{ type: string; value: string }>; conditions?: Array<{ type: string; status: string }> };
}

describeInNetworkNamespace('Provisioning in local mode: the Envoy runs on this machine', fileURLToPath(import.meta.url), () => {
  let cluster: Cluster;
  let gh: Gatehouse;
  let backend: Backend;
  let pinned: string;
  const dir = tempDir('kube-provision-local');
  const apply = (...objects: unknown[]) =>
    cluster.kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager', 'test', '-f', '-'], { input: yaml(...objects) });
  const get = async (path: string): Promise<Obj | undefined> => {
    const r = await cluster.api('GET', path);
    return r.status === 200 ? (r.json as Obj) : undefined;
  };
  const gateway = (name: string, port: number, addresses?: string) => ({
    apiVersion: `${GW}/v1`,
    kind: 'Gateway',
    metadata: { name, namespace: 'default' },
    spec: {
      gatewayClassName: 'gatehouse',
      ...(addresses ? { addresses: [{ type: 'IPAddress', value: addresses }] } : {}),
      listeners: [{ name: 'http', protocol: 'HTTP', port }],
    },
  });
  const route = (name: string, parent: string, host: string) => ({
    apiVersion: `${GW}/v1`,
    kind: 'HTTPRoute',
    metadata: { name, namespace: 'default' },
    spec: { parentRefs: [{ name: parent }], hostnames: [host], rules: [{ backendRefs: [{ name: 'echo', port: 80 }] }] },
  });

  beforeAll(async () => {
    cluster = await startCluster({ gatewayApi: true });
    backend = await startBackend('echo', { host: addAddress() });
    pinned = addAddress();
    gh = await startGatehouse({
      kubeconfig: cluster.kubeconfig,
      dataDir: join(dir, 'data'),
      args: ['--leader-election-namespace', 'default', '--xds-tls', '--provision', 'local'],
    });
    await apply(
      { apiVersion: `${GW}/v1`, kind: 'GatewayClass', metadata: { name: 'gatehouse' }, spec: { controllerName: 'gatehouse.dev/gateway-controller' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'echo', namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } },
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'echo-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'echo' } },
        addressType: 'IPv4',
        ports: [{ name: 'http', port: backend.port, protocol: 'TCP' }],
        endpoints: [{ addresses: [backend.host], conditions: { ready: true } }],
      },
      gateway('local', 18080),
      route('local', 'local', 'local.example.com'),
      gateway('pinned', 18081, pinned),
      route('pinned', 'pinned', 'pinned.example.com'),
    );
  }, 120_000);

  afterAll(async () => {
    await gh?.stop();
    await backend?.close();
    await cluster?.stop();
  });

  it('serves traffic through the local Envoy it started, and reports its loopback address', async () => {
    await waitFor(
      'traffic through the local Envoy',
      async () => (await request('http://127.0.0.1:18080/', { host: 'local.example.com', timeoutMs: 2000 })).backend === 'echo',
      30_000,
    );
    await waitFor('status.addresses: loopback', async () => (await get(`/apis/${GW}/v1/namespaces/default/gateways/local`))?.status?.addresses?.length, 20_000);
    expect((await get(`/apis/${GW}/v1/namespaces/default/gateways/local`))!.status!.addresses).toEqual([{ type: 'IPAddress', value: '127.0.0.1' }]);
  });

  it('runs exactly the bootstrap in the ConfigMap, with the credential from the Secret (mTLS xDS)', async () => {
    const cm = (await get('/api/v1/namespaces/default/configmaps/gatehouse-local'))!;
    const secret = (await get('/api/v1/namespaces/default/secrets/gatehouse-local'))!;
    const envoyDir = join(dir, 'data/local-envoys/default_local');
    expect(readFileSync(join(envoyDir, 'bootstrap.json'), 'utf8')).toBe(cm.data!['bootstrap.json']);
    expect(readFileSync(join(envoyDir, 'xds-tls/tls.key'), 'utf8')).toBe(Buffer.from(secret.data!['tls.key']!, 'base64').toString());
    expect(cm.data!['bootstrap.json']).not.toContain('PRIVATE KEY');
    expect(gh.output).toContain('local Envoy for gateway default/local started');
    // The proxy was admitted over mTLS as its own Gateway (the identity its client certificate names).
    const proxies = (await (await fetch(`${gh.admin}/api/v1/proxies`)).json()) as { items: Array<{ nodeGroup: string; identity?: string }> };
    expect(proxies.items.filter((p) => p.nodeGroup === 'default/local').map((p) => p.identity)).toEqual(['default/local']);
  });

  it('a Gateway with spec.addresses is served and reported there', async () => {
    await waitFor(
      'traffic at the pinned address',
      async () => (await request(`http://${pinned}:18081/`, { host: 'pinned.example.com', timeoutMs: 2000 })).backend === 'echo',
      30_000,
    );
    await waitFor(
      'status.addresses: the pinned address',
      async () => (await get(`/apis/${GW}/v1/namespaces/default/gateways/pinned`))?.status?.addresses?.[0]?.value === pinned,
      20_000,
    );
  });

  it("a deleted Gateway's local Envoy is stopped", async () => {
    await cluster.kubectl(['delete', 'gateway', '-n', 'default', 'pinned']);
    await waitFor('the pinned Envoy stopped', async () => gh.output.includes('local Envoy for gateway default/pinned stopped'), 20_000);
    await expect(request(`http://${pinned}:18081/`, { host: 'pinned.example.com', timeoutMs: 1000 })).rejects.toThrow();
    expect((await request('http://127.0.0.1:18080/', { host: 'local.example.com' })).backend).toBe('echo');
  });
});
