// The test node (scripts/kube/node/: a Ready Node that runs pods as local processes, with Service and LoadBalancer
// addresses) next to a cluster of test/harness/kube.ts, typed; and a helper to read what its pods printed.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestNode } from '../../scripts/kube/node/start-node.mjs';

export * from '../../scripts/kube/node/start-node.mjs';

/**
 * A container's output (stdout and stderr of every run, oldest first) of a pod running on `node`, read from the files
 * the node keeps in the CRI log format (`<time> <stream> <F|P> <text>` per line).
 */
export function podLog(node: TestNode, namespace: string, pod: string, container: string): string {
  const dir = readdirSync(join(node.dir, 'pods')).find((d) => d.startsWith(`${namespace}_${pod}_`));
  const logs = dir && join(node.dir, 'pods', dir, 'logs', container);
  if (!logs || !existsSync(logs)) return '';
  const runs = readdirSync(logs)
    .filter((f) => /^\d+\.log$/.test(f))
    .sort((a, b) => parseInt(a) - parseInt(b));
  return runs
    .map((f) =>
      readFileSync(join(logs, f), 'utf8')
        .split('\n')
        .map((l) => /^\S+ (?:stdout|stderr) ([FP]) (.*)$/.exec(l))
        .filter((m) => !!m)
        .map((m) => `${m[2]}${m[1] === 'F' ? '\n' : ''}`)
        .join(''),
    )
    .join('');
}
