// `gatehouse translate`: the whole pipeline offline — files in, xDS / IR / status out; non-zero when anything is
// rejected, so it works in CI pipelines and pre-commit hooks.
import { statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { DirectorySource, MemoryFirstSeen } from '@gatehouse/config-source';
import { BUILTIN_PLUGINS } from '@gatehouse/controller';
import { translate } from '@gatehouse/engine';
import type { TranslatorPlugin } from '@gatehouse/plugin-sdk';
import { redactSecrets } from '@gatehouse/xds';
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

const TYPE_NAMES: Record<string, string> = { Cluster: 'clusters', ClusterLoadAssignment: 'endpoints', Listener: 'listeners', RouteConfiguration: 'routes', Secret: 'secrets' };

export async function runTranslate(a: TranslateArgs): Promise<number> {
  const path = resolve(a.file);
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw new Error(`translate: -f ${a.file}: no such file or directory`);
  if (!st.isFile() && !st.isDirectory()) throw new Error(`translate: -f ${a.file}: not a file or a directory`);
  if (a.show === 'ir' && a.output === 'table') throw new Error('translate: the IR has no table form: use -o yaml or -o json with --show ir');
  const isFile = st.isFile();
  const source = new DirectorySource({ dir: isFile ? dirname(path) : path, ...(isFile ? { only: [basename(path)] } : {}), firstSeen: new MemoryFirstSeen(), now: () => '1970-01-01T00:00:00.000Z', ...(a.maxFileBytes ? { maxFileBytes: a.maxFileBytes } : {}), ...(a.maxDocumentsPerFile ? { maxDocumentsPerFile: a.maxDocumentsPerFile } : {}) });
  const snapshot = await source.load();
  source.close();
  const t = translate(snapshot, { plugins: [...BUILTIN_PLUGINS, ...a.plugins] });
  const failed = t.problems.length > 0 || t.reports.some((r) => r.state === 'rejected' || (a.strict && r.state === 'warning'));
  const status = { reports: t.reports, problems: t.problems };
  const format: Format = a.output === 'table' ? 'table' : a.output;
  if (a.show === 'ir') emit(redactSecrets(t.ir), format, () => '');
  else if (a.show === 'status') {
    emit(status, format, () =>
      table(['KIND', 'NAMESPACE/NAME', 'STATE', 'MESSAGE'], t.reports.map((r) => [r.ref.kind, r.ref.namespace ? `${r.ref.namespace}/${r.ref.name}` : r.ref.name, r.state, r.messages.join('; ')]))
        + t.problems.map((p) => `problem: ${p.file ?? ''}${p.line ? `:${p.line}` : ''}: ${p.message}\n`).join(''),
    );
  } else {
    const xds = Object.fromEntries(
      Object.entries(t.gateways).map(([g, x]) => [g, Object.fromEntries(Object.entries(x.resources).map(([type, byName]) => [TYPE_NAMES[type.split('.').pop()!] ?? type, Object.values(redactSecrets(byName))]))]),
    );
    emit(xds, format, () =>
      table(['GATEWAY', 'TYPE', 'NAME'], Object.entries(xds).flatMap(([g, types]) => Object.entries(types).flatMap(([type, list]) => (list as Array<{ name?: string; clusterName?: string }>).map((r) => [g, type, r.name ?? r.clusterName ?? ''])))),
    );
  }
  if (failed) {
    const n = t.reports.filter((r) => r.state === 'rejected' || (a.strict && r.state === 'warning')).length + t.problems.length;
    process.stderr.write(`gatehouse translate: ${n} problem(s); see --show status\n`);
  }
  return failed ? 1 : 0;
}
