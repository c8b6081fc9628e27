// `gatehouse translate`: the whole pipeline offline — files in, xDS / IR / status out, encoded strictly (with the
// plugins' declared protos) and checked for consistency exactly as the control plane publishes it; non-zero when
// anything is rejected or would be refused, so it works in CI pipelines and pre-commit hooks.
import { statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { DirectorySource, MemoryFirstSeen } from '@gatehouse/config-source';
import { BUILTIN_PLUGINS, Publisher, annotateRefusals } from '@gatehouse/controller';
import type { TranslatorPlugin } from '@gatehouse/plugin-sdk';
import { SnapshotCache, StrictEncoder, describeProtoFailure, pluginProtoRoot, redactSecrets } from '@gatehouse/xds';
import { emit, table, type Format } from '../output.js';

export interface TranslateArgs {
  file: string;
  output: 'yaml' | 'json' | 'table';
  show: 'xds' | 'ir' | 'status';
  plugins: TranslatorPlugin[];
  /** Fail on warnings too (unresolved backends, dropped rules...). */
  strict?: boolean;
  maxFileBytes?: number;
  maxDocumentsPerFile?: number;
}

const TYPE_NAMES: Record<string, string> = {
  Cluster: 'clusters',
  ClusterLoadAssignment: 'endpoints',
  Listener: 'listeners',
  RouteConfiguration: 'routes',
  Secret: 'secrets',
};

export async function runTranslate(a: TranslateArgs): Promise<number> {
  const path = resolve(a.file);
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw new Error(`translate: -f ${a.file}: no such file or directory`);
  if (!st.isFile() && !st.isDirectory()) throw new Error(`translate: -f ${a.file}: not a file or a directory`);
  if (a.show === 'ir' && a.output === 'table') throw new Error('translate: the IR has no table form: use -o yaml or -o json with --show ir');
  const isFile = st.isFile();
  const source = new DirectorySource({
    dir: isFile ? dirname(path) : path,
    ...(isFile ? { only: [basename(path)] } : {}),
    firstSeen: new MemoryFirstSeen(),
    now: () => '1970-01-01T00:00:00.000Z',
    ...(a.maxFileBytes ? { maxFileBytes: a.maxFileBytes } : {}),
    ...(a.maxDocumentsPerFile ? { maxDocumentsPerFile: a.maxDocumentsPerFile } : {}),
  });
  const snapshot = await source.load();
  source.close();
  // A plugin whose declared protos do not load is left out (the control plane does the same) and fails the run.
  const protos = pluginProtoRoot([...BUILTIN_PLUGINS, ...a.plugins]);
  for (const f of protos.failures) process.stderr.write(`gatehouse translate: ${describeProtoFailure(f)}\n`);
  // The publisher encodes and checks what it would serve: what it refuses is left out and reported on its sources.
  const published = new Publisher(new SnapshotCache(), new StrictEncoder(protos.root), protos.plugins, '0.0.0.0').publish(snapshot);
  const t = published.translation;
  t.reports = annotateRefusals(t.reports, published.refused);
  for (const f of published.refused) process.stderr.write(`gatehouse translate: refused: ${f.message}\n`);
  const failed =
    protos.failures.length > 0 ||
    published.refused.length > 0 ||
    t.problems.length > 0 ||
    t.reports.some((r) => r.state === 'rejected' || (a.strict && r.state === 'warning'));
  const status = { reports: t.reports, problems: t.problems, ...(protos.failures.length ? { pluginFailures: protos.failures.map(describeProtoFailure) } : {}) };
  const format: Format = a.output === 'table' ? 'table' : a.output;
  if (a.show === 'ir') emit(redactSecrets(t.ir), format, () => '');
  else if (a.show === 'status') {
    emit(
      status,
      format,
      () =>
        table(
          ['KIND', 'NAMESPACE/NAME', 'STATE', 'MESSAGE'],
          t.reports.map((r) => [r.ref.kind, r.ref.namespace ? `${r.ref.namespace}/${r.ref.name}` : r.ref.name, r.state, r.messages.join('; ')]),
        ) + t.problems.map((p) => `problem: ${p.file ?? ''}${p.line ? `:${p.line}` : ''}: ${p.message}\n`).join(''),
    );
  } else {
    const xds = Object.fromEntries(
      Object.entries(t.gateways).map(([g, x]) => [
        g,
        Object.fromEntries(
          Object.entries(x.resources).map(([type, byName]) => [TYPE_NAMES[type.split('.').pop()!] ?? type, Object.values(redactSecrets(byName))]),
        ),
      ]),
    );
    emit(xds, format, () =>
      table(
        ['GATEWAY', 'TYPE', 'NAME'],
        Object.entries(xds).flatMap(([g, types]) =>
          Object.entries(types).flatMap(([type, list]) =>
            (list as Array<{ name?: string; clusterName?: string }>).map((r) => [g, type, r.name ?? r.clusterName ?? '']),
          ),
        ),
      ),
    );
  }
  if (failed) {
    const n = t.reports.filter((r) => r.state === 'rejected' || (a.strict && r.state === 'warning')).length + t.problems.length + protos.failures.length;
    process.stderr.write(`gatehouse translate: ${n} problem(s); see --show status\n`);
  }
  return failed ? 1 : 0;
}
