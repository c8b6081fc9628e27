// Runs the `gatehouse` CLI: the kit translates through the very pipeline (and version) that will serve the plugin,
// so the SDK package carries no copy of the engine.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The CLI to run: `$GATEHOUSE_CLI` (an executable, or a `.js`/`.mjs` file run with this Node), else `gatehouse` on PATH. */
export function gatehouseCommand(cli = process.env['GATEHOUSE_CLI']): { command: string; prefix: string[] } {
  if (!cli) return { command: 'gatehouse', prefix: [] };
  return /\.[cm]?js$/.test(cli) ? { command: process.execPath, prefix: [cli] } : { command: cli, prefix: [] };
}

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with `args`; throws only when it cannot be started (a non-zero exit is the caller's to judge). */
export function runGatehouse(args: readonly string[], cli?: string): CliRun {
  const { command, prefix } = gatehouseCommand(cli);
  const r = spawnSync(command, [...prefix, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error) {
    throw new Error(
      `could not run ${command}${prefix.length ? ` ${prefix.join(' ')}` : ''}: ${r.error.message} (set GATEHOUSE_CLI to the gatehouse CLI, or put gatehouse on PATH)`,
      { cause: r.error },
    );
  }
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** A file path from a path or a `file:` URL. */
export function pathOf(p: string | URL): string {
  return typeof p === 'string' ? (p.startsWith('file:') ? fileURLToPath(p) : p) : fileURLToPath(p);
}
