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
  /** This snapshot's identity for change hints (a token: holding it does not keep the snapshot alive). */
  readonly revision?: object;
  /**
   * What differs from an earlier snapshot of the same source (`since` is that snapshot's `revision`): the keys of
   * resources added, changed or removed. A hint that lets translation and indexing work on the difference only.
   */
  readonly changes?: { readonly since: object; readonly keys: ReadonlySet<string> };
}

export function emptySnapshot(): ResourceSnapshot {
  return { resources: new Map(), problems: [] };
}

/** The kind in a resource key (`Kind/namespace/name` or `Kind/name`). */
export function kindOfKey(key: string): string {
  return key.slice(0, key.indexOf('/'));
}

interface SnapshotIndex {
  byKind: Map<string, StoredResource[]>;
  /** `kind|label` → `namespace/value` → resources carrying that label value. */
  byLabel: Map<string, Map<string, StoredResource[]>>;
}

// Snapshots are immutable, so an index built once serves every lookup on it. Indexes are also kept by revision, so
// the next snapshot of a source derives its index from the last one's by patching only what changed.
const indexes = new WeakMap<ResourceSnapshot, SnapshotIndex>();
const byRevision = new WeakMap<object, SnapshotIndex>();

const byKey = (a: StoredResource, b: StoredResource) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

function buildIndex(snapshot: ResourceSnapshot): SnapshotIndex {
  const byKind = new Map<string, StoredResource[]>();
  for (const r of snapshot.resources.values()) {
    let list = byKind.get(r.ref.kind);
    if (!list) byKind.set(r.ref.kind, (list = []));
    list.push(r);
  }
  for (const list of byKind.values()) list.sort(byKey);
  return { byKind, byLabel: new Map() };
}

/** The index of `snapshot`, patched from `base` (the index of `changes.since`): only touched kinds are copied. */
function deriveIndex(snapshot: ResourceSnapshot, base: SnapshotIndex, keys: ReadonlySet<string>): SnapshotIndex {
  const touched = new Map<string, string[]>();
  for (const key of keys) {
    const kind = kindOfKey(key);
    touched.set(kind, [...(touched.get(kind) ?? []), key]);
  }
  const byKind = new Map(base.byKind);
  for (const [kind, changed] of touched) {
    const list = [...(base.byKind.get(kind) ?? [])];
    for (const key of changed) {
      const at = lowerBound(list, key);
      const present = list[at]?.key === key;
      const next = snapshot.resources.get(key);
      if (next && present) list[at] = next;
      else if (next) list.splice(at, 0, next);
      else if (present) list.splice(at, 1);
    }
    if (list.length) byKind.set(kind, list);
    else byKind.delete(kind);
  }
  // Label indexes of untouched kinds stay valid; touched ones are rebuilt on demand.
  const byLabel = new Map([...base.byLabel].filter(([id]) => !touched.has(id.slice(0, id.indexOf('|')))));
  return { byKind, byLabel };
}

function lowerBound(list: StoredResource[], key: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.key < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function indexOf(snapshot: ResourceSnapshot): SnapshotIndex {
  let idx = indexes.get(snapshot);
  if (!idx) {
    const base = snapshot.changes && byRevision.get(snapshot.changes.since);
    idx = base ? deriveIndex(snapshot, base, snapshot.changes!.keys) : buildIndex(snapshot);
    indexes.set(snapshot, idx);
    if (snapshot.revision) byRevision.set(snapshot.revision, idx);
  }
  return idx;
}

/**
 * What a translation step read from a snapshot, so the step is redone exactly when one of those inputs changes.
 * Keys: a resource key, `kind:<Kind>` (a whole kind was listed), `label:<Kind>|<label>|<namespace>/<value>`, `*`.
 */
export interface ReadRecorder {
  read(dep: string): void;
}

const TRACKED = Symbol('gatehouse.tracked');
type Tracked = ResourceSnapshot & { [TRACKED]: { base: ResourceSnapshot; recorder: ReadRecorder } };

/** A view of `base` that reports every read to `recorder` (resources.get/has by key; anything else as `*`). */
export function trackedSnapshot(base: ResourceSnapshot, recorder: ReadRecorder): ResourceSnapshot {
  const all = () => recorder.read('*');
  const resources: ReadonlyMap<string, StoredResource> = {
    get: (k) => (recorder.read(k), base.resources.get(k)),
    has: (k) => (recorder.read(k), base.resources.has(k)),
    get size() {
      return (all(), base.resources.size);
    },
    forEach: (fn, thisArg) => (all(), base.resources.forEach((v, k) => fn.call(thisArg, v, k, resources))),
    entries: () => (all(), base.resources.entries()),
    keys: () => (all(), base.resources.keys()),
    values: () => (all(), base.resources.values()),
    [Symbol.iterator]: () => (all(), base.resources[Symbol.iterator]()),
  };
  const view: Tracked = { resources, problems: base.problems, [TRACKED]: { base, recorder } };
  return view;
}

function untracked(snapshot: ResourceSnapshot, dep: () => string): ResourceSnapshot {
  const t = (snapshot as Partial<Tracked>)[TRACKED];
  if (!t) return snapshot;
  t.recorder.read(dep());
  return t.base;
}

/** Resources of one kind, in key order (deterministic). Indexed: cheap to call repeatedly. */
export function resourcesOfKind<T extends KubeObject>(snapshot: ResourceSnapshot, kind: string): ReadonlyArray<StoredResource & { object: T }> {
  const s = untracked(snapshot, () => `kind:${kind}`);
  return (indexOf(s).byKind.get(kind) ?? []) as Array<StoredResource & { object: T }>;
}

/** Resources of one kind in one namespace whose `label` equals `value`, in key order. Indexed. */
export function resourcesByLabel(snapshot: ResourceSnapshot, kind: string, namespace: string, label: string, value: string): readonly StoredResource[] {
  const s = untracked(snapshot, () => `label:${kind}|${label}|${namespace}/${value}`);
  const idx = indexOf(s);
  const id = `${kind}|${label}`;
  let byValue = idx.byLabel.get(id);
  if (!byValue) {
    byValue = new Map();
    for (const r of idx.byKind.get(kind) ?? []) {
      const labels = r.object.metadata.labels;
      const v = labels && Object.hasOwn(labels, label) ? labels[label] : undefined;
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

/** The dependency keys a change of `stored` (old or new version of a resource) touches. */
export function changeDeps(key: string, stored: StoredResource | undefined, out: Set<string>): void {
  out.add(key);
  out.add(`kind:${kindOfKey(key)}`);
  if (!stored) return;
  for (const [label, value] of Object.entries(stored.object.metadata.labels ?? {}))
    out.add(`label:${stored.ref.kind}|${label}|${stored.ref.namespace}/${value}`);
}

/** Collects snapshot reads into the innermost `capture`; a capture's reads also count for the enclosing ones. */
export class DepRecorder implements ReadRecorder {
  private stack: Array<Set<string>> = [];

  read(dep: string): void {
    this.stack[this.stack.length - 1]?.add(dep);
  }

  capture<T>(fn: () => T): { value: T; deps: Set<string> } {
    const deps = new Set<string>();
    this.stack.push(deps);
    let value: T;
    try {
      value = fn();
    } finally {
      this.stack.pop();
    }
    this.replay(deps);
    return { value, deps };
  }

  replay(deps: Iterable<string>): void {
    const into = this.stack[this.stack.length - 1];
    if (into) for (const d of deps) into.add(d);
  }
}
