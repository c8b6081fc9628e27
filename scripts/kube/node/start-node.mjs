// Starting the test node next to a cluster of scripts/kube/cluster.mjs (for make dev-cluster, make conformance and
// the e2e tests; typed by start-node.d.mts). The agent is TypeScript that Node 24 runs as is (main.ts).
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONTROLLERS } from '../cluster.mjs';
import { startProcess, waitFor } from '../../lib/peers.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
export const NODE_MAIN = join(HERE, 'main.ts');
/** The pin of scripts/kube/build.sh echo-basic (and main.ts). */
export const ECHO_BASIC_VERSION = 'v0.1.0';
export const ECHO_BASIC = join(process.env.GATEHOUSE_CACHE || join(homedir(), '.cache/gatehouse'), `echo-basic-${ECHO_BASIC_VERSION}`, 'bin', 'echo-basic');
export const POD_CIDR = '10.244.1.0/24';
export const LB_CIDR = '10.244.2.0/24';
/** The node's address on the bridge: the pods' gateway, where Gatehouse's xDS is reached from Envoy pods. */
export const NODE_IP = '10.244.1.1';

/**
 * kube-controller-manager's controllers for a cluster with a node: the defaults, plus Deployments and ReplicaSets
 * (the suite's backends are Deployments) and kube-root-ca.crt per namespace (service account token volumes mount it).
 */
export const NODE_CONTROLLERS = [...DEFAULT_CONTROLLERS, 'deployment', 'replicaset', 'root-ca-cert-publisher'];

/**
 * Starts the agent for `cluster` (inside scripts/kube/in-netns.sh) and resolves once its Node is Ready.
 * Options: dir (its files; default under cluster.dir), name, echo (true, or (line) => string | undefined), logFile.
 */
export async function startNode(cluster, { dir = join(cluster.dir, 'node'), name = 'gatehouse-node', echo = false, logFile } = {}) {
  if (!existsSync(ECHO_BASIC)) throw new Error(`echo-basic is not built (${ECHO_BASIC}): run scripts/kube/build.sh echo-basic`);
  mkdirSync(dir, { recursive: true });
  const proc = startProcess(
    'gatehouse-node',
    process.execPath,
    [NODE_MAIN, '--kubeconfig', cluster.kubeconfig, '--dir', dir, '--name', name, '--pod-cidr', POD_CIDR, '--lb-cidr', LB_CIDR, '--echo-basic', ECHO_BASIC],
    { echo, logFile: logFile ?? join(cluster.dir, 'logs', 'gatehouse-node.log') },
  );
  await waitFor(
    'the test node to be Ready',
    () => {
      if (proc.exited) throw new Error(`the node agent exited (${proc.code}):\n${proc.output.slice(-4000)}`);
      return proc.output.includes('gatehouse-node: Ready');
    },
    60_000,
  );
  return Object.assign(proc, { nodeName: name, nodeIP: NODE_IP, podCidr: POD_CIDR, lbCidr: LB_CIDR, dir });
}
