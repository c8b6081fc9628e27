// Standalone mode: discovery results kept in memory and laid over the source's snapshot — discovered Upstreams
// added, discovered functions merged into their Upstream (written functions win), discovery failures as warnings on
// the Upstream — as a snapshot that says what changed, so translation stays incremental.
import type { KubeObject, ResourceRef, ResourceSnapshot, SourceProblem, StoredResource } from '@gatehouse/api';
import { DISCOVERED_BY_LABEL, describeRef, type DiscoveredUpstream, type DiscoveryStatus, type UpstreamFunction } from '@gatehouse/plugin-sdk';
import { mergeFunctions, upstreamKey, type DiscoverySink } from './sink.js';

interface Made {
  discoverer: string;
  upstream: DiscoveredUpstream;
  stored: StoredResource;
}

export class MemorySink implements DiscoverySink {
  /** Upstreams made by upstream discoverers, by key. */
  private readonly made = new Map<string, Made>();
  private readonly firstSeen = new Map<string, string>();
  /** Functions by Upstream key, then discoverer. */
  private readonly functionsOf = new Map<string, Map<string, readonly UpstreamFunction[]>>();
  private readonly statusOf = new Map<string, Map<string, DiscoveryStatus>>();
  /** The overlaid Upstream per key, kept while its inputs are the same objects (identity = unchanged). */
  private augmented = new Map<string, { base: StoredResource; functions: readonly UpstreamFunction[]; stored: StoredResource }>();
  private last: { source: ResourceSnapshot; merged: ResourceSnapshot } | undefined;

  /** Called when the overlay changed (translate again). */
  constructor(private readonly onChange: () => void) {}

  async upstreams(discoverer: string, wanted: readonly DiscoveredUpstream[]): Promise<void> {
    let changed = false;
    const keep = new Set<string>();
    for (const u of wanted) {
      const key = upstreamKey(u.namespace, u.name);
      keep.add(key);
      const prev = this.made.get(key);
      if (prev && prev.discoverer === discoverer && JSON.stringify(prev.upstream) === JSON.stringify(u)) continue;
      if (!this.firstSeen.has(key)) this.firstSeen.set(key, new Date().toISOString());
      const object: KubeObject = {
        apiVersion: 'gatehouse.dev/v1alpha1',
        kind: 'Upstream',
        metadata: { name: u.name, namespace: u.namespace, labels: { ...u.labels, [DISCOVERED_BY_LABEL]: discoverer } },
        spec: u.spec,
      } as KubeObject;
      const ref: ResourceRef = { kind: 'Upstream', namespace: u.namespace, name: u.name };
      const stored: StoredResource = Object.freeze({
        key,
        ref,
        object: deepFreeze(object),
        origin: { source: 'inline' as const },
        createdAt: this.firstSeen.get(key)!,
      });
      this.made.set(key, { discoverer, upstream: u, stored });
      changed = true;
    }
    for (const [key, m] of this.made) {
      if (m.discoverer !== discoverer || keep.has(key)) continue;
      this.made.delete(key);
      this.firstSeen.delete(key);
      changed = true;
    }
    if (changed) this.onChange();
  }

  async functions(discoverer: string, upstream: ResourceRef, functions: readonly UpstreamFunction[] | undefined, status: DiscoveryStatus): Promise<void> {
    const key = upstreamKey(upstream.namespace, upstream.name);
    const before = this.statusOf.get(key)?.get(discoverer);
    this.statusOf.set(key, (this.statusOf.get(key) ?? new Map()).set(discoverer, status));
    let changed = before?.state !== status.state || before?.error?.message !== status.error?.message;
    if (functions) {
      const prev = this.functionsOf.get(key)?.get(discoverer);
      if (!prev || JSON.stringify(prev) !== JSON.stringify(functions)) {
        this.functionsOf.set(key, (this.functionsOf.get(key) ?? new Map()).set(discoverer, functions));
        changed = true;
      }
    }
    if (changed) this.onChange();
  }

  async forget(discoverer: string, upstream: ResourceRef): Promise<void> {
    const key = upstreamKey(upstream.namespace, upstream.name);
    const hadFunctions = this.functionsOf.get(key)?.delete(discoverer) ?? false;
    const hadStatus = this.statusOf.get(key)?.delete(discoverer) ?? false;
    if (hadFunctions || hadStatus) this.onChange();
  }

  /** The discovery status of every Upstream, by key and discoverer. */
  statuses(): Map<string, Record<string, DiscoveryStatus>> {
    return new Map([...this.statusOf].map(([k, m]) => [k, Object.fromEntries(m)]));
  }

  /** The source's snapshot with discovery laid over it. The same source and overlay give the same snapshot. */
  merge(source: ResourceSnapshot): ResourceSnapshot {
    const resources = new Map(source.resources);
    const problems: SourceProblem[] = [...source.problems];
    for (const [key, m] of this.made) {
      const existing = source.resources.get(key);
      if (existing) {
        // A written Upstream of that name stays as written.
        problems.push({
          origin: existing.origin,
          ref: existing.ref,
          severity: 'warning',
          message: `discovery (${m.discoverer}) would make ${describeRef(existing.ref)} too; the written one is kept (rename it, or opt its source out with the gatehouse.dev/discovery: disabled label)`,
        });
        continue;
      }
      resources.set(key, m.stored);
    }
    const augmented = new Map<string, { base: StoredResource; functions: readonly UpstreamFunction[]; stored: StoredResource }>();
    for (const [key, byDiscoverer] of this.functionsOf) {
      const base = resources.get(key);
      if (!base || byDiscoverer.size === 0) continue;
      const discovered = [...byDiscoverer.keys()].sort().flatMap((d) => byDiscoverer.get(d)!);
      const prev = this.augmented.get(key);
      const same = prev && prev.base === base && prev.functions.length === discovered.length && prev.functions.every((f, i) => f === discovered[i]);
      const entry = same ? prev : { base, functions: discovered, stored: withFunctions(base, discovered) };
      augmented.set(key, entry);
      resources.set(key, entry.stored);
    }
    this.augmented = augmented;
    for (const [key, byDiscoverer] of this.statusOf) {
      const stored = resources.get(key);
      if (!stored) continue;
      for (const [d, s] of byDiscoverer) {
        if (s.state !== 'Failed' || !s.error) continue;
        const where = s.error.line ? ` at line ${s.error.line}` : '';
        const src = s.error.source ? ` (${s.error.source.slice(0, 200)})` : '';
        problems.push({
          origin: stored.origin,
          ref: stored.ref,
          severity: 'warning',
          message: `discovery (${d}) failed${src}: ${s.error.code}${where}: ${s.error.message.slice(0, 500)}`,
        });
      }
    }
    const merged = this.withChanges(source, resources, problems);
    this.last = { source, merged };
    return merged;
  }

  private withChanges(source: ResourceSnapshot, resources: Map<string, StoredResource>, problems: SourceProblem[]): ResourceSnapshot {
    const prev = this.last;
    const revision = {};
    if (!prev?.merged.revision) return { resources, problems, revision };
    // Keys whose merged object may differ: what the source says changed, and anything the overlay touched now or before.
    let candidates: Iterable<string>;
    if (prev.source === source)
      candidates = new Set(
        [...prev.merged.resources.keys(), ...resources.keys()].filter(
          (k) => !source.resources.has(k) || resources.get(k) !== source.resources.get(k) || prev.merged.resources.get(k) !== source.resources.get(k),
        ),
      );
    else if (source.changes && source.changes.since === prev.source.revision) {
      const overlaid = [...resources.keys(), ...prev.merged.resources.keys()].filter(
        (k) => resources.get(k) !== source.resources.get(k) || prev.merged.resources.get(k) !== prev.source.resources.get(k),
      );
      candidates = new Set([...source.changes.keys, ...overlaid]);
    } else return { resources, problems, revision };
    const keys = new Set<string>();
    for (const k of candidates) if (resources.get(k) !== prev.merged.resources.get(k)) keys.add(k);
    return { resources, problems, revision, changes: { since: prev.merged.revision, keys } };
  }
}

function withFunctions(base: StoredResource, discovered: readonly UpstreamFunction[]): StoredResource {
  const obj = base.object as KubeObject & { spec?: { functions?: UpstreamFunction[] } };
  const object = deepFreeze({ ...obj, spec: { ...obj.spec, functions: mergeFunctions(obj.spec?.functions, discovered) } }) as KubeObject;
  return Object.freeze({ ...base, object });
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
