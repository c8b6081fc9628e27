import type { ResourceRef } from '@gatehouse/api';

/** Refs deduplicated by key and sorted by it. */
export function dedupeRefs(refs: readonly ResourceRef[]): ResourceRef[] {
  if (refs.length === 1) return [refs[0]!];
  const seen = new Map<string, ResourceRef>();
  for (const r of refs) seen.set(`${r.kind}/${r.namespace}/${r.name}`, r);
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

export function sortedRecord<T>(rec: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(rec).sort()) out[k] = rec[k]!;
  return out;
}
