// SnapshotCache: the latest snapshot per node group (a Gateway), and watchers that streams subscribe with.
// Keys here are node groups the control plane published, or ones an open stream watches (removed when it closes):
// nothing a client sends stays behind.
import { Snapshot } from './snapshot.js';

export type SnapshotListener = (snapshot: Snapshot) => void;

/** Deleted node groups remembered (their proxies are served an empty configuration rather than held). */
const MAX_REMOVED = 10_000;

export class SnapshotCache {
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly listeners = new Map<string, Set<SnapshotListener>>();
  /** Node groups whose Gateway went away while this process ran, oldest first. */
  private readonly removed = new Set<string>();
  private readonly empty = Snapshot.empty();

  setSnapshot(nodeGroup: string, snapshot: Snapshot): void {
    this.snapshots.set(nodeGroup, snapshot);
    this.removed.delete(nodeGroup);
    for (const l of [...(this.listeners.get(nodeGroup) ?? [])]) l(snapshot);
  }

  /** Drops a node group (its Gateway is gone): watchers get an empty snapshot, and so do proxies connecting later. */
  clearSnapshot(nodeGroup: string): void {
    if (!this.snapshots.delete(nodeGroup)) return;
    this.removed.add(nodeGroup);
    if (this.removed.size > MAX_REMOVED) this.removed.delete(this.removed.values().next().value!);
    for (const l of [...(this.listeners.get(nodeGroup) ?? [])]) l(this.empty);
  }

  getSnapshot(nodeGroup: string): Snapshot {
    return this.snapshots.get(nodeGroup) ?? this.empty;
  }

  /**
   * What a proxy of `nodeGroup` may be served: its snapshot, an empty one when its Gateway was deleted, or undefined
   * while the control plane has never had one (its requests wait: after a restart, before the first translation).
   */
  servable(nodeGroup: string): Snapshot | undefined {
    return this.snapshots.get(nodeGroup) ?? (this.removed.has(nodeGroup) ? this.empty : undefined);
  }

  has(nodeGroup: string): boolean {
    return this.snapshots.has(nodeGroup);
  }

  nodeGroups(): string[] {
    return [...this.snapshots.keys()].sort();
  }

  /** Node groups with at least one watcher (open streams), for tests and diagnostics. */
  watchedGroups(): number {
    return this.listeners.size;
  }

  watch(nodeGroup: string, listener: SnapshotListener): () => void {
    let set = this.listeners.get(nodeGroup);
    if (!set) this.listeners.set(nodeGroup, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(nodeGroup) === set) this.listeners.delete(nodeGroup);
    };
  }
}
