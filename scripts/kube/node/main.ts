// gatehouse-node: a test node for the local Kubernetes control plane (scripts/kube/), run inside the network
// namespace of scripts/kube/in-netns.sh. Node 24 runs this TypeScript as is (type stripping; no build step).
//
//   node scripts/kube/node/main.ts --kubeconfig <file> [--name gatehouse-node] [--dir <dir>]
//        [--pod-cidr 10.244.1.0/24] [--lb-cidr 10.244.2.0/24] [--echo-basic <binary>] [--envoy <binary>]
//
// Prints "gatehouse-node: Ready ..." once the Node is registered and the watches are synced; SIGINT/SIGTERM stop
// every pod and remove the Service rules.
import { existsSync, mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startAgent } from './agent.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The echo-basic scripts/kube/build.sh builds (the conformance suite's backend image, v0.1.0). */
export const ECHO_BASIC_VERSION = 'v0.1.0';

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    name: { type: 'string', default: 'gatehouse-node' },
    dir: { type: 'string' },
    'pod-cidr': { type: 'string', default: '10.244.1.0/24' },
    'lb-cidr': { type: 'string', default: '10.244.2.0/24' },
    'echo-basic': { type: 'string' },
    envoy: { type: 'string' },
    'kubelet-version': { type: 'string', default: 'v1.34.4' },
    quiet: { type: 'boolean', default: false },
  },
});

if (!values.kubeconfig) {
  console.error('usage: node scripts/kube/node/main.ts --kubeconfig <file> (inside scripts/kube/in-netns.sh)');
  process.exit(2);
}
const cache = process.env['GATEHOUSE_CACHE'] || join(homedir(), '.cache/gatehouse');
const envoy = values.envoy ?? process.env['GATEHOUSE_ENVOY'] ?? join(ROOT, '.tools/venv/bin/envoy');
const echoBasic = values['echo-basic'] ?? join(cache, `echo-basic-${ECHO_BASIC_VERSION}`, 'bin', 'echo-basic');
for (const [what, file] of [
  ['envoy', envoy],
  ['echo-basic', echoBasic],
] as const) {
  if (!existsSync(file))
    console.error(
      `gatehouse-node: warning: ${what} not found at ${file}: pods of that image stay Pending (${what === 'envoy' ? 'make setup' : 'scripts/kube/build.sh echo-basic'})`,
    );
}

const stamp = () => new Date().toISOString().slice(11, 23);
const log = (line: string) => {
  if (!values.quiet) process.stderr.write(`${stamp()} gatehouse-node: ${line}\n`);
};

const agent = await startAgent({
  kubeconfig: values.kubeconfig,
  name: values.name,
  dir: values.dir ?? mkdtempSync(join(tmpdir(), 'gatehouse-node-')),
  bridge: process.env['GATEHOUSE_NETNS'] ?? 'br0',
  podCidr: values['pod-cidr'],
  lbCidr: values['lb-cidr'],
  programs: { echoBasic, envoy },
  kubeletVersion: values['kubelet-version'],
  log,
}).catch((err: Error) => {
  console.error(`gatehouse-node: ${err.message}`);
  process.exit(1);
});

process.on('exit', () => agent.kill());
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  log('stopping: pods, Service rules, Node NotReady');
  await agent.stop().catch((err: Error) => log(`stop: ${err.message}`));
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
console.log(
  `gatehouse-node: Ready — node ${agent.nodeName} at ${agent.nodeIP}, pods from ${values['pod-cidr']}, LoadBalancer addresses from ${values['lb-cidr']}`,
);
