// A real local Kubernetes control plane for tests (scripts/kube/cluster.mjs: etcd, kube-apiserver with RBAC,
// kube-controller-manager, the Gateway API CRDs) and the network namespace Kubernetes-mode tests run in
// (scripts/kube/in-netns.sh, netns.mjs), typed.
//
// A test file that writes EndpointSlices for local backends wraps its tests in describeInNetworkNamespace(): inside the
// namespace they run as written; anywhere else (a plain `npx vitest run`, `make test`) the file defines one test that
// builds the binaries if the cache is cold (with its own generous deadline) and runs the file again inside a fresh
// namespace, passing when that run passes.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../scripts/kube/cluster.mjs';
import { inNetworkNamespace } from '../../scripts/kube/netns.mjs';
import { ROOT } from './peers.js';

export * from '../../scripts/kube/cluster.mjs';
export * from '../../scripts/kube/netns.mjs';

export const IN_NETNS = join(ROOT, 'scripts/kube/in-netns.sh');
/** A cold build of kube-apiserver & co. takes 10-20 min on two cores; CI machines may be slower. */
export const BUILD_TIMEOUT_MS = Number(process.env.GATEHOUSE_KUBE_BUILD_TIMEOUT_MS || 60 * 60_000);
/** The file's own run inside the namespace, binaries cached. */
const RUN_TIMEOUT_MS = Number(process.env.GATEHOUSE_KUBE_RUN_TIMEOUT_MS || 10 * 60_000);

/**
 * Runs `file` with vitest inside a fresh network namespace; resolves with the exit code and the output's tail. The run
 * gets a TMPDIR of its own, removed afterwards whatever happened (a run stopped at its deadline leaves no cluster data).
 */
async function runInNamespace(file: string): Promise<{ code: number | string | null; output: string }> {
  const scratch = mkdtempSync(join(tmpdir(), 'gatehouse-kube-run-'));
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'TEST' && k !== 'NODE_ENV')),
    TMPDIR: scratch,
  };
  const vitest = join(ROOT, 'node_modules/vitest/vitest.mjs');
  const child = spawn('bash', [IN_NETNS, process.execPath, vitest, 'run', '--project', 'e2e', relative(ROOT, file)], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const keep = (chunk: string) => {
    output = (output + chunk).slice(-30_000);
    process.stderr.write(chunk);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  // The namespace ends with its processes: signal the whole group (vitest, the cluster, backends).
  const signal = (s: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, s);
    } catch {
      // already gone
    }
  };
  let timedOut = false;
  let hardKill: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    signal('SIGTERM');
    hardKill = setTimeout(() => signal('SIGKILL'), 10_000);
  }, RUN_TIMEOUT_MS);
  const onExit = () => signal('SIGKILL');
  process.once('exit', onExit);
  try {
    const code = await new Promise<number | string | null>((resolve) => child.on('close', (c, s) => resolve(c ?? s)));
    return { code: timedOut ? `stopped after ${RUN_TIMEOUT_MS} ms (${code})` : code, output };
  } finally {
    clearTimeout(timer);
    clearTimeout(hardKill);
    process.off('exit', onExit);
    signal('SIGKILL'); // anything the run left behind in its group
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * describe() whose tests run inside a network namespace of their own (see the top of this file). `file` is the
 * calling test file (fileURLToPath(import.meta.url)).
 */
export function describeInNetworkNamespace(name: string, file: string, define: () => void): void {
  if (inNetworkNamespace()) {
    describe(name, define);
    return;
  }
  describe(name, () => {
    it(
      `runs inside a network namespace of its own (scripts/kube/in-netns.sh ${relative(ROOT, file)})`,
      async () => {
        await ensureBuilt({ timeoutMs: BUILD_TIMEOUT_MS });
        const { code, output } = await runInNamespace(file);
        expect(code, `the run inside the namespace failed:\n${output.slice(-8000)}`).toBe(0);
      },
      BUILD_TIMEOUT_MS + RUN_TIMEOUT_MS + 60_000,
    );
  });
}
