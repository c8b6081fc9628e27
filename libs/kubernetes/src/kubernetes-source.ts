// Kubernetes mode's source: list+watch caches of every watched kind → immutable ResourceSnapshots that say what
// changed, so translation is as incremental as in standalone mode. Objects are already validated and defaulted by
// the API server; status and bookkeeping fields are left out of what translation sees (a status write of ours is not
// a change), but kept for the status writer, which must know what is there.
import { deepStrictEqual } from 'node:assert';
import type { KubernetesObject, ListWatch } from '@kubernetes/client-node';
import {
  isClusterScoped,
  resourceKey,
  type ConfigSource,
  type KubeObject,
  type ResourceRef,
  type ResourceSnapshot,
  type SourceProblem,
  type StoredResource,
} from '@gatehouse/api';
import { collectionPath, discoverKinds, missingKindHint, type KindSpec, type ServedKind } from './kinds.js';
import type { KubeApi } from './kube-api.js';

export interface KubernetesSourceLog {
  info(m: string): void;
  warn(m: string): void;
}

export interface KubernetesSourceOptions {
  api: KubeApi;
  /** Watch only these namespaces (namespaced kinds); all when empty. */
  namespaces?: readonly string[];
  /** Quiet time after the last event before a snapshot (default 25 ms): a burst becomes one translation. */
  debounceMs?: number;
  /** How often kinds whose CRDs were missing are looked for again (default 30 s). */
  rediscoverMs?: number;
  log?: KubernetesSourceLog;
}

/** What the cluster holds of an object beyond what translation reads: for the status writer. */
export interface LiveObject {
  kind: ServedKind;
  resourceVersion: string;
  generation?: number;
  status?: Record<string, unknown>;
}

interface Watched {
  kind: ServedKind;
  namespace?: string;
  informer: ListWatch<KubernetesObject>;
  backoffMs: number;
  timer?: NodeJS.Timeout;
}

export class KubernetesSource implements ConfigSource {
  private readonly resources = new Map<string, StoredResource>();
  private readonly live = new Map<string, LiveObject>();
  private readonly watched: Watched[] = [];
  private served: ServedKind[] = [];
  private missing: KindSpec[] = [];
  private changed = new Set<string>();
  private last: ResourceSnapshot | undefined;
  private emit: ((s: ResourceSnapshot) => void) | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private rediscover: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: KubernetesSourceOptions) {}

  get description(): string {
    return `the Kubernetes API at ${this.options.api.server}${this.options.namespaces?.length ? ` (namespaces ${this.options.namespaces.join(', ')})` : ''}`;
  }

  /** The served kinds, by kind name. */
  kinds(): ReadonlyMap<string, ServedKind> {
    return new Map(this.served.map((k) => [k.spec.kind, k]));
  }

  /** The cluster's view of an object (resourceVersion, generation, status), or undefined when it is gone. */
  liveObject(key: string): LiveObject | undefined {
    return this.live.get(key);
  }

  /** Kinds Gatehouse watches that this cluster does not serve (their CRDs are not installed). */
  missingKinds(): readonly string[] {
    return this.missing.map((m) => m.kind);
  }

  async watch(onSnapshot: (s: ResourceSnapshot) => void): Promise<void> {
    const { served, missing } = await discoverKinds(this.options.api);
    this.served = served;
    this.setMissing(missing);
    await Promise.all(served.map((k) => this.startKind(k)));
    this.emit = onSnapshot;
    this.flush();
    if (missing.length) this.scheduleRediscovery();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.debounce);
    clearTimeout(this.rediscover);
    for (const w of this.watched) {
      clearTimeout(w.timer);
      void w.informer.stop();
    }
  }

  private setMissing(kinds: KindSpec[]): void {
    const added = kinds.filter((k) => !this.missing.some((m) => m.kind === k.kind));
    if (added.length)
      this.options.log?.warn(
        `kubernetes: the cluster does not serve ${added.map(missingKindHint).join(', ')}: not watched; looked for again every ${Math.round((this.options.rediscoverMs ?? 30_000) / 1000)} s`,
      );
    this.missing = kinds;
  }

  private scheduleRediscovery(): void {
    this.rediscover = setTimeout(async () => {
      if (this.closed) return;
      try {
        const { served, missing } = await discoverKinds(this.options.api, this.missing);
        for (const k of served) {
          this.options.log?.info(`kubernetes: ${k.spec.kind} is served now (${k.apiVersion}): watching it`);
          this.served.push(k);
          await this.startKind(k);
        }
        this.missing = missing;
        if (served.length) this.schedule();
      } catch (err) {
        this.options.log?.warn(`kubernetes: API discovery failed: ${(err as Error).message}`);
      }
      if (this.missing.length) this.scheduleRediscovery();
    }, this.options.rediscoverMs ?? 30_000);
    this.rediscover.unref();
  }

  private async startKind(kind: ServedKind): Promise<void> {
    const scopes = kind.namespaced && this.options.namespaces?.length ? this.options.namespaces : [undefined];
    await Promise.all(scopes.map((namespace) => this.startInformer(kind, namespace)));
  }

  private async startInformer(kind: ServedKind, namespace: string | undefined): Promise<void> {
    const selectors = {
      ...(kind.spec.fieldSelector ? { fieldSelector: kind.spec.fieldSelector } : {}),
      ...(kind.spec.labelSelector ? { labelSelector: kind.spec.labelSelector } : {}),
    };
    const informer = this.options.api.listWatch<KubernetesObject>(collectionPath(kind, namespace), selectors);
    const w: Watched = { kind, informer, backoffMs: 500, ...(namespace ? { namespace } : {}) };
    this.watched.push(w);
    informer.on('add', (o) => this.upsert(kind, o));
    informer.on('update', (o) => this.upsert(kind, o));
    informer.on('delete', (o) => this.remove(kind, o));
    informer.on('connect', () => (w.backoffMs = 500));
    // Any error but an expired watch (which it handles itself) stops the informer: start it again, backing off.
    // Its cache is kept meanwhile, and the relist reconciles adds and deletes that happened while it was down.
    informer.on('error', (err: { message?: string; statusCode?: number }) => {
      if (this.closed) return;
      this.options.log?.warn(
        `kubernetes: watching ${kind.spec.kind}${namespace ? ` in ${namespace}` : ''} failed (${err?.statusCode ?? ''} ${err?.message ?? err}); retrying in ${w.backoffMs} ms`,
      );
      clearTimeout(w.timer);
      w.timer = setTimeout(() => void informer.start().catch(() => undefined), w.backoffMs);
      w.backoffMs = Math.min(w.backoffMs * 2, 30_000);
    });
    await informer.start();
  }

  private keyOf(kind: ServedKind, o: KubernetesObject): { key: string; ref: ResourceRef } {
    const name = o.metadata?.name ?? '';
    const ref: ResourceRef = {
      kind: kind.spec.kind,
      namespace: kind.namespaced && !isClusterScoped(kind.spec.kind) ? (o.metadata?.namespace ?? '') : '',
      name,
    };
    return { key: resourceKey(ref), ref };
  }

  private upsert(kind: ServedKind, o: KubernetesObject): void {
    const { key, ref } = this.keyOf(kind, o);
    const raw = o as KubernetesObject & { status?: Record<string, unknown> };
    this.live.set(key, {
      kind,
      resourceVersion: raw.metadata?.resourceVersion ?? '',
      ...(raw.metadata?.generation !== undefined ? { generation: raw.metadata.generation } : {}),
      ...(raw.status ? { status: raw.status } : {}),
    });
    const object = forTranslation(kind, raw);
    const prev = this.resources.get(key);
    if (prev && same(prev.object, object)) return; // a status write, a resync: nothing translation reads changed
    this.resources.set(key, { key, ref, object, origin: { source: 'kubernetes' }, createdAt: object.metadata.creationTimestamp ?? new Date(0).toISOString() });
    this.schedule(key);
  }

  private remove(kind: ServedKind, o: KubernetesObject): void {
    const { key } = this.keyOf(kind, o);
    // A kind watched twice (Secrets: TLS ones, and labelled credentials): leaving one watch is not a deletion.
    if (this.watched.some((w) => w.kind !== kind && w.kind.spec.kind === kind.spec.kind && w.informer.get(o.metadata?.name ?? '', o.metadata?.namespace)))
      return;
    this.live.delete(key);
    if (this.resources.delete(key)) this.schedule(key);
  }

  private schedule(key?: string): void {
    if (key) this.changed.add(key);
    if (!this.emit) return; // the first snapshot is emitted once every kind has listed
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.flush(), this.options.debounceMs ?? 25);
  }

  private flush(): void {
    if (this.closed || !this.emit) return;
    const problems: SourceProblem[] = [];
    for (const r of this.resources.values()) {
      const spec = this.served.find((s) => s.spec.kind === r.ref.kind)?.spec;
      if (spec && !spec.translated)
        problems.push({
          origin: { source: 'kubernetes' },
          ref: r.ref,
          severity: 'warning',
          message: `${r.ref.kind} is watched but not translated by Gatehouse yet: it has no effect on any proxy`,
        });
    }
    const revision = {};
    const snapshot: ResourceSnapshot = {
      resources: new Map(this.resources),
      problems,
      revision,
      ...(this.last?.revision ? { changes: { since: this.last.revision, keys: this.changed } } : {}),
    };
    this.changed = new Set();
    this.last = snapshot;
    this.emit(snapshot);
  }
}

/** The object translation reads: apiVersion and kind set (list items lack them), no status, no bookkeeping; frozen. */
function forTranslation(kind: ServedKind, o: KubernetesObject & { status?: unknown }): KubeObject {
  const { status: _s, ...rest } = o;
  const { managedFields: _m, resourceVersion: _r, ...metadata } = (o.metadata ?? {}) as Record<string, unknown>;
  return deepFreeze({ ...rest, apiVersion: kind.apiVersion, kind: kind.spec.kind, metadata }) as unknown as KubeObject;
}

function same(a: unknown, b: unknown): boolean {
  try {
    deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
