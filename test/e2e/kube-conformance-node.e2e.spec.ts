// The test node (scripts/kube/node/) against a real kube-apiserver and kube-controller-manager, inside a network
// namespace of its own: a Ready Node with a Lease; a Deployment's pods bound and run as local processes, each in its
// own network namespace with its own address on one port, published by the EndpointSlice controller and reached
// through ClusterIP and LoadBalancer addresses; env, fieldRef and ConfigMap/Secret volumes as a container sees them;
// a readiness probe gating Ready and the endpoint; restarts; an image it cannot run left Pending with an event; a
// deleted pod stopped, its address freed and its object removed.
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { BUILD_SCRIPT, BUILD_TIMEOUT_MS, describeInNetworkNamespace, inNetworkNamespace, startCluster, type Cluster } from '../harness/kube.js';
import { NODE_CONTROLLERS, podLog, startNode, type TestNode } from '../harness/node.js';
import { request, waitFor } from '../harness/peers.js';

const NS = 'node-test';
const ECHO = 'registry.k8s.io/gateway-api/conformance/echo-basic:v0.1.0';
const yaml = (...objects: unknown[]) => objects.map((o) => stringify(o)).join('---\n');

interface PodObj {
  metadata: { name: string; uid: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status: {
    phase?: string;
    podIP?: string;
    hostIP?: string;
    conditions?: Array<{ type: string; status: string }>;
    containerStatuses?: Array<{
      name: string;
      ready: boolean;
      restartCount: number;
      state: Record<string, { reason?: string; message?: string }>;
      lastState: { terminated?: { exitCode: number } };
    }>;
  };
}
interface Slice {
  endpoints?: Array<{ addresses: string[]; conditions?: { ready?: boolean } }>;
  ports?: Array<{ port: number }>;
}

// echo-basic is built outside the namespace (a new namespace reaches no module proxy): once, then one cached line.
if (!inNetworkNamespace()) {
  describe("echo-basic, the image the node runs for the suite's backends", () => {
    it(
      'is built (scripts/kube/build.sh echo-basic)',
      async () => {
        await promisify(execFile)('bash', [BUILD_SCRIPT, 'echo-basic'], { timeout: BUILD_TIMEOUT_MS, maxBuffer: 16 << 20 });
      },
      BUILD_TIMEOUT_MS + 60_000,
    );
  });
}

describeInNetworkNamespace('The test node runs pods as local processes', fileURLToPath(import.meta.url), () => {
  let cluster: Cluster;
  let node: TestNode;
  const apply = (...objects: unknown[]) =>
    cluster.kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager', 'test', '-f', '-'], { input: yaml(...objects) });
  const pods = async (selector: string) =>
    ((await cluster.api('GET', `/api/v1/namespaces/${NS}/pods?labelSelector=${encodeURIComponent(selector)}`)).json as { items: PodObj[] }).items;
  const pod = async (name: string) => {
    const r = await cluster.api('GET', `/api/v1/namespaces/${NS}/pods/${name}`);
    return r.status === 200 ? (r.json as PodObj) : undefined;
  };
  const ready = (p: PodObj | undefined) => p?.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const deployment = (name: string, replicas: number, podSpec: Record<string, unknown>) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec } },
  });
  const echoEnv = [
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
  ];

  beforeAll(async () => {
    cluster = await startCluster({ controllers: NODE_CONTROLLERS });
    node = await startNode(cluster);
    await cluster.kubectl(['create', 'namespace', NS]);
  }, 120_000);

  afterAll(async () => {
    await node?.stop('SIGTERM', 15_000);
    await cluster?.stop();
  });

  it('registers a Ready Node and keeps its Lease', async () => {
    const n = (await cluster.api('GET', `/api/v1/nodes/${node.nodeName}`)).json as {
      spec: { podCIDR: string };
      status: { conditions: Array<{ type: string; status: string }>; addresses: Array<{ type: string; address: string }> };
    };
    expect(n.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(n.spec.podCIDR).toBe(node.podCidr);
    expect(n.status.addresses).toEqual([{ type: 'InternalIP', address: node.nodeIP }]);
    const lease = (await cluster.api('GET', `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node.nodeName}`)).json as {
      spec: { holderIdentity: string; renewTime: string };
    };
    expect(lease.spec.holderIdentity).toBe(node.nodeName);
    expect(Date.now() - Date.parse(lease.spec.renewTime)).toBeLessThan(30_000);
  });

  it('runs a Deployment: pods on one port at their own addresses, published as endpoints, reached by ClusterIP and LoadBalancer', async () => {
    await apply(deployment('echo', 2, { containers: [{ name: 'echo', image: ECHO, env: echoEnv }] }), {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'echo', namespace: NS },
      spec: { type: 'LoadBalancer', selector: { app: 'echo' }, ports: [{ name: 'http', port: 80, targetPort: 3000 }] },
    });
    const running = await waitFor(
      'two Ready echo pods',
      async () => {
        const ps = await pods('app=echo');
        return ps.length === 2 && ps.every(ready) ? ps : undefined;
      },
      60_000,
    );
    const ips = running.map((p) => p.status.podIP!);
    expect(new Set(ips).size).toBe(2);
    for (const p of running) {
      expect(p.spec.nodeName).toBe(node.nodeName);
      expect(p.status.hostIP).toBe(node.nodeIP);
      expect(p.status.phase).toBe('Running');
      // Each pod answers on its own address, port 3000, with its own name (env from the downward API).
      const r = await request(`http://${p.status.podIP}:3000/hello`, { timeoutMs: 3000 });
      expect(r.json).toMatchObject({ pod: p.metadata.name, namespace: NS, path: '/hello' });
    }
    const slice = await waitFor(
      'an EndpointSlice with both pods ready',
      async () => {
        const list = (await cluster.api('GET', `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Decho`))
          .json as { items: Slice[] };
        const s = list.items[0];
        const addrs = (s?.endpoints ?? [])
          .filter((e) => e.conditions?.ready)
          .flatMap((e) => e.addresses)
          .sort();
        return addrs.join() === [...ips].sort().join() ? s : undefined;
      },
      30_000,
    );
    expect(slice.ports?.[0]?.port).toBe(3000);
    const svc = await waitFor(
      'a LoadBalancer address',
      async () => {
        const s = (await cluster.api('GET', `/api/v1/namespaces/${NS}/services/echo`)).json as {
          spec: { clusterIP: string };
          status: { loadBalancer?: { ingress?: Array<{ ip: string }> } };
        };
        return s.status.loadBalancer?.ingress?.[0]?.ip ? s : undefined;
      },
      20_000,
    );
    const lb = svc.status.loadBalancer!.ingress![0]!.ip;
    expect(lb.startsWith('10.244.2.')).toBe(true);
    for (const address of [lb, svc.spec.clusterIP]) {
      const seen = new Set<string>();
      await waitFor(
        `both pods behind ${address}:80`,
        async () => {
          const r = await request(`http://${address}/`, { timeoutMs: 3000, headers: { connection: 'close' } }).catch(() => undefined);
          if (r?.status === 200) seen.add((r.json as { pod: string }).pod);
          return seen.size === 2;
        },
        30_000,
        20,
      );
    }
  });

  it('gives containers their env (fieldRef, ConfigMap and Secret keys, $(VAR)) and ConfigMap/Secret volumes at their mount paths', async () => {
    await apply(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: NS }, data: { greeting: 'hello', 'app.conf': 'listen 80\n' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec', namespace: NS }, stringData: { token: 's3cret' } },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'env', namespace: NS, labels: { app: 'env', tier: 'test' } },
        spec: {
          containers: [
            {
              name: 'main',
              image: 'busybox:1.36',
              command: [
                'sh',
                '-c',
                'echo "name=$POD_NAME ns=$NAMESPACE ip=$POD_IP node=$NODE tier=$TIER greeting=$GREETING token=$TOKEN both=$BOTH"; cat /etc/app/app.conf /etc/secret/token; echo; cat /etc/info/labels; echo; sleep 3600',
              ],
              env: [
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
                { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                { name: 'TIER', valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier']" } } },
                { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'greeting' } } },
                { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'sec', key: 'token' } } },
                { name: 'BOTH', value: '$(GREETING)-$(POD_NAME)' },
              ],
              volumeMounts: [
                { name: 'app', mountPath: '/etc/app' },
                { name: 'secret', mountPath: '/etc/secret' },
                { name: 'info', mountPath: '/etc/info' },
              ],
            },
          ],
          volumes: [
            { name: 'app', configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'app.conf' }] } },
            { name: 'secret', secret: { secretName: 'sec' } },
            { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
          ],
        },
      },
    );
    const p = await waitFor('pod env running', async () => ((await pod('env'))?.status.phase === 'Running' ? pod('env') : undefined), 30_000);
    const out = await waitFor(
      'its output',
      () => (/tier=/.test(podLog(node, NS, 'env', 'main')) && podLog(node, NS, 'env', 'main').includes('app=') ? podLog(node, NS, 'env', 'main') : undefined),
      20_000,
    );
    expect(out).toContain(`name=env ns=${NS} ip=${p!.status.podIP} node=${node.nodeName} tier=test greeting=hello token=s3cret both=hello-env`);
    expect(out).toContain('listen 80\ns3cret');
    expect(out).toContain('app="env"\ntier="test"');
  });

  it('serves container logs through the API (kubectl logs: tail, since, timestamps, previous run)', async () => {
    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'talker', namespace: NS },
      spec: {
        containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three; sleep 1; exit 1'] }],
      },
    });
    const logs = (args: string[] = []) => cluster.kubectl(['logs', '-n', NS, 'talker', ...args], { allowFailure: true }).then((r) => r.stdout);
    await waitFor('a restarted talker', async () => ((await pod('talker'))?.status.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 30_000);
    await waitFor("the current run's output", async () => (await logs()) === 'one\ntwo\nthree\n', 20_000);
    expect(await logs(['--tail', '1'])).toBe('three\n');
    expect(await logs(['--previous'])).toBe('one\ntwo\nthree\n');
    expect(await logs(['--since', '1h', '--timestamps'])).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z one\n/);
    expect(await logs(['--since-time', new Date(Date.now() + 3_600_000).toISOString()])).toBe('');
  });

  it('honours a readiness probe: Running but not Ready, no ready endpoint, until the probe passes', async () => {
    await apply(
      deployment('late', 1, {
        containers: [
          {
            name: 'main',
            image: 'busybox',
            command: ['sh', '-c', 'sleep 4; echo ok > /work/ready; sleep 3600'],
            readinessProbe: { exec: { command: ['cat', '/work/ready'] }, periodSeconds: 1, failureThreshold: 1 },
            volumeMounts: [{ name: 'work', mountPath: '/work' }],
          },
        ],
        volumes: [{ name: 'work', emptyDir: {} }],
      }),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'late', namespace: NS },
        spec: { selector: { app: 'late' }, ports: [{ port: 80, targetPort: 8080 }] },
      },
    );
    const running = await waitFor('the pod running', async () => (await pods('app=late')).find((p) => p.status.phase === 'Running'), 30_000);
    expect(ready(running)).toBe(false);
    const sliceReady = async () => {
      const list = (await cluster.api('GET', `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dlate`))
        .json as { items: Slice[] };
      return list.items.flatMap((s) => s.endpoints ?? []).map((e) => e.conditions?.ready);
    };
    await waitFor('a not-ready endpoint', async () => (await sliceReady()).join() === 'false', 20_000);
    await waitFor('Ready after the probe passes', async () => ready((await pods('app=late'))[0]), 30_000);
    await waitFor('a ready endpoint', async () => (await sliceReady()).join() === 'true', 20_000);
  });

  it('restarts a container that exits, counting restarts and keeping its last state', async () => {
    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'crash', namespace: NS },
      spec: { containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'sleep 0.3; exit 3'] }] },
    });
    const p = await waitFor(
      'a restart',
      async () => {
        const x = await pod('crash');
        return (x?.status.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? x : undefined;
      },
      30_000,
    );
    expect(p.status.containerStatuses![0]!.lastState.terminated?.exitCode).toBe(3);
  });

  it('leaves a pod whose image it cannot run Pending, with an event that says so', async () => {
    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'unknown', namespace: NS },
      spec: { containers: [{ name: 'web', image: 'docker.io/library/nginx:1.27' }] },
    });
    const p = await waitFor(
      'a waiting container',
      async () => {
        const x = await pod('unknown');
        return x?.status.containerStatuses?.[0]?.state['waiting'] ? x : undefined;
      },
      20_000,
    );
    expect(p.status.phase).toBe('Pending');
    expect(p.status.containerStatuses![0]!.state['waiting']).toMatchObject({ reason: 'ErrImagePull' });
    const events = (await cluster.api('GET', `/api/v1/namespaces/${NS}/events?fieldSelector=${encodeURIComponent('involvedObject.name=unknown')}`)).json as {
      items: Array<{ type: string; reason: string; message: string }>;
    };
    expect(events.items.find((e) => e.reason === 'Failed')).toMatchObject({
      type: 'Warning',
      message: expect.stringContaining('"docker.io/library/nginx:1.27" is not mapped to a local program on this test node'),
    });
  });

  it('stops a deleted pod: its address stops answering, its processes (orphans too) end, the object is removed', async () => {
    const [victim] = await pods('app=echo');
    const ip = victim!.status.podIP!;
    await cluster.kubectl(['delete', 'pod', '-n', NS, victim!.metadata.name, '--wait=false']);
    await waitFor('the pod object gone', async () => (await pod(victim!.metadata.name)) === undefined, 30_000);
    await expect(request(`http://${ip}:3000/`, { timeoutMs: 1500 })).rejects.toThrow();
    // Processes a container left behind go with the pod too.
    const marker = `${3000 + Math.floor(Math.random() * 600)}.123`;
    const sleeping = () =>
      readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .some((p) => {
          try {
            return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ').trim() === `sleep ${marker}`;
          } catch {
            return false;
          }
        });
    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'orphans', namespace: NS },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', `sleep ${marker} & sleep 3600`] }] },
    });
    await waitFor('its background process', sleeping, 20_000);
    await cluster.kubectl(['delete', 'pod', '-n', NS, 'orphans', '--wait=false']);
    await waitFor('the pod object gone', async () => (await pod('orphans')) === undefined, 30_000);
    expect(sleeping()).toBe(false);
    // The ReplicaSet replaces it, and the node runs the replacement.
    await waitFor(
      'two Ready echo pods again',
      async () => {
        const ps = await pods('app=echo');
        return ps.length === 2 && ps.every(ready);
      },
      60_000,
    );
  });
});
