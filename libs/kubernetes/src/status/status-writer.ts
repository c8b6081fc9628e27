// Writes Gateway API status back to the cluster: only what changed, rate-limited, with optimistic concurrency (a
// 409 re-reads and recomputes), and only while this replica leads. Reports are skipped by identity when neither the
// report nor the object changed since they were last compared, so 10,000 unchanged routes cost 10,000 lookups.
import { isDeepStrictEqual } from 'node:util';
import { CONTROLLER_NAME, registeredKind, resourceKey } from '@gatehouse/api';
import type { ResourceReport } from '@gatehouse/plugin-sdk';
import { objectPath } from '../kinds.js';
import type { KubeApi } from '../kube-api.js';
import type { KubernetesSource } from '../kubernetes-source.js';
import { desiredStatus, STATUS_KINDS, type Status, type StatusContext } from './desired-status.js';
import { TokenBucket } from './token-bucket.js';

export interface StatusWriterLog {
  info(m: string): void;
  warn(m: string): void;
  debug?(m: string): void;
}

export interface StatusWriterOptions {
  api: KubeApi;
  source: KubernetesSource;
  log?: StatusWriterLog;
  /** Status writes per second, sustained (default 200) and in a burst (default 1000). */
  qps?: number;
  burst?: number;
  /** Writes in flight at once (default 32). */
  concurrency?: number;
  /** Gateways: the addresses their Envoys serve on. */
  addresses?: (gatewayKey: string) => Array<{ type: string; value: string }>;
  bundleVersion?: () => string | undefined;
  supportedVersions?: readonly string[];
  now?: () => string;
}

export interface StatusWriterStats {
  writes: number;
  conflicts: number;
  errors: number;
  skipped: number;
  pending: number;
}

interface FreshObject {
  metadata: { resourceVersion: string; generation?: number };
  status?: Status;
}

interface Checked {
  report: ResourceReport;
  resourceVersion: string;
}

export class StatusWriter {
  private leading = false;
  private reports = new Map<string, ResourceReport>();
  /** What was last found in sync (or written), by key: skipped while both report and object are the same. */
  private readonly checked = new Map<string, Checked>();
  private readonly queue = new Set<string>();
  private inFlight = 0;
  private readonly bucket: TokenBucket;
  private readonly idle: Array<() => void> = [];
  readonly stats: StatusWriterStats = { writes: 0, conflicts: 0, errors: 0, skipped: 0, pending: 0 };

  constructor(private readonly options: StatusWriterOptions) {
    this.bucket = new TokenBucket(options.qps ?? 200, options.burst ?? 1000);
  }

  /** Only the leader writes; becoming leader compares everything again. */
  setLeading(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    this.checked.clear();
    if (leading) this.update([...this.reports.values()]);
    else this.queue.clear();
  }

  /** The outcome of the latest translation: every report (unchanged ones are cheap). */
  update(reports: readonly ResourceReport[]): void {
    const next = new Map<string, ResourceReport>();
    for (const r of reports) if (writesStatus(r)) next.set(resourceKey(r.ref), r);
    this.reports = next;
    if (!this.leading) return;
    for (const [key, report] of next) {
      const live = this.options.source.liveObject(key);
      if (!live) continue;
      const c = this.checked.get(key);
      if (c && c.report === report && c.resourceVersion === live.resourceVersion) continue;
      this.queue.add(key);
    }
    this.pump();
  }

  /** Resolves when nothing is queued or in flight (tests, benchmarks, shutdown). */
  settled(): Promise<void> {
    if (this.queue.size === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    const limit = this.options.concurrency ?? 32;
    while (this.leading && this.inFlight < limit && this.queue.size > 0) {
      const key = this.queue.values().next().value as string;
      this.queue.delete(key);
      this.inFlight++;
      void this.sync(key).finally(() => {
        this.inFlight--;
        this.stats.pending = this.queue.size + this.inFlight;
        this.pump();
        if (this.queue.size === 0 && this.inFlight === 0) for (const done of this.idle.splice(0)) done();
      });
    }
    this.stats.pending = this.queue.size + this.inFlight;
  }

  private context(key: string, generation: number | undefined): StatusContext {
    const bundle = this.options.bundleVersion?.();
    return {
      now: this.options.now?.() ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      ...(generation !== undefined ? { generation } : {}),
      ...(this.options.addresses && key.startsWith('Gateway/') ? { addresses: this.options.addresses(key.slice('Gateway/'.length)) } : {}),
      ...(bundle ? { bundleVersion: bundle } : {}),
      ...(this.options.supportedVersions ? { supportedVersions: this.options.supportedVersions } : {}),
    };
  }

  /** Brings one object's status in line with its report: at most a few attempts on conflicts. */
  private async sync(key: string): Promise<void> {
    const report = this.reports.get(key);
    let live = this.options.source.liveObject(key);
    if (!report || !live) return;
    for (let attempt = 0; attempt < 5; attempt++) {
      const desired = notOurs(report, live.status) ? undefined : desiredStatus(report, live.status, this.context(key, live.generation));
      if (!desired || isDeepStrictEqual(normalize(desired), normalize(live.status ?? {}))) {
        this.checked.set(key, { report, resourceVersion: live.resourceVersion });
        this.stats.skipped++;
        return;
      }
      await this.bucket.take();
      if (!this.leading) return;
      const { namespace, name } = report.ref;
      const path = `${objectPath(live.kind, namespace, name)}/status`;
      try {
        const written = await this.options.api.request<{ metadata: { resourceVersion: string }; status?: Status }>('PATCH', path, {
          body: { metadata: { resourceVersion: live.resourceVersion }, status: desired },
        });
        this.stats.writes++;
        this.checked.set(key, { report, resourceVersion: written.metadata.resourceVersion });
        return;
      } catch (err) {
        const status = (err as { status?: number }).status;
        if (status === 404) return; // deleted meanwhile
        if (status !== 409) {
          this.stats.errors++;
          this.options.log?.warn(
            `status of ${report.ref.kind} ${namespace ? `${namespace}/` : ''}${name} not written: ${(err as Error).message}; retried on the next change`,
          );
          return;
        }
        // Someone else wrote it: read it again and recompute from what is there now.
        this.stats.conflicts++;
        const fresh: FreshObject | undefined = await this.options.api
          .request<FreshObject>('GET', objectPath(live.kind, namespace, name))
          .catch(() => undefined);
        if (!fresh) return;
        live = {
          kind: live.kind,
          resourceVersion: fresh.metadata.resourceVersion,
          ...(fresh.metadata.generation !== undefined ? { generation: fresh.metadata.generation } : {}),
          ...(fresh.status ? { status: fresh.status } : {}),
        };
      }
    }
  }
}

/**
 * A route none of whose parents is Gatehouse's (they are another controller's), or a BackendTLSPolicy no route of
 * Gatehouse's uses, whose status holds no entry of Gatehouse's either: there is nothing of ours to write, not even an
 * empty list.
 */
function notOurs(report: ResourceReport, status: Status | undefined): boolean {
  const [entries, field] = report.ref.kind === 'BackendTLSPolicy' || report.ancestors ? [report.ancestors ?? [], 'ancestors'] : [report.parents, 'parents'];
  if (entries === undefined || entries.length > 0) return false;
  const current: unknown[] = Array.isArray(status?.[field]) ? (status[field] as unknown[]) : [];
  return !current.some((p) => (p as { controllerName?: unknown } | null)?.controllerName === CONTROLLER_NAME);
}

/** Built-in kinds Gatehouse writes status for, and the policy kinds plugins own (their status.ancestors). */
function writesStatus(r: ResourceReport): boolean {
  return STATUS_KINDS.has(r.ref.kind) || registeredKind(r.ref.kind)?.attach === 'targetRefs';
}

/** Status as the API server returns it: drops fields it would drop (undefined), for comparison. */
function normalize(s: Status): unknown {
  return JSON.parse(JSON.stringify(s));
}
