// SnapshotCache: the latest snapshot per node group (a Gateway), and watchers that streams subscribe with.
import { Snapshot } from './snapshot.js';

export type SnapshotListener = (snapshot: Snapshot) => void;

export class SnapshotCache {
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly listeners = new Map<string, Set<SnapshotListener>>();
  private readonly empty = Snapshot.empty();

  setSnapshot(nodeGroup: string, snapshot: Snapshot): void {
    this.snapshots.set(nodeGroup, snapshot);
    for (const l of this.listeners.get(nodeGroup) ?? []) l(snapshot);
  }

  /** Drops a node group (its Gateway is gone): watchers get an empty snapshot. */
  clearSnapshot(nodeGroup: string): void {
    if (!this.snapshots.delete(nodeGroup)) return;
    for (const l of this.listeners.get(nodeGroup) ?? []) l(this.empty);
  }

  getSnapshot(nodeGroup: string): Snapshot {
    return this.snapshots.get(nodeGroup) ?? this.empty;
  }

  has(nodeGroup: string): boolean {
    return this.snapshots.has(nodeGroup);
  }

  nodeGroups(): string[] {
    return [...this.snapshots.keys()].sort();
  }

  watch(nodeGroup: string, listener: SnapshotListener): () => void {
    let set = this.listeners.get(nodeGroup);
    if (!set) this.listeners.set(nodeGroup, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }
}
