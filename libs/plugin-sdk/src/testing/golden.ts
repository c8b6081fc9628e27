// Golden tests for a plugin: `<case>.in.yaml` (the resources a user writes) through `gatehouse translate` with the
// plugin loaded, compared with `<case>.xds.json` (what each Gateway is served) and `<case>.status.json` (every
// resource's report and the exit code), then checked by the real `envoy --mode validate`.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { envoyBinary, validateWithEnvoy, type GatewayXds } from './envoy-validate.js';
import { pathOf, runGatehouse } from './gatehouse-cli.js';

export interface GoldenKit {
  /** The plugin modules under test, as `--plugin` takes them: built JS files (paths or `file:` URLs) or package names. */
  plugins: ReadonlyArray<string | URL>;
  /** The folder of cases: `<case>.in.yaml` beside its expected `<case>.xds.json` and `<case>.status.json`. */
  dir: string | URL;
  /** Write the expected files instead of comparing (default: `UPDATE_GOLDEN=1` in the environment). */
  update?: boolean;
  /** The gatehouse CLI (default `$GATEHOUSE_CLI`, else `gatehouse` on PATH). */
  gatehouse?: string;
  /** The Envoy binary for `--mode validate` (default `$GATEHOUSE_ENVOY`, else `envoy` on PATH); `false` skips it. */
  envoy?: string | false;
}

export interface GoldenResult {
  name: string;
  /** Per Gateway (`namespace/name`), its xDS resources by type. */
  xds: Record<string, GatewayXds>;
  /** The reports and problems, with the CLI's exit code (1: something was rejected). */
  status: { exitCode: number; reports: unknown[]; problems: unknown[] };
}

/** The case names in a folder (every `<case>.in.yaml`), sorted. */
export function goldenCases(dir: string | URL): string[] {
  return readdirSync(pathOf(dir))
    .filter((f) => f.endsWith('.in.yaml'))
    .map((f) => f.slice(0, -'.in.yaml'.length))
    .sort();
}

/** Translates one case with the plugins loaded, as `gatehouse translate` does. */
export function translateCase(kit: GoldenKit, name: string): GoldenResult {
  const input = join(pathOf(kit.dir), `${name}.in.yaml`);
  // Relative paths are the test's (its working directory); package names are the CLI's to resolve.
  const plugins = kit.plugins.flatMap((p) => ['--plugin', typeof p !== 'string' || p.startsWith('file:') ? pathOf(p) : p.startsWith('.') ? resolve(p) : p]);
  const run = (show: string) => {
    const r = runGatehouse(['translate', '-f', input, '-o', 'json', '--show', show, ...plugins], kit.gatehouse);
    if (r.status > 1 || !r.stdout.trim()) throw new Error(`gatehouse translate failed on ${name}.in.yaml (exit ${r.status}):\n${r.stderr.trim()}`);
    return { status: r.status, out: JSON.parse(r.stdout) as unknown };
  };
  const xds = run('xds');
  const status = run('status');
  const s = status.out as { reports?: unknown[]; problems?: unknown[] };
  return { name, xds: xds.out as Record<string, GatewayXds>, status: { exitCode: status.status, reports: s.reports ?? [], problems: s.problems ?? [] } };
}

/** Stable JSON (sorted keys, two-space indent): goldens diff cleanly. */
export function stableJson(v: unknown): string {
  return `${JSON.stringify(sortKeys(v), null, 2)}\n`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/** Where two texts first differ, with a few lines around it. */
function firstDifference(expected: string, actual: string): string {
  const e = expected.split('\n');
  const a = actual.split('\n');
  let i = 0;
  while (i < e.length && i < a.length && e[i] === a[i]) i++;
  const from = Math.max(0, i - 3);
  const show = (lines: string[]) =>
    lines
      .slice(from, i + 4)
      .map((l, k) => `${from + k + 1 === i + 1 ? '>' : ' '} ${from + k + 1}: ${l}`)
      .join('\n');
  return `first difference at line ${i + 1}\n--- expected\n${show(e)}\n--- actual\n${show(a)}`;
}

function compare(file: string, actual: string, update: boolean): void {
  if (update) {
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`${file} is missing: run the test with UPDATE_GOLDEN=1 to write it, then review it`);
  const expected = readFileSync(file, 'utf8');
  if (expected !== actual)
    throw new Error(`${file} differs from the translation (UPDATE_GOLDEN=1 rewrites it if the change is intended)\n${firstDifference(expected, actual)}`);
}

/**
 * Checks one case: the translation matches the expected files, and Envoy accepts every Gateway's configuration.
 * Throws (with the first difference, or Envoy's message) when not — any test runner reports it.
 *
 * @example
 * import { test } from 'node:test';
 * import { checkGoldenCase, goldenCases } from '@gatehouse/plugin-sdk/testing';
 * const kit = { plugins: [new URL('../dist/index.js', import.meta.url)], dir: new URL('./golden', import.meta.url) };
 * for (const name of goldenCases(kit.dir)) test(name, () => { checkGoldenCase(kit, name); });
 */
export function checkGoldenCase(kit: GoldenKit, name: string): GoldenResult {
  const result = translateCase(kit, name);
  const dir = pathOf(kit.dir);
  const update = kit.update ?? process.env['UPDATE_GOLDEN'] === '1';
  compare(join(dir, `${name}.xds.json`), stableJson(result.xds), update);
  compare(join(dir, `${name}.status.json`), stableJson(result.status), update);
  if (kit.envoy !== false) {
    for (const [gateway, x] of Object.entries(result.xds)) validateWithEnvoy(x, `${name} (Gateway ${gateway})`, kit.envoy ?? envoyBinary());
  }
  return result;
}
