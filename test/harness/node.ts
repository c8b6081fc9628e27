// The test node (scripts/kube/node/: a Ready Node that runs pods as local processes, with Service and LoadBalancer
// addresses) next to a cluster of test/harness/kube.ts, typed; and helpers to read what its pods did.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestNode } from '../../scripts/kube/node/start-node.mjs';

export * from '../../scripts/kube/node/start-node.mjs';

/** A container's output (stdout and stderr, every restart) of a pod running on `node`. */
export function podLog(node: TestNode, namespace: string, pod: string, container: string): string {
  const dir = readdirSync(join(node.dir, 'pods')).find((d) => d.startsWith(`${namespace}_${pod}_`));
  if (!dir) return '';
  try {
    return readFileSync(join(node.dir, 'pods', dir, 'logs', `${container}.log`), 'utf8');
  } catch {
    return '';
  }
}
