// Which route units read which resources: a snapshot that says what changed since the last one is translated by
// redoing only the routes that read a changed resource (or a full translation when the gateway phase read it).
import { DepRecorder, changeDeps, kindOfKey, trackedSnapshot, type ResourceSnapshot } from '@gatehouse/api';
import { ROUTE_KINDS } from '@gatehouse/translator';
import type { Engine, RouteUnit, State } from './state.js';

export const ROUTE_KIND_SET: ReadonlySet<string> = new Set(ROUTE_KINDS);

/** The routes to redo for `snapshot`, or undefined when it needs a full translation. */
export function dirtyRoutes(st: State, snapshot: ResourceSnapshot): string[] | undefined {
  const changes = snapshot.changes;
  if (!changes || !st.revision || changes.since !== st.revision) return undefined;
  const touched = new Set<string>(['*']);
  for (const k of changes.keys) {
    changeDeps(k, st.snapshot.resources.get(k), touched);
    changeDeps(k, snapshot.resources.get(k), touched);
  }
  for (const d of touched) if (st.fullDeps.has(d)) return undefined;
  const dirty = new Set<string>();
  for (const k of changes.keys) if (ROUTE_KIND_SET.has(kindOfKey(k))) dirty.add(k);
  for (const d of touched) for (const u of st.dependents.get(d) ?? []) dirty.add(u);
  return [...dirty];
}

/** The snapshot phases read through: it records what they read (a one-shot translation records nothing). */
export function track(engine: Engine, snapshot: ResourceSnapshot): ResourceSnapshot {
  return engine.once ? snapshot : trackedSnapshot(snapshot, engine.recorder);
}

/** Puts a route unit's routes into their tables and indexes what it read and what it sends to. */
export function attach(st: State, key: string, unit: RouteUnit): void {
  for (const p of unit.placed) {
    if (p.table) p.table.table.add(key, p.ranked);
    else p.stream.table.add(key, p.entries);
  }
  for (const d of unit.deps) {
    let set = st.dependents.get(d);
    if (!set) st.dependents.set(d, (set = new Set()));
    set.add(key);
  }
  for (const c of unit.clusters) st.upstreamRefs.set(c, (st.upstreamRefs.get(c) ?? 0) + 1);
}

/** Undoes `attach`: an upstream no unit sends to any more is forgotten. */
export function detach(st: State, key: string, unit: RouteUnit): void {
  for (const p of unit.placed) {
    if (p.table) p.table.table.remove(key, p.hostnames);
    else p.stream.table.remove(key);
  }
  for (const d of unit.deps) {
    const set = st.dependents.get(d);
    set?.delete(key);
    if (set?.size === 0) st.dependents.delete(d);
  }
  for (const c of unit.clusters) {
    const n = st.upstreamRefs.get(c)! - 1;
    if (n > 0) st.upstreamRefs.set(c, n);
    else {
      st.upstreamRefs.delete(c);
      st.upstreams.delete(c);
    }
  }
}

/** For a one-shot translation: nothing to record. */
export class NoRecorder extends DepRecorder {
  private static readonly none: ReadonlySet<string> = new Set();
  override read(): void {}
  override replay(): void {}
  override capture<T>(fn: () => T): { value: T; deps: Set<string> } {
    return { value: fn(), deps: NoRecorder.none as Set<string> };
  }
}
