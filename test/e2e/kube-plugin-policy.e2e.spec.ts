// A plugin-owned policy kind in Kubernetes mode, on a real kube-apiserver with a real Envoy, inside a network namespace
// of its own: Gatehouse starts with the plugin before its CRD is installed (and says how to install it), the CRD
// printed by `gatehouse plugin-crds` is applied and picked up, the apiserver refuses an invalid policy with the same
// words Gatehouse uses in standalone mode, the policies shape what Envoy serves, and their status.ancestors are
// written back (Accepted, TargetNotFound).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { tempDir } from '../harness/config.js';
import { addAddress, describeInNetworkNamespace, startCluster, type Cluster } from '../harness/kube.js';
import { CLI, ROOT, request, startBackend, startEnvoy, startGatehouse, waitFor, type Backend, type Envoy, type Gatehouse } from '../harness/peers.js';

const GW = 'gateway.networking.k8s.io/v1';
const PLUGIN = join(ROOT, 'test/fixtures/plugins/header-policy/index.mjs');
const yaml = (...objects: unknown[]) => objects.map((o) => stringify(o)).join('---\n');
type Cond = { type: string; status: string; reason: string; message?: string };
type PolicyStatus = { ancestors?: Array<{ ancestorRef: { name: string }; controllerName: string; conditions: Cond[] }> };

describeInNetworkNamespace('Kubernetes mode: a plugin-owned policy kind', fileURLToPath(import.meta.url), () => {
  let cluster: Cluster, gh: Gatehouse, envoy: Envoy, app: Backend, gwAddress: string;
  const dir = tempDir('kube-plugin-policy');
  const apply = (...objects: unknown[]) => cluster.kubectl(['apply', '--server-side', '--field-manager', 'test', '-f', '-'], { input: yaml(...objects) });
  const policy = (name: string, targetRef: Record<string, string>, headers: Array<Record<string, unknown>>) => ({
    apiVersion: 'policies.example.com/v1alpha1',
    kind: 'HeaderPolicy',
    metadata: { name, namespace: 'default' },
    spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', ...targetRef }], headers },
  });
  const status = async (name: string) =>
    ((await cluster.api('GET', `/apis/policies.example.com/v1alpha1/namespaces/default/headerpolicies/${name}`)).json as { status?: PolicyStatus }).status;
  const get = (path: string) => request(`http://${gwAddress}:8080${path}`, { host: 'app.test', timeoutMs: 3000 });

  beforeAll(async () => {
    cluster = await startCluster({ gatewayApi: true });
    for (const f of readdirSync(join(ROOT, 'charts/gatehouse/crds')))
      await cluster.kubectl(['apply', '--server-side', '-f', join(ROOT, 'charts/gatehouse/crds', f)]);
    gwAddress = addAddress();
    app = await startBackend('app', { host: addAddress() });
    gh = await startGatehouse({
      kubeconfig: cluster.kubeconfig,
      dataDir: join(dir, 'data'),
      args: ['--leader-election-namespace', 'default', '--plugin', PLUGIN],
    });
    envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, workDir: join(dir, 'envoy') });
  });

  afterAll(async () => {
    await envoy?.stop();
    await gh?.stop();
    await app?.close();
    await cluster?.stop();
  });

  it("without the plugin's CRD it starts and says how to install it; the CRD gatehouse plugin-crds prints is applied and watched", async () => {
    await waitFor('the missing CRD reported', () =>
      gh.output.includes(
        'HeaderPolicy (policies.example.com, owned by plugin "header-policy": its CRD is not installed; install it with `gatehouse plugin-crds',
      ),
    );
    const printed = execFileSync(process.execPath, [CLI, 'plugin-crds', '--plugin', PLUGIN], { encoding: 'utf8' });
    const crds = printed.split(/^---$/m).map((d) => parse(d) as { metadata: { name: string } });
    expect(crds.map((c) => c.metadata.name)).toContain('headerpolicies.policies.example.com');
    await cluster.kubectl(['apply', '--server-side', '-f', '-'], { input: printed });
    await cluster.kubectl(['wait', '--for', 'condition=Established', '--timeout', '60s', 'crd/headerpolicies.policies.example.com']);
    // Looked for again every 30 s.
    await waitFor(
      'HeaderPolicy watched',
      () => gh.output.includes('kubernetes: HeaderPolicy is served now (policies.example.com/v1alpha1): watching it'),
      45_000,
    );
  }, 90_000);

  it('the apiserver refuses an invalid policy with the words Gatehouse uses in standalone mode', async () => {
    const r = await cluster.kubectl(['apply', '-f', '-'], {
      input: yaml(policy('bad', { kind: 'Gateway', name: 'gw' }, [{ name: 'x-envoy-a', value: '1' }])),
      allowFailure: true,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('spec: Invalid value: "object": headers starting with x-envoy- are Envoy\'s own');
  });

  it('the policies shape what Envoy serves, and their ancestors are written to status', async () => {
    await apply(
      { apiVersion: GW, kind: 'GatewayClass', metadata: { name: 'gatehouse' }, spec: { controllerName: 'gatehouse.dev/gateway-controller' } },
      {
        apiVersion: GW,
        kind: 'Gateway',
        metadata: { name: 'gw', namespace: 'default' },
        spec: {
          gatewayClassName: 'gatehouse',
          addresses: [{ type: 'IPAddress', value: gwAddress }],
          listeners: [{ name: 'http', protocol: 'HTTP', port: 8080 }],
        },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'app', namespace: 'default' }, spec: { ports: [{ name: 'p', port: 80 }] } },
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'app-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'app' } },
        addressType: 'IPv4',
        ports: [{ name: 'p', port: app.port }],
        endpoints: [{ addresses: [app.host], conditions: { ready: true } }],
      },
      {
        apiVersion: GW,
        kind: 'HTTPRoute',
        metadata: { name: 'app', namespace: 'default' },
        spec: {
          parentRefs: [{ name: 'gw' }],
          hostnames: ['app.test'],
          rules: [
            { name: 'special', matches: [{ path: { type: 'PathPrefix', value: '/special' } }], backendRefs: [{ name: 'app', port: 80 }] },
            { name: 'plain', backendRefs: [{ name: 'app', port: 80 }] },
          ],
        },
      },
      policy('on-gateway', { kind: 'Gateway', name: 'gw' }, [{ name: 'x-policy', value: 'gateway' }]),
      policy('on-rule', { kind: 'HTTPRoute', name: 'app', sectionName: 'special' }, [{ name: 'x-policy', value: 'rule' }]),
      policy('nowhere', { kind: 'Gateway', name: 'missing' }, [{ name: 'x-policy', value: 'never' }]),
    );
    await waitFor('the Gateway policy served', async () => (await get('/').catch(() => undefined))?.headers['x-policy'] === 'gateway', 30_000);
    expect((await get('/special/1')).headers['x-policy']).toBe('rule');
    await waitFor(
      'policy status written',
      async () => (await status('nowhere'))?.ancestors?.length === 1 && (await status('on-rule'))?.ancestors?.length === 1,
      30_000,
    );
    for (const name of ['on-gateway', 'on-rule']) {
      expect((await status(name))?.ancestors).toEqual([
        {
          ancestorRef: expect.objectContaining({ kind: 'Gateway', namespace: 'default', name: 'gw' }),
          controllerName: 'gatehouse.dev/gateway-controller',
          conditions: [expect.objectContaining({ type: 'Accepted', status: 'True', reason: 'Accepted' })],
        },
      ]);
    }
    expect((await status('nowhere'))?.ancestors?.[0]).toMatchObject({
      ancestorRef: { name: 'missing' },
      conditions: [
        {
          type: 'Accepted',
          status: 'False',
          reason: 'TargetNotFound',
          message: 'spec.targetRefs[0]: Gateway default/missing not found (or not a Gateway Gatehouse serves)',
        },
      ],
    });
  }, 90_000);
});
