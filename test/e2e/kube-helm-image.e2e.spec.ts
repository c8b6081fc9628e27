// The image the chart deploys, run as the chart's pod would run it — without a kubelet or a container engine: `make
// image`'s build (cached by content; scripts/image/build.sh), checked with skopeo, installed with helm pinned by its
// digest, then its entrypoint started over the unpacked, read-only rootfs as the image's non-root user, with exactly
// the Deployment's arguments and environment, emptyDirs for the data dir and /tmp, and the chart's ServiceAccount
// token mounted where a pod has it (in-cluster configuration). It becomes ready and does its job: status, the leader
// Lease, provisioning. Needs root (mmdebstrap, umoci unpack, mount namespaces).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { tempDir } from '../harness/config.js';
import { HELM, run, startCluster, type Cluster } from '../harness/kube.js';
import { freePort, ROOT, startProcess, waitFor, type Proc } from '../harness/peers.js';

const GW = 'gateway.networking.k8s.io';
const NS = 'gatehouse-system';
const CACHE = process.env['GATEHOUSE_IMAGE_CACHE'] || join(homedir(), '.cache/gatehouse/image');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const IMAGE = `${join(CACHE, 'oci')}:${VERSION}`;

interface Container {
  image: string;
  args: string[];
  env: Array<{ name: string; value?: string }>;
}

describe('The image, run as the chart runs it (read-only root, non-root, in-cluster ServiceAccount)', () => {
  let cluster: Cluster;
  let pod: Proc | undefined;
  let digest: string;
  const dir = tempDir('kube-helm-image');
  const helmEnv = {
    ...process.env,
    HELM_CACHE_HOME: join(dir, 'helm/cache'),
    HELM_CONFIG_HOME: join(dir, 'helm/config'),
    HELM_DATA_HOME: join(dir, 'helm/data'),
  };
  const get = async (path: string) => {
    const r = await cluster.api('GET', path);
    return r.status === 200
      ? (r.json as {
          metadata: { name: string };
          spec?: Record<string, unknown>;
          data?: Record<string, string>;
          status?: { conditions?: Array<{ type: string; status: string }> };
        })
      : undefined;
  };

  beforeAll(async () => {
    // make image (the build is cached by content: an unchanged tree rebuilds nothing; the smoke test is this file).
    execFileSync('bash', [join(ROOT, 'scripts/image/build.sh')], {
      env: { ...process.env, GATEHOUSE_IMAGE_SKIP_SMOKE: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 600_000,
    });
    digest = readFileSync(join(CACHE, `${VERSION}.digest`), 'utf8').trim();
    cluster = await startCluster({ gatewayApi: true });
  }, 660_000);

  afterAll(async () => {
    await pod?.stop('SIGTERM', 10_000);
    await cluster?.stop();
  });

  it('skopeo inspects it: the digest make image printed, a non-root user, the gatehouse entrypoint', async () => {
    const inspect = JSON.parse(execFileSync('skopeo', ['inspect', `oci:${IMAGE}`], { encoding: 'utf8' })) as { Digest: string; Layers: string[] };
    expect(inspect.Digest).toBe(digest);
    expect(inspect.Layers).toHaveLength(2);
    const config = JSON.parse(execFileSync('skopeo', ['inspect', '--config', `oci:${IMAGE}`], { encoding: 'utf8' })) as {
      config: { User: string; Entrypoint: string[] };
    };
    expect(config.config.User).toBe('65532:65532');
    expect(config.config.Entrypoint).toEqual(['/usr/local/bin/node', '--max-semi-space-size=64', '/app/apps/cli/dist/main.js']);
  });

  it("starts as the chart's pod with the chart's ServiceAccount, becomes ready and does its job", async () => {
    await run(
      HELM,
      [
        'install',
        'gatehouse',
        join(ROOT, 'charts/gatehouse'),
        '-n',
        NS,
        '--create-namespace',
        '--kubeconfig',
        cluster.kubeconfig,
        '--set',
        `image.tag=${VERSION}`,
        '--set',
        `image.digest=${digest}`,
      ],
      { env: helmEnv, timeoutMs: 120_000 },
    ).then((r) => expect(r.code, r.stderr).toBe(0));
    const manifest = (await run(HELM, ['get', 'manifest', 'gatehouse', '-n', NS, '--kubeconfig', cluster.kubeconfig], { env: helmEnv })).stdout;
    const deployment = parseAllDocuments(manifest)
      .map((d) => d.toJSON() as { kind: string; spec: { template: { spec: { containers: Container[] } } } })
      .find((m) => m?.kind === 'Deployment')!;
    const container = deployment.spec.template.spec.containers[0]!;
    expect(container.image).toBe(`gatehouse:${VERSION}@${digest}`);

    // What the kubelet would give the pod: the ServiceAccount token, CA and namespace; its env; the image's rootfs.
    const sa = join(dir, 'serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), await cluster.serviceAccountToken(NS, 'gatehouse'));
    writeFileSync(join(sa, 'ca.crt'), cluster.ca);
    writeFileSync(join(sa, 'namespace'), NS);
    execFileSync('chmod', ['-R', 'a+rX', sa]);
    execFileSync('umoci', ['unpack', '--image', IMAGE, join(dir, 'bundle')], { stdio: 'pipe' });
    const imageConfig = JSON.parse(readFileSync(join(dir, 'bundle/config.json'), 'utf8')) as {
      process: { user: { uid: number; gid: number }; env: string[]; args: string[] };
    };
    const adminToken = Buffer.from((await get(`/api/v1/namespaces/${NS}/secrets/gatehouse-admin-token`))!.data!['token']!, 'base64').toString();
    const adminPort = await freePort();
    const xdsPort = await freePort();
    // The pod's own ports would be 9091 and 9977; on this shared machine the process takes free ones.
    const args = container.args.map((a) => a.replace(/^--admin-port=\d+$/, `--admin-port=${adminPort}`).replace(/^--xds-port=\d+$/, `--xds-port=${xdsPort}`));
    const env = [
      ...imageConfig.process.env,
      `POD_NAMESPACE=${NS}`,
      `GATEHOUSE_ADMIN_TOKEN=${adminToken}`,
      'KUBERNETES_SERVICE_HOST=127.0.0.1',
      `KUBERNETES_SERVICE_PORT=${cluster.port}`,
    ];
    expect(container.env.map((e) => e.name)).toEqual(['POD_NAMESPACE', 'GATEHOUSE_ADMIN_TOKEN']);
    const entrypoint = imageConfig.process.args.filter((a) => a !== '--help');
    pod = startProcess('gatehouse-image', 'bash', [
      join(ROOT, 'scripts/image/run-rootfs.sh'),
      join(dir, 'bundle/rootfs'),
      `${imageConfig.process.user.uid}:${imageConfig.process.user.gid}`,
      '--mount',
      `${sa}:/var/run/secrets/kubernetes.io/serviceaccount`,
      ...env.flatMap((e) => ['--env', e]),
      '--',
      ...entrypoint,
      ...args,
    ]);
    await waitFor(
      '/readyz of the image',
      async () => {
        if (pod!.exited) throw new Error(`the image's entrypoint exited (${pod!.code}):\n${pod!.output}`);
        return (await fetch(`http://127.0.0.1:${adminPort}/readyz`)).ok;
      },
      60_000,
    );
    expect(pod.output).toContain(`config from the Kubernetes API at https://127.0.0.1:${cluster.port}`);
    // /api needs the chart's admin token (the admin API binds beyond loopback in the pod).
    expect((await fetch(`http://127.0.0.1:${adminPort}/api/v1/resources`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${adminPort}/api/v1/resources`, { headers: { authorization: `Bearer ${adminToken}` } })).status).toBe(200);

    await waitFor(
      'GatewayClass gatehouse Accepted',
      async () => (await get(`/apis/${GW}/v1/gatewayclasses/gatehouse`))?.status?.conditions?.some((c) => c.type === 'Accepted' && c.status === 'True'),
      30_000,
    );
    await cluster.kubectl(['apply', '--server-side', '-f', '-'], {
      input: stringify({
        apiVersion: `${GW}/v1`,
        kind: 'Gateway',
        metadata: { name: 'edge', namespace: 'default' },
        spec: { gatewayClassName: 'gatehouse', listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] },
      }),
    });
    await waitFor('the Envoy Deployment provisioned by the image', () => get('/apis/apps/v1/namespaces/default/deployments/gatehouse-edge'), 30_000);
    expect((await get(`/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/gatehouse-leader`))?.spec?.['holderIdentity']).toBeTruthy();
  }, 120_000);

  it('stops on SIGTERM as a kubelet stops it: the leader hands its Lease back', async () => {
    await pod!.stop('SIGTERM', 15_000);
    await waitFor(
      'the Lease released',
      async () => !(await get(`/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/gatehouse-leader`))?.spec?.['holderIdentity'],
      15_000,
    );
  }, 30_000);
});
