import type { ResourceSnapshot } from './snapshot.js';

/**
 * Where configuration comes from: a directory of YAML (standalone mode) or the Kubernetes API (Kubernetes mode).
 * A source emits one immutable snapshot at start and another after every change that alters its inputs; each later
 * snapshot says what changed since the one before (`ResourceSnapshot.changes`), so translation redoes only that.
 */
export interface ConfigSource {
  /** Resolves after the first snapshot was emitted. */
  watch(onSnapshot: (snapshot: ResourceSnapshot) => void): Promise<void>;
  close(): void | Promise<void>;
}
