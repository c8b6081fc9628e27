// `make dev-cluster`: a real local Kubernetes control plane for a person (etcd, kube-apiserver with RBAC,
// kube-controller-manager, the Gateway API CRDs of the experimental channel), running until Ctrl-C.
// Data and the kubeconfig live in .gatehouse/dev-cluster/ and are removed on stop (every start is a fresh cluster).
// DEV_CLUSTER_PORT=N picks the apiserver port (default 6443, or a free one when 6443 is taken);
// DEV_CLUSTER_CHANNEL=standard applies the standard channel instead.
import { rmSync } from 'node:fs';
import net from 'node:net';
import { join, relative } from 'node:path';
import { ROOT } from '../lib/peers.mjs';
import { HELM, KUBECTL, VERSIONS, ensureBuilt, startCluster } from './cluster.mjs';
import { inNetworkNamespace } from './netns.mjs';

const dir = join(ROOT, '.gatehouse/dev-cluster');
const channel = process.env.DEV_CLUSTER_CHANNEL || 'experimental';
const shown = (p) => (relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p));

const portFree = (port) => new Promise((resolve) => {
  const srv = net.createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
});

let stopping = false;
/** Errors of the components while the cluster runs, marked with their name (klog's E/F lines; etcd logs JSON). */
const notable = (component, line) => (!stopping && /^[EF]\d{4} |"level":"(error|fatal|panic)"/.test(line) ? `${component} | ${line}` : undefined);

await ensureBuilt({ components: ['kube', 'helm', 'gateway-api'] });
rmSync(dir, { recursive: true, force: true }); // a cluster left by a killed run
const wanted = Number(process.env.DEV_CLUSTER_PORT || 6443);
const port = (await portFree(wanted)) ? wanted : undefined;
if (!port) console.log(`Port ${wanted} is taken: the apiserver gets a free port instead.`);

let cluster;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping kube-controller-manager, kube-apiserver and etcd, removing the cluster data...');
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
  console.log('Stopped.');
  process.exit(code);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

try {
  const started = Date.now();
  cluster = await startCluster({ dir, port, gatewayApi: channel, echo: notable });
  const { stdout: version } = await cluster.kubectl(['version']);
  const kubeconfig = shown(cluster.kubeconfig);
  console.log(`
A local Kubernetes control plane is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s):

  kube-apiserver  ${cluster.server}  (RBAC on; admin token in the kubeconfig, group system:masters)
  etcd            ${cluster.etcd}
  controllers     kube-controller-manager: garbagecollector, namespace, serviceaccount, serviceaccount-token, endpointslice
  Gateway API     ${VERSIONS.GATEWAY_API_VERSION} CRDs, ${channel} channel (${cluster.gatewayApiCrds.length} CRDs)
  kubeconfig      ${kubeconfig}
  logs            ${shown(join(dir, 'logs'))}/

${version.trim().split('\n').map((l) => `  ${l}`).join('\n')}

Try it (kubectl ${VERSIONS.KUBE_VERSION} and helm ${VERSIONS.HELM_VERSION} were built beside it):

  export KUBECONFIG=${cluster.kubeconfig}
  ${shown(KUBECTL)} --kubeconfig ${kubeconfig} get gatewayclasses
  ${shown(KUBECTL)} --kubeconfig ${kubeconfig} api-resources --api-group gateway.networking.k8s.io
  ${shown(HELM)} --kubeconfig ${kubeconfig} list -A

No kubelet runs: write EndpointSlices for selector-less Services yourself. The apiserver refuses loopback endpoint
addresses${inNetworkNamespace() ? ' (this namespace gives you 10.244.0.0/24 on br0 for backends)' : ': run everything inside "scripts/kube/in-netns.sh bash" to get private addresses for backends'}.
Ctrl-C stops the cluster and removes its data.
`);
} catch (err) {
  console.error(`dev-cluster: ${err.message}`);
  await shutdown(1);
}
