// The Helm chart (charts/gatehouse) with the real helm v3.22 against a real kube-apiserver + kube-controller-manager:
// lint; install into a cluster without the Gateway API CRDs (gatewayAPI.installCRDs=true brings them); `helm template |
// kubectl apply --dry-run=server`; then the controller runs as a local process with exactly the Deployment's arguments
// and the chart's ServiceAccount token (there is no kubelet), and does its whole job — watch, status, leader Lease,
// shared xDS CA, provisioning — while a call outside its RBAC is a real 403; upgrade keeps the admin token; uninstall
// removes what Helm installed and leaves CRDs, Gateways and their Envoys.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { STATUS_KINDS, WATCHED_KINDS } from '@gatehouse/kubernetes';
import { tempDir } from '../harness/config.js';
import { HELM, KUBECTL, kubeconfigYaml, run, startCluster, type Cluster } from '../harness/kube.js';
import { ROOT, startGatehouse, waitFor, type Gatehouse } from '../harness/peers.js';

const GW = 'gateway.networking.k8s.io';
const NS = 'gatehouse-system';
const APPS = 'apps';
const CHART = join(ROOT, 'charts/gatehouse');
const yaml = (...objects: unknown[]) => objects.map((o) => stringify(o)).join('---\n');

interface Obj {
  metadata: { name: string; uid?: string; labels?: Record<string, string>; ownerReferences?: Array<{ kind: string; name: string; uid: string }> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  status?: { conditions?: Array<{ type: string; status: string; reason: string }>; parents?: Array<{ conditions: Array<{ type: string; status: string }> }> };
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  spec?: { template?: { spec: { containers: Array<{ args: string[] }> } } };
}

describe('The Helm chart, installed with the real helm; the controller runs with its ServiceAccount', () => {
  let cluster: Cluster;
  let gh: Gatehouse | undefined;
  const dir = tempDir('kube-helm');
  const helmEnv = {
    ...process.env,
    HELM_CACHE_HOME: join(dir, 'helm/cache'),
    HELM_CONFIG_HOME: join(dir, 'helm/config'),
    HELM_DATA_HOME: join(dir, 'helm/data'),
  };
  const helm = async (args: string[], o: { allowFailure?: boolean; input?: string } = {}) => {
    const r = await run(HELM, [...args, ...(args[0] === 'lint' || args[0] === 'template' ? [] : ['--kubeconfig', cluster.kubeconfig])], {
      env: helmEnv,
      timeoutMs: 180_000,
      ...(o.input ? { input: o.input } : {}),
    });
    if (r.code !== 0 && !o.allowFailure) throw new Error(`helm ${args.join(' ')} failed (${r.code}): ${r.stderr || r.stdout}`);
    return r;
  };
  const get = async (path: string, token?: string): Promise<Obj | undefined> => {
    const r = await cluster.api('GET', path, undefined, token ? { token } : {});
    return r.status === 200 ? (r.json as Obj) : undefined;
  };
  const apply = (...objects: unknown[]) => cluster.kubectl(['apply', '--server-side', '--field-manager', 'test', '-f', '-'], { input: yaml(...objects) });
  const manifests = async (): Promise<Manifest[]> =>
    parseAllDocuments((await helm(['get', 'manifest', 'gatehouse', '-n', NS])).stdout)
      .map((d) => d.toJSON() as Manifest)
      .filter(Boolean);
  let saToken: string;

  beforeAll(async () => {
    // A bare cluster: no Gateway API CRDs until the chart installs them.
    cluster = await startCluster({ gatewayApi: false });
    execFileSync(process.execPath, [join(ROOT, 'charts/vendor-gateway-api-crds.mjs')], { stdio: 'pipe' });
  }, 120_000);

  afterAll(async () => {
    await gh?.stop();
    await cluster?.stop();
  });

  it('helm lint passes (strict) with the defaults and the documented variations; an unsafe one is refused', async () => {
    for (const set of [
      [],
      ['--set', 'gatewayAPI.installCRDs=true'],
      ['--set', 'replicaCount=1', '--set', 'database.existingSecret=db', '--set', 'provisioning.enabled=false'],
      ['--set', 'xds.tls.enabled=false', '--set', 'xds.insecure=true'],
      ['--set', 'image.digest=sha256:' + 'a'.repeat(64), '--set', 'gatewayClass.parametersRef.name=tuned'],
    ]) {
      const r = await helm(['lint', '--strict', CHART, ...set]);
      expect(r.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    }
    const unsafe = await helm(['template', 'g', CHART, '--set', 'xds.tls.enabled=false'], { allowFailure: true });
    expect(unsafe.code).not.toBe(0);
    expect(unsafe.stderr).toContain('xds.tls.enabled=false needs xds.insecure=true');
    const pinned = await helm([
      'template',
      'g',
      CHART,
      '--set',
      'image.repository=registry.example.com/gatehouse',
      '--set',
      'image.tag=0.1.0',
      '--set',
      `image.digest=sha256:${'b'.repeat(64)}`,
    ]);
    expect(pinned.stdout).toContain(`image: "registry.example.com/gatehouse:0.1.0@sha256:${'b'.repeat(64)}"`);
  });

  it('the ClusterRole reads every kind Gatehouse watches and patches the status it writes — and nothing broader', async () => {
    type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };
    const rendered = parseAllDocuments((await helm(['template', 'g', CHART])).stdout).map((d) => d.toJSON() as { kind: string; rules?: Rule[] });
    const rules = rendered.find((m) => m?.kind === 'ClusterRole')!.rules!;
    // As the CRDs spell them (Settings is already plural).
    const plural = (kind: string) =>
      kind === 'Settings'
        ? 'settings'
        : kind
            .toLowerCase()
            .replace(/([^aeiou])y$/, '$1ie')
            .replace(/s$/, 'se') + 's';
    const allows = (group: string, resource: string, verb: string) =>
      rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb) && !r.resourceNames);
    for (const k of WATCHED_KINDS) for (const verb of ['list', 'watch']) expect(allows(k.group, plural(k.kind), verb), `${verb} ${plural(k.kind)}`).toBe(true);
    for (const kind of STATUS_KINDS)
      expect(allows(WATCHED_KINDS.find((k) => k.kind === kind)!.group, `${plural(kind)}/status`, 'patch'), `patch ${plural(kind)}/status`).toBe(true);
    const flat = rules.flatMap((r) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${res}`)));
    expect(flat.filter((x) => x.includes('*'))).toEqual([]);
    for (const spec of ['gateways', 'httproutes', 'gatewayclasses', 'pods', 'nodes'])
      expect(
        flat.filter((x) => /^(create|update|patch|delete) /.test(x) && x.endsWith(` ${spec}`)),
        spec,
      ).toEqual([]);
  });

  it('helm install into a cluster without the Gateway API CRDs: gatewayAPI.installCRDs=true brings them', async () => {
    expect((await cluster.api('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gateways.${GW}`)).status).toBe(404);
    await helm(['install', 'gatehouse', CHART, '-n', NS, '--create-namespace', '--set', 'gatewayAPI.installCRDs=true', '--set', 'image.tag=e2e']);
    for (const crd of [`gateways.${GW}`, `httproutes.${GW}`, 'gatewayparameters.gatehouse.dev', 'upstreams.gatehouse.dev']) {
      expect((await cluster.api('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd}`)).status, crd).toBe(200);
    }
    const kinds = (await manifests()).map((m) => `${m.kind}/${m.metadata.name}`).sort();
    expect(kinds).toEqual([
      'ClusterRole/gatehouse',
      'ClusterRoleBinding/gatehouse',
      'Deployment/gatehouse',
      'GatewayClass/gatehouse',
      'PodDisruptionBudget/gatehouse',
      'Role/gatehouse',
      'RoleBinding/gatehouse',
      'Secret/gatehouse-admin-token',
      'Service/gatehouse-admin',
      'Service/gatehouse-xds',
      'ServiceAccount/gatehouse',
    ]);
  }, 180_000);

  it('helm template | kubectl apply --dry-run=server is accepted by the apiserver', async () => {
    const rendered = (await helm(['template', 'gatehouse', CHART, '-n', NS, '--include-crds'])).stdout;
    const r = await run(KUBECTL, ['--kubeconfig', cluster.kubeconfig, 'apply', '--dry-run=server', '-f', '-'], { input: rendered, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('deployment.apps/gatehouse');
    expect(r.stdout).toContain('(server dry run)');
  });

  it("the controller, run with the Deployment's arguments and the chart's ServiceAccount token, does its whole job", async () => {
    saToken = await cluster.serviceAccountToken(NS, 'gatehouse');
    const kubeconfig = join(dir, 'sa.kubeconfig');
    writeFileSync(kubeconfig, kubeconfigYaml({ server: cluster.server, ca: cluster.ca, token: saToken, user: `system:serviceaccount:${NS}:gatehouse` }), {
      mode: 0o600,
    });
    const deployment = (await manifests()).find((m) => m.kind === 'Deployment')!;
    // Exactly the pod's arguments, but for what a local process must own: its data dir, ports and log level.
    const args = deployment.spec!.template!.spec.containers[0]!.args.filter((a) => a !== 'serve' && !/^--(data-dir|xds-port|admin-port|log-level)=/.test(a));
    expect(args).toEqual(
      expect.arrayContaining([
        '--xds-tls',
        '--xds-address=0.0.0.0',
        '--provision=kubernetes',
        `--provision-xds-address=gatehouse-xds.${NS}.svc.cluster.local:9977`,
        `--xds-ca-secret=gatehouse-xds-ca`,
        `--leader-election-namespace=${NS}`,
      ]),
    );
    const adminToken = Buffer.from((await get(`/api/v1/namespaces/${NS}/secrets/gatehouse-admin-token`))!.data!['token']!, 'base64').toString();
    mkdirSync(join(dir, 'data'), { recursive: true });
    gh = await startGatehouse({ kubeconfig, dataDir: join(dir, 'data'), args, env: { POD_NAMESPACE: NS, GATEHOUSE_ADMIN_TOKEN: adminToken } });

    // Status: the chart's GatewayClass is accepted.
    await waitFor(
      'GatewayClass gatehouse Accepted',
      async () => (await get(`/apis/${GW}/v1/gatewayclasses/gatehouse`))?.status?.conditions?.some((c) => c.type === 'Accepted' && c.status === 'True'),
      30_000,
    );
    // Leader election and the shared xDS CA, in its own namespace.
    await waitFor(
      'the leader Lease',
      async () =>
        ((await get(`/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/gatehouse-leader`))?.spec as { holderIdentity?: string } | undefined)?.holderIdentity,
    );
    expect(await get(`/api/v1/namespaces/${NS}/secrets/gatehouse-xds-ca`)).toBeDefined();

    // Watch + status + provisioning for a Gateway and a route in another namespace.
    await cluster.kubectl(['create', 'namespace', APPS]);
    await apply(
      {
        apiVersion: `${GW}/v1`,
        kind: 'Gateway',
        metadata: { name: 'edge', namespace: APPS },
        spec: { gatewayClassName: 'gatehouse', listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'app', namespace: APPS }, spec: { ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] } },
      {
        apiVersion: `${GW}/v1`,
        kind: 'HTTPRoute',
        metadata: { name: 'app', namespace: APPS },
        spec: { parentRefs: [{ name: 'edge' }], hostnames: ['app.example.com'], rules: [{ backendRefs: [{ name: 'app', port: 8080 }] }] },
      },
    );
    await waitFor(
      'Gateway edge Programmed',
      async () =>
        (await get(`/apis/${GW}/v1/namespaces/${APPS}/gateways/edge`))?.status?.conditions?.some((c) => c.type === 'Programmed' && c.status === 'True'),
      30_000,
    );
    await waitFor(
      'HTTPRoute app Accepted',
      async () =>
        (await get(`/apis/${GW}/v1/namespaces/${APPS}/httproutes/app`))?.status?.parents?.[0]?.conditions.some(
          (c) => c.type === 'Accepted' && c.status === 'True',
        ),
      30_000,
    );
    const d = await waitFor('the Envoy Deployment for edge', () => get(`/apis/apps/v1/namespaces/${APPS}/deployments/gatehouse-edge`), 30_000);
    const uid = (await get(`/apis/${GW}/v1/namespaces/${APPS}/gateways/edge`))!.metadata.uid;
    expect(d.metadata.labels).toMatchObject({ [`${GW}/gateway-name`]: 'edge' });
    expect(d.metadata.ownerReferences).toMatchObject([{ kind: 'Gateway', name: 'edge', uid }]);
    for (const kind of ['services', 'configmaps', 'secrets']) expect(await get(`/api/v1/namespaces/${APPS}/${kind}/gatehouse-edge`), kind).toBeDefined();
    const cm = (await get(`/api/v1/namespaces/${APPS}/configmaps/gatehouse-edge`))!;
    expect(cm.data!['bootstrap.json']).toContain(`"address": "gatehouse-xds.${NS}.svc.cluster.local"`);
    expect(gh.output).not.toMatch(/forbidden|403/i);
  }, 120_000);

  it('a call outside its RBAC is denied with a real 403', async () => {
    const as = { token: saToken };
    const denied = async (method: string, path: string, body?: unknown, contentType?: string) => {
      const r = await cluster.api(method, path, body, { ...as, ...(contentType ? { contentType } : {}) });
      expect(r.status, `${method} ${path}: ${r.text.slice(0, 200)}`).toBe(403);
      expect((r.json as { reason: string }).reason).toBe('Forbidden');
    };
    await denied('GET', '/api/v1/pods');
    await denied('GET', '/api/v1/nodes');
    // Routes and Gateways: status only, never their spec.
    await denied('PATCH', `/apis/${GW}/v1/namespaces/${APPS}/httproutes/app`, { spec: { hostnames: ['evil.example.com'] } }, 'application/merge-patch+json');
    await denied('DELETE', `/apis/${GW}/v1/namespaces/${APPS}/gateways/edge`);
    // Leases only in its own namespace.
    await denied('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases', {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'x' },
      spec: {},
    });
    await denied('DELETE', `/api/v1/namespaces/${APPS}`);
    // And what it may do, it can: read what it watches, write a route's status.
    expect((await cluster.api('GET', `/apis/${GW}/v1/namespaces/${APPS}/httproutes/app`, undefined, as)).status).toBe(200);
    const can = await run(
      KUBECTL,
      [
        '--kubeconfig',
        cluster.kubeconfig,
        '--token',
        saToken,
        'auth',
        'can-i',
        'patch',
        'httproutes.gateway.networking.k8s.io',
        '--subresource=status',
        '-n',
        APPS,
      ],
      { timeoutMs: 30_000 },
    );
    expect(can.stdout.trim()).toBe('yes');
    const cannot = await run(
      KUBECTL,
      ['--kubeconfig', cluster.kubeconfig, '--token', saToken, 'auth', 'can-i', 'patch', 'httproutes.gateway.networking.k8s.io', '-n', APPS],
      { timeoutMs: 30_000 },
    );
    expect(cannot.stdout.trim()).toBe('no');
  });

  it('helm upgrade changes the Deployment and keeps the admin token', async () => {
    const before = (await get(`/api/v1/namespaces/${NS}/secrets/gatehouse-admin-token`))!.data!['token'];
    await helm(['upgrade', 'gatehouse', CHART, '-n', NS, '--reuse-values', '--set', 'logLevel=debug']);
    const d = (await manifests()).find((m) => m.kind === 'Deployment')!;
    expect(d.spec!.template!.spec.containers[0]!.args).toContain('--log-level=debug');
    expect((await get(`/api/v1/namespaces/${NS}/secrets/gatehouse-admin-token`))!.data!['token']).toBe(before);
  }, 120_000);

  it('helm uninstall removes what Helm installed; CRDs, Gateways, their Envoys and the runtime xDS CA stay', async () => {
    await gh?.stop();
    gh = undefined;
    await helm(['uninstall', 'gatehouse', '-n', NS]);
    expect(await get(`/apis/apps/v1/namespaces/${NS}/deployments/gatehouse`)).toBeUndefined();
    expect(await get(`/api/v1/namespaces/${NS}/serviceaccounts/gatehouse`)).toBeUndefined();
    expect(await get('/apis/rbac.authorization.k8s.io/v1/clusterroles/gatehouse')).toBeUndefined();
    expect(await get(`/apis/${GW}/v1/gatewayclasses/gatehouse`)).toBeUndefined();
    for (const crd of [`gateways.${GW}`, 'gatewayparameters.gatehouse.dev'])
      expect((await cluster.api('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd}`)).status, crd).toBe(200);
    expect(await get(`/apis/${GW}/v1/namespaces/${APPS}/gateways/edge`)).toBeDefined();
    expect(await get(`/apis/apps/v1/namespaces/${APPS}/deployments/gatehouse-edge`)).toBeDefined();
    expect(await get(`/api/v1/namespaces/${NS}/secrets/gatehouse-xds-ca`)).toBeDefined();
  }, 120_000);
});
