// Private addresses for local "pods" (backends, Gateways) inside the network namespace scripts/kube/in-netns.sh made.
// Everything here refuses to run outside that namespace: it never changes the machine's own network.
import { execFileSync } from 'node:child_process';

const run = (args) => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Whether this process runs inside the namespace in-netns.sh set up (its bridge exists here). */
export function inNetworkNamespace() {
  const bridge = process.env.GATEHOUSE_NETNS;
  if (!bridge) return false;
  try {
    run(['link', 'show', bridge]);
    return true;
  } catch {
    return false;
  }
}

function bridge() {
  if (!inNetworkNamespace()) throw new Error('not inside a network namespace of scripts/kube/in-netns.sh: run the test or script under it');
  return process.env.GATEHOUSE_NETNS;
}

/** The addresses on the bridge now (the gateway .1 included). */
export function bridgeAddresses() {
  const out = run(['-o', 'addr', 'show', 'dev', bridge()]);
  return [...out.matchAll(/\binet6? ([0-9a-f.:]+)\//g)].map((m) => m[1]).filter((a) => !a.startsWith('fe80:'));
}

/**
 * Adds the lowest free address of the bridge's subnet (10.244.0.10 upwards, or fd00:10:244::a upwards for
 * `family: 6`) and returns it; bind a backend to it and write it into an EndpointSlice.
 */
export function addAddress({ family = 4 } = {}) {
  const dev = bridge();
  if (family === 6 && !process.env.GATEHOUSE_NETNS_CIDR6) throw new Error('this namespace has no IPv6 (the kernel refused fd00:10:244::1/64 on the bridge)');
  const taken = new Set(bridgeAddresses());
  for (let n = 10; n < 255; n++) {
    const address = family === 6 ? `fd00:10:244::${n.toString(16)}` : `10.244.0.${n}`;
    if (taken.has(address)) continue;
    try {
      run(family === 6 ? ['-6', 'addr', 'add', `${address}/64`, 'dev', dev, 'nodad'] : ['addr', 'add', `${address}/24`, 'dev', dev]);
      return address;
    } catch (err) {
      if (!/File exists/.test(String(err?.stderr ?? err))) throw err; // taken meanwhile by another process
    }
  }
  throw new Error(`no free address left on ${dev}`);
}

/** Removes an address addAddress() gave. */
export function removeAddress(address) {
  const dev = bridge();
  run(address.includes(':') ? ['-6', 'addr', 'del', `${address}/64`, 'dev', dev] : ['addr', 'del', `${address}/24`, 'dev', dev]);
}
