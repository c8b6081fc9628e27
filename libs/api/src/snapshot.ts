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

/** Resources of one kind, in key order (deterministic). */
export function resourcesOfKind<T extends KubeObject>(snapshot: ResourceSnapshot, kind: string): Array<StoredResource & { object: T }> {
  const out: Array<StoredResource & { object: T }> = [];
  for (const r of snapshot.resources.values()) if (r.ref.kind === kind) out.push(r as StoredResource & { object: T });
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
