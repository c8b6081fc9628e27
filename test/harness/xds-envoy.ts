// Envoy from a bootstrap that `gatehouse bootstrap` wrote (the way a user runs it), and the CLI run to write it.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { CLI, NODE_FLAGS, envoyBinary, startProcess, waitFor, type Envoy } from './peers.js';

const run = promisify(execFile);

/** Runs `gatehouse bootstrap <args> -o json --out <file>`; resolves with the file and the parsed bootstrap. */
export async function gatehouseBootstrap(file: string, args: string[]): Promise<{ file: string; bootstrap: Record<string, unknown>; stderr: string }> {
  mkdirSync(dirname(file), { recursive: true });
  const { stderr } = await run(process.execPath, [...NODE_FLAGS, CLI, 'bootstrap', ...args, '-o', 'json', '--out', file]);
  return { file, bootstrap: JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>, stderr };
}

/** Runs the CLI and resolves with its exit code and output, whatever the code. */
export async function gatehouseCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...NODE_FLAGS, CLI, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

let n = 0;

/** Starts a real Envoy on `bootstrapFile`; resolves once its admin interface answers. */
export async function startEnvoyFrom(bootstrapFile: string, workDir: string, logLevel = 'warn'): Promise<Envoy> {
  mkdirSync(workDir, { recursive: true });
  const adminPath = join(workDir, `envoy-${process.pid}-${++n}.admin`);
  const proc = startProcess('envoy', envoyBinary(), [
    '-c',
    bootstrapFile,
    '--concurrency',
    '1',
    '--use-dynamic-base-id',
    '--admin-address-path',
    adminPath,
    '-l',
    logLevel,
    '--drain-time-s',
    '1',
    '--parent-shutdown-time-s',
    '2',
  ]);
  const admin = await waitFor('envoy admin', () => {
    if (proc.exited) throw new Error(`envoy exited (${proc.code}):\n${proc.output}`);
    return existsSync(adminPath) && readFileSync(adminPath, 'utf8').trim();
  });
  const envoy = Object.assign(proc, { admin: `http://${admin}` }) as Envoy;
  envoy.stats = async () => {
    const text = await (await fetch(`${envoy.admin}/stats`)).text();
    return Object.fromEntries(
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const i = l.lastIndexOf(': ');
          return [l.slice(0, i), Number(l.slice(i + 2))];
        }),
    );
  };
  return envoy;
}

/** The client TLS material inside a bootstrap's xDS cluster (what a stolen bootstrap would give an attacker). */
export function bootstrapClientTls(bootstrap: Record<string, unknown>): { caPem: string; certPem: string; keyPem: string } {
  const cluster = (bootstrap['staticResources'] as { clusters: Array<Record<string, unknown>> }).clusters[0]!;
  const ctx = (cluster['transportSocket'] as { typedConfig: { commonTlsContext: Record<string, unknown> } }).typedConfig.commonTlsContext;
  const pair = (ctx['tlsCertificates'] as Array<{ certificateChain: { inlineString: string }; privateKey: { inlineString: string } }>)[0]!;
  const ca = (ctx['validationContext'] as { trustedCa: { inlineString: string } }).trustedCa.inlineString;
  return { caPem: ca, certPem: pair.certificateChain.inlineString, keyPem: pair.privateKey.inlineString };
}
