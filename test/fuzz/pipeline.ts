// The offline pipeline `gatehouse translate` runs (directory source → translation → encoded, consistency-checked
// snapshots), with the invariants every input must keep: nothing throws, nothing takes long, and every problem or
// rejection is a bounded message that says where (a file) and what.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DirectorySource, MemoryFirstSeen } from '@gatehouse/config-source';
import { BUILTIN_PLUGINS } from '@gatehouse/controller';
import { translate } from '@gatehouse/engine';
import { Snapshot, StrictEncoder, checkConsistency, pluginProtoRoot } from '@gatehouse/xds';

// The built-in plugins' declared protos too, as the control plane and `translate` load them.
const encoder = new StrictEncoder(pluginProtoRoot(BUILTIN_PLUGINS).root);
const MAX_MESSAGE = 4000;
/** Messages that mean a crash was caught, not an input understood. */
const INTERNAL =
  /could not be translated|is not a function|Cannot read propert|Maximum call stack|is not iterable|undefined \(reading|Invalid array length|out of memory/;

export interface Outcome {
  ms: number;
  violations: string[];
}

/** Runs the pipeline on `yaml` written to `dir/input.yaml` and returns what broke an invariant. */
export async function runPipeline(dir: string, yaml: string): Promise<Outcome> {
  writeFileSync(join(dir, 'input.yaml'), yaml);
  const started = performance.now();
  const violations: string[] = [];
  try {
    const source = new DirectorySource({ dir, only: ['input.yaml'], firstSeen: new MemoryFirstSeen(), now: () => '1970-01-01T00:00:00.000Z' });
    const snapshot = await source.load();
    source.close();
    const t = translate(snapshot, { plugins: BUILTIN_PLUGINS });
    for (const gx of Object.values(t.gateways)) {
      const { snapshot: s } = Snapshot.build(gx.resources as Record<string, Record<string, Record<string, unknown>>>, encoder, undefined);
      checkConsistency(s, undefined);
    }
    for (const p of snapshot.problems) {
      if (!p.origin.file) violations.push(`a problem without a file: ${p.message.slice(0, 200)}`);
      check(`problem ${p.origin.file}:${p.origin.line ?? ''}`, p.message, violations);
    }
    for (const r of t.reports) for (const m of r.messages) check(`${r.ref.kind} ${r.ref.namespace}/${r.ref.name}`.slice(0, 300), m, violations);
    JSON.stringify(t.ir);
  } catch (err) {
    violations.push(`threw: ${(err as Error).stack ?? String(err)}`.slice(0, 2000));
  }
  return { ms: performance.now() - started, violations };
}

function check(where: string, message: string, violations: string[]): void {
  if (!message) violations.push(`${where}: an empty message`);
  if (message.length > MAX_MESSAGE) violations.push(`${where}: a ${message.length}-character message (user input quoted unbounded?)`);
  if (INTERNAL.test(message)) violations.push(`${where}: an internal error reached the user: ${message.slice(0, 500)}`);
}
