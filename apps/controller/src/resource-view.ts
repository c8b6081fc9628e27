// Every resource with its current status, as the admin API shows it.
import { resourceKey, type ResourceSnapshot } from '@gatehouse/api';
import type { Translation } from '@gatehouse/engine';
import type { ResourceReport } from '@gatehouse/plugin-sdk';

export interface ResourceStatusView {
  kind: string;
  namespace: string;
  name: string;
  origin: { file?: string; line?: number };
  state: ResourceReport['state'];
  messages: string[];
  conditions: ResourceReport['conditions'];
  parents?: ResourceReport['parents'];
  listeners?: ResourceReport['listeners'];
}

export function resourceView(snapshot: ResourceSnapshot, translation: Translation): ResourceStatusView[] {
  const reports = new Map(translation.reports.map((r) => [resourceKey(r.ref), r]));
  const out: ResourceStatusView[] = [];
  for (const r of [...snapshot.resources.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    const report = reports.get(r.key);
    out.push({
      kind: r.ref.kind,
      namespace: r.ref.namespace,
      name: r.ref.name,
      origin: { ...(r.origin.file ? { file: r.origin.file } : {}), ...(r.origin.line ? { line: r.origin.line } : {}) },
      state: report?.state ?? 'accepted',
      messages: report?.messages ?? [],
      conditions: report?.conditions ?? [],
      ...(report?.parents ? { parents: report.parents } : {}),
      ...(report?.listeners ? { listeners: report.listeners } : {}),
    });
  }
  return out;
}
