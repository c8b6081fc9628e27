import type { KubeObject, ResourceRef } from './meta.js';

/** Where a resource came from: a file and line in standalone mode, an API object in Kubernetes mode. */
export interface Origin {
  source: 'file' | 'kubernetes' | 'inline';
  file?: string;
  line?: number;
}

export interface StoredResource {
  readonly key: string;
  readonly ref: ResourceRef;
  readonly object: KubeObject;
  readonly origin: Origin;
  /** Stable creation time used for Gateway API tie-breaking (RFC 3339). */
  readonly createdAt: string;
}

/** A problem found while reading inputs, before translation (a document that does not parse, a duplicate). */
export interface SourceProblem {
  origin: Origin;
  /** The resource concerned, when one could be identified. */
  ref?: ResourceRef;
  severity: 'error' | 'warning';
  message: string;
}

/** An immutable view of every input, by key. Sources produce it; translation consumes it. */
export interface ResourceSnapshot {
  readonly resources: ReadonlyMap<string, StoredResource>;
  readonly problems: readonly SourceProblem[];
}

export function emptySnapshot(): ResourceSnapshot {
  return { resources: new Map(), problems: [] };
}

interface SnapshotIndex {
  byKind: Map<string, StoredResource[]>;
  /** `kind|label` → `namespace/value` → resources carrying that label value. */
  byLabel: Map<string, Map<string, StoredResource[]>>;
}

// Snapshots are immutable, so an index built once serves every lookup on it.
const indexes = new WeakMap<ResourceSnapshot, SnapshotIndex>();

function indexOf(snapshot: ResourceSnapshot): SnapshotIndex {
  let idx = indexes.get(snapshot);
  if (!idx) {
    const byKind = new Map<string, StoredResource[]>();
    for (const r of snapshot.resources.values()) {
      let list = byKind.get(r.ref.kind);
      if (!list) byKind.set(r.ref.kind, (list = []));
      list.push(r);
    }
    for (const list of byKind.values()) list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    idx = { byKind, byLabel: new Map() };
    indexes.set(snapshot, idx);
  }
  return idx;
}

/** Resources of one kind, in key order (deterministic). Indexed: cheap to call repeatedly. */
export function resourcesOfKind<T extends KubeObject>(snapshot: ResourceSnapshot, kind: string): ReadonlyArray<StoredResource & { object: T }> {
  return (indexOf(snapshot).byKind.get(kind) ?? []) as Array<StoredResource & { object: T }>;
}

/** Resources of one kind in one namespace whose `label` equals `value`, in key order. Indexed. */
export function resourcesByLabel(snapshot: ResourceSnapshot, kind: string, namespace: string, label: string, value: string): readonly StoredResource[] {
  const idx = indexOf(snapshot);
  const id = `${kind}|${label}`;
  let byValue = idx.byLabel.get(id);
  if (!byValue) {
    byValue = new Map();
    for (const r of idx.byKind.get(kind) ?? []) {
      const v = r.object.metadata.labels?.[label];
      if (v === undefined) continue;
      const k = `${r.ref.namespace}/${v}`;
      let list = byValue.get(k);
      if (!list) byValue.set(k, (list = []));
      list.push(r);
    }
    idx.byLabel.set(id, byValue);
  }
  return byValue.get(`${namespace}/${value}`) ?? [];
}
