// `make dev-cluster`: a real local Kubernetes control plane for a person (etcd, kube-apiserver with RBAC,
// kube-controller-manager, the Gateway API CRDs of the experimental channel) and a test node that runs pods as local
// processes (scripts/kube/node/), running until Ctrl-C. Data and the kubeconfig live in .gatehouse/dev-cluster/ and are
// removed on stop (every start is a fresh cluster).
//
// The cluster and its pods live in a network namespace of their own (scripts/kube/in-netns.sh: pods get addresses on
// a private bridge, LoadBalancer Services addresses from 10.244.2.0/24), so the machine's network is never touched.
// kube-apiserver stays reachable from the machine at https://127.0.0.1:<port> through a Unix socket, so kubectl works
// from any terminal; `scripts/kube/node/dev-shell.sh` opens a shell inside the namespace to curl pods and Services.
//
// DEV_CLUSTER_PORT=N picks the apiserver port (default 6443, or a free one when 6443 is taken);
// DEV_CLUSTER_CHANNEL=standard applies the standard channel instead.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../lib/peers.mjs';
import { BUILD_SCRIPT, HELM, KUBECTL, VERSIONS, startCluster } from './cluster.mjs';
import { inNetworkNamespace } from './netns.mjs';
import { LB_CIDR, NODE_CONTROLLERS, POD_CIDR, startNode } from './node/start-node.mjs';
import { tcpToUnix, unixToTcp } from './node/socket-bridge.mjs';

const dir = join(ROOT, '.gatehouse/dev-cluster');
const socket = join(dir, 'apiserver.sock');
const channel = process.env.DEV_CLUSTER_CHANNEL || 'experimental';
const shown = (p) => (relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p));

const portFree = (port) =>
  new Promise((resolve) => {
    const srv = net
      .createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

/** On the machine: build, bridge the apiserver port, and run the cluster inside a private namespace. */
async function outside() {
  const build = spawn('bash', [BUILD_SCRIPT, 'kube', 'helm', 'gateway-api', 'echo-basic'], { stdio: 'inherit' });
  if ((await new Promise((r) => build.on('close', r))) !== 0) process.exit(1);
  rmSync(dir, { recursive: true, force: true }); // a cluster left by a killed run
  mkdirSync(dir, { recursive: true });
  const wanted = Number(process.env.DEV_CLUSTER_PORT || 6443);
  let port = wanted;
  if (!(await portFree(wanted))) {
    const srv = net.createServer();
    await new Promise((r) => srv.listen(0, '127.0.0.1', r));
    port = srv.address().port;
    await new Promise((r) => srv.close(r));
    console.log(`Port ${wanted} is taken: the apiserver gets port ${port} instead.`);
  }
  const bridge = await tcpToUnix('127.0.0.1', port, socket);
  const child = spawn('bash', [join(ROOT, 'scripts/kube/in-netns.sh'), process.execPath, fileURLToPath(import.meta.url)], {
    stdio: 'inherit',
    env: { ...process.env, GATEHOUSE_KUBE_SKIP_BUILD: '1', DEV_CLUSTER_PORT: String(port), DEV_CLUSTER_SOCKET: socket },
  });
  // Ctrl-C reaches the child from the terminal; a SIGTERM to this process is passed on.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  const code = await new Promise((r) => child.on('close', (c) => r(c ?? 1)));
  bridge.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}

/** Inside the namespace: cluster, node, the socket end of the apiserver bridge. */
async function inside() {
  let stopping = false;
  /** Errors of the components while the cluster runs, marked with their name (klog's E/F lines; etcd logs JSON). */
  const notable = (component, line) => (!stopping && /^[EF]\d{4} |"level":"(error|fatal|panic)"/.test(line) ? `${component} | ${line}` : undefined);
  const bridged = !!process.env.DEV_CLUSTER_SOCKET;
  if (!bridged) rmSync(dir, { recursive: true, force: true });
  const port = Number(process.env.DEV_CLUSTER_PORT || 6443);
  let cluster;
  let node;
  async function shutdown(code) {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the node (its pods), kube-controller-manager, kube-apiserver and etcd, removing the cluster data...');
    await node?.stop('SIGTERM', 15_000);
    await cluster?.stop();
    rmSync(join(dir, 'cluster'), { recursive: true, force: true });
    console.log('Stopped.');
    process.exit(code);
  }
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));
  try {
    const started = Date.now();
    cluster = await startCluster({ dir: join(dir, 'cluster'), port, gatewayApi: channel, echo: notable, controllers: NODE_CONTROLLERS });
    node = await startNode(cluster, { echo: (line) => (!stopping && / (failed|refus|error)/i.test(line) ? `gatehouse-node | ${line}` : undefined) });
    if (bridged) await unixToTcp(process.env.DEV_CLUSTER_SOCKET, '127.0.0.1', port);
    writeFileSync(join(dir, 'netns.pid'), `${process.pid}\n`);
    const { stdout: version } = await cluster.kubectl(['version']);
    const kubeconfig = shown(cluster.kubeconfig);
    const k = `${shown(KUBECTL)} --kubeconfig ${kubeconfig}`;
    console.log(`
A local Kubernetes cluster is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s):

  kube-apiserver  ${cluster.server}  (RBAC on; admin token in the kubeconfig, group system:masters)
  etcd            ${cluster.etcd}
  controllers     kube-controller-manager: ${NODE_CONTROLLERS.join(', ')}
  node            ${node.nodeName} (${node.nodeIP}): pods as local processes, pod IPs from ${POD_CIDR}, LoadBalancer IPs from ${LB_CIDR}
  Gateway API     ${VERSIONS.GATEWAY_API_VERSION} CRDs, ${channel} channel (${cluster.gatewayApiCrds.length} CRDs)
  kubeconfig      ${kubeconfig}
  logs            ${shown(join(dir, 'cluster/logs'))}/ (a pod's output: ${shown(join(node.dir, 'pods'))}/<ns>_<pod>_<uid>/logs/)

${version
  .trim()
  .split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}

Try it (kubectl ${VERSIONS.KUBE_VERSION} and helm ${VERSIONS.HELM_VERSION} were built beside it):

  export KUBECONFIG=${cluster.kubeconfig}
  ${k} create deployment echo --image=registry.k8s.io/gateway-api/conformance/echo-basic:v0.1.0 --replicas=2
  ${k} expose deployment echo --type=LoadBalancer --port=80 --target-port=3000
  ${k} get pods,endpointslices,services -o wide
  ${bridged ? "scripts/kube/node/dev-shell.sh curl -s http://<EXTERNAL-IP of echo>/   (a shell inside the cluster's network namespace: scripts/kube/node/dev-shell.sh)" : 'curl -s http://<EXTERNAL-IP of echo>/'}
  ${shown(HELM)} --kubeconfig ${kubeconfig} list -A

The node runs the images it maps to local programs (echo-basic, Envoy, busybox tools; scripts/kube/node/images.ts);
another image leaves its pod Pending with an event saying why.
Ctrl-C stops the cluster and removes its data.
`);
  } catch (err) {
    console.error(`dev-cluster: ${err.message}`);
    await shutdown(1);
  }
}

if (inNetworkNamespace()) await inside();
else await outside();
