// Every resource with its current status, as the admin API shows it: the resources in the snapshot, and those the
// source refused (a document that names a resource but fails validation), which are rejected resources too.
import { createHash } from 'node:crypto';
import { resourceKey, type Origin, type ResourceRef, type ResourceSnapshot } from '@gatehouse/api';
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
  attachedListenerSets?: ResourceReport['attachedListenerSets'];
  ancestors?: ResourceReport['ancestors'];
}

/** A resource the source refused before translation: it has no object, only where it was and why. */
export interface RefusedResource {
  key: string;
  ref: ResourceRef;
  origin: Origin;
  /** Stands for the content in status change detection: the refusal's messages. */
  contentHash: string;
}

const byKey = <T extends { key: string }>(a: T, b: T) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Resources named by error problems and absent from the snapshot (refused by validation), one per key. */
export function refusedResources(snapshot: ResourceSnapshot): RefusedResource[] {
  const out = new Map<string, { ref: ResourceRef; origin: Origin; messages: string[] }>();
  for (const p of snapshot.problems) {
    if (!p.ref || p.severity !== 'error') continue;
    const key = resourceKey(p.ref);
    if (snapshot.resources.has(key)) continue;
    const e = out.get(key) ?? { ref: p.ref, origin: p.origin, messages: [] };
    e.messages.push(p.message);
    out.set(key, e);
  }
  return [...out]
    .map(([key, e]) => ({ key, ref: e.ref, origin: e.origin, contentHash: createHash('sha256').update(e.messages.join('\n')).digest('hex').slice(0, 16) }))
    .sort(byKey);
}

export function resourceView(snapshot: ResourceSnapshot, translation: Translation): ResourceStatusView[] {
  const reports = new Map(translation.reports.map((r) => [resourceKey(r.ref), r]));
  const all: Array<{ key: string; ref: ResourceRef; origin: Origin }> = [...snapshot.resources.values(), ...refusedResources(snapshot)].sort(byKey);
  return all.map((r) => {
    const report = reports.get(r.key);
    return {
      kind: r.ref.kind,
      namespace: r.ref.namespace,
      name: r.ref.name,
      origin: { ...(r.origin.file ? { file: r.origin.file } : {}), ...(r.origin.line ? { line: r.origin.line } : {}) },
      state: report?.state ?? (snapshot.resources.has(r.key) ? 'accepted' : 'rejected'),
      messages: report?.messages ?? [],
      conditions: report?.conditions ?? [],
      ...(report?.parents ? { parents: report.parents } : {}),
      ...(report?.listeners ? { listeners: report.listeners } : {}),
      ...(report?.attachedListenerSets !== undefined ? { attachedListenerSets: report.attachedListenerSets } : {}),
      ...(report?.ancestors ? { ancestors: report.ancestors } : {}),
    };
  });
}
