// The reporter: every resource's status and history, and proxy state, persisted with TypeORM. Serving never
// waits for it: `record*` only updates memory; a timer flushes batches; an outage only delays the writes.
import { DataSource, In, type Repository } from 'typeorm';
import {
  ENTITIES,
  ProxyStateEntity,
  ResourceHistoryEntity,
  ResourceStatusEntity,
  type ProxyStateRow,
  type ResourceHistoryRow,
  type ResourceStatusRow,
} from './entities.js';
import { MIGRATIONS } from './migrations.js';

export interface ReporterLog {
  info(m: string): void;
  warn(m: string): void;
}

export interface ReporterOptions {
  /** A PostgreSQL URL (`postgres://...`); otherwise SQLite at `sqlitePath`. */
  db?: string;
  sqlitePath: string;
  /** History entries kept per resource (default 100). */
  historyRetention?: number;
  flushIntervalMs?: number;
  /** Disconnected proxies kept in proxy_state, newest first (default 500). */
  proxyRetention?: number;
  /** Pending history entries kept through an outage before the oldest are dropped (default 100,000). */
  maxPendingHistory?: number;
  log?: ReporterLog;
  now?: () => string;
}

export interface StatusInput {
  key: string;
  kind: string;
  namespace: string;
  name: string;
  contentHash: string;
  generation?: number;
  state: string;
  conditions: Array<Record<string, unknown>>;
  messages: string[];
}

export interface ReportQuery {
  state?: string;
  kind?: string;
  namespace?: string;
  limit?: number;
  offset?: number;
}

/** JSON columns defeat TypeORM's deep-partial typing; the rows are complete. */
type Rows<T extends object> = Parameters<Repository<T>['upsert']>[0];

type Known = Pick<ResourceStatusRow, 'state' | 'contentHash' | 'firstSeen' | 'deletedAt'> & { fingerprint: string };

// Callers that pass the same (immutable) status object again for an unchanged resource get its fingerprint back.
const fingerprints = new WeakMap<object, string>();
const fingerprint = (s: { state: string; contentHash: string; conditions: Array<Record<string, unknown>>; messages: string[] }) => {
  let fp = fingerprints.get(s);
  if (!fp) fingerprints.set(s, (fp = JSON.stringify([s.state, s.contentHash, s.conditions.map((c) => ({ ...c, lastTransitionTime: undefined })), s.messages])));
  return fp;
};

export class Reporter {
  private ds: DataSource | undefined;
  private connecting: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly known = new Map<string, Known>();
  private loadedKnown = false;
  private readonly pendingStatus = new Map<string, ResourceStatusRow>();
  private pendingHistory: ResourceHistoryRow[] = [];
  private readonly pendingProxies = new Map<string, ProxyStateRow>();
  private droppedHistory = 0;
  private lastError: string | undefined;
  private readonly now: () => string;

  constructor(private readonly options: ReporterOptions) {
    this.now = options.now ?? (() => new Date().toISOString());
  }

  /** Starts background flushing. Resolves at once; the database may come later. */
  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs ?? 200);
    this.timer.unref();
    void this.flush();
  }

  get healthy(): boolean {
    return this.ds?.isInitialized === true && this.lastError === undefined;
  }

  status() {
    return {
      database: this.options.db ? 'postgres' : 'sqlite',
      healthy: this.healthy,
      lastError: this.lastError,
      pending: { statuses: this.pendingStatus.size, history: this.pendingHistory.length, proxies: this.pendingProxies.size },
      droppedHistory: this.droppedHistory,
    };
  }

  /**
   * The full current set of resource statuses (one translation's outcome). Cheap: memory only; a status object
   * passed again unchanged (the same object) costs a lookup.
   */
  record(statuses: StatusInput[]): void {
    const at = this.now();
    const present = new Set<string>();
    for (const s of statuses) {
      present.add(s.key);
      const fp = fingerprint(s);
      const prev = this.known.get(s.key);
      if (prev && prev.fingerprint === fp && prev.deletedAt === null) continue;
      const firstSeen = prev && prev.deletedAt === null ? prev.firstSeen : at;
      const row: ResourceStatusRow = { ...s, generation: s.generation ?? null, firstSeen, lastChange: at, deletedAt: null };
      this.known.set(s.key, { state: s.state, contentHash: s.contentHash, firstSeen, deletedAt: null, fingerprint: fp });
      this.pendingStatus.set(s.key, row);
      this.pushHistory({ resourceKey: s.key, at, state: s.state, contentHash: s.contentHash, conditions: s.conditions, messages: s.messages });
    }
    for (const [key, k] of this.known) {
      if (present.has(key) || k.deletedAt !== null) continue;
      k.deletedAt = at;
      const existing = this.pendingStatus.get(key);
      if (existing) existing.deletedAt = at;
      else
        this.pendingStatus.set(key, {
          ...this.keyParts(key),
          contentHash: k.contentHash,
          generation: null,
          state: k.state,
          conditions: [],
          messages: [],
          firstSeen: k.firstSeen,
          lastChange: at,
          deletedAt: at,
        });
      this.pushHistory({ resourceKey: key, at, state: 'deleted', contentHash: k.contentHash, conditions: [], messages: [] });
    }
  }

  /** A proxy's state. Everything in it came from a client, so it is bounded before it is kept or stored. */
  recordProxy(p: ProxyStateRow): void {
    const row = boundedProxyRow(p);
    this.pendingProxies.set(row.id, row);
  }

  private keyParts(key: string): Pick<ResourceStatusRow, 'key' | 'kind' | 'namespace' | 'name'> {
    const parts = key.split('/');
    return parts.length === 3 ? { key, kind: parts[0]!, namespace: parts[1]!, name: parts[2]! } : { key, kind: parts[0]!, namespace: '', name: parts[1] ?? '' };
  }

  private pushHistory(h: ResourceHistoryRow): void {
    this.pendingHistory.push(h);
    const max = this.options.maxPendingHistory ?? 100_000;
    if (this.pendingHistory.length > max) {
      const drop = this.pendingHistory.length - max;
      this.pendingHistory.splice(0, drop);
      this.droppedHistory += drop;
    }
  }

  private async connect(): Promise<void> {
    const ds = new DataSource({
      ...(this.options.db
        ? { type: 'postgres' as const, url: this.options.db, connectTimeoutMS: 2000 }
        : { type: 'better-sqlite3' as const, database: this.options.sqlitePath }),
      entities: ENTITIES,
      migrations: MIGRATIONS,
      migrationsRun: true,
      synchronize: false,
      logging: false,
    });
    await ds.initialize();
    this.ds = ds;
    if (!this.loadedKnown) {
      // After a restart: keep first-seen times, and do not write history for what did not change.
      for (const row of await ds.getRepository(ResourceStatusEntity).find()) {
        const mine = this.known.get(row.key);
        const dbFp = fingerprint(row);
        if (mine && mine.fingerprint === dbFp && row.deletedAt === null) {
          this.pendingStatus.delete(row.key);
          this.pendingHistory = this.pendingHistory.filter((h) => h.resourceKey !== row.key || fingerprint(h) !== dbFp);
        }
        if (mine) {
          mine.firstSeen = row.deletedAt === null ? row.firstSeen : mine.firstSeen;
          const pending = this.pendingStatus.get(row.key);
          if (pending && row.deletedAt === null) pending.firstSeen = row.firstSeen;
        } else if (row.deletedAt === null) {
          this.known.set(row.key, { state: row.state, contentHash: row.contentHash, firstSeen: row.firstSeen, deletedAt: null, fingerprint: dbFp });
        }
      }
      this.loadedKnown = true;
    }
  }

  /** Writes what is pending in one transaction. Errors keep it pending for the next attempt. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushOnce()).catch(() => undefined);
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    try {
      if (!this.ds?.isInitialized) {
        this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
        await this.connecting;
      }
      const statuses = [...this.pendingStatus.values()];
      const history = this.pendingHistory;
      const proxies = [...this.pendingProxies.values()];
      if (statuses.length + history.length + proxies.length === 0) {
        this.recovered();
        return;
      }
      this.pendingStatus.clear();
      this.pendingHistory = [];
      this.pendingProxies.clear();
      try {
        await this.ds!.transaction(async (m) => {
          for (let i = 0; i < statuses.length; i += 200)
            await m.getRepository(ResourceStatusEntity).upsert(statuses.slice(i, i + 200) as Rows<ResourceStatusRow>, ['key']);
          for (let i = 0; i < history.length; i += 200)
            await m.getRepository(ResourceHistoryEntity).insert(history.slice(i, i + 200) as Rows<ResourceHistoryRow>);
          for (const p of proxies) await m.getRepository(ProxyStateEntity).upsert(p as Rows<ProxyStateRow>, ['id']);
          if (proxies.some((p) => p.disconnectedAt !== null)) {
            // Disconnected proxies are history: only the newest are kept, so reconnecting clients cannot grow the table.
            const keep = Math.max(0, Math.floor(this.options.proxyRetention ?? 500));
            await m.query(
              `DELETE FROM proxy_state WHERE disconnected_at IS NOT NULL AND id NOT IN (SELECT id FROM proxy_state WHERE disconnected_at IS NOT NULL ORDER BY disconnected_at DESC, id DESC LIMIT ${keep})`,
            );
          }
          const touched = [...new Set(history.map((h) => h.resourceKey))];
          const keep = this.options.historyRetention ?? 100;
          for (const key of touched) {
            await m.query(
              `DELETE FROM resource_history WHERE resource_key = $1 AND id NOT IN (SELECT id FROM resource_history WHERE resource_key = $1 ORDER BY id DESC LIMIT ${Math.max(1, Math.floor(keep))})`.replace(
                /\$1/g,
                this.options.db ? '$1' : '?',
              ),
              this.options.db ? [key] : [key, key],
            );
          }
        });
      } catch (err) {
        // Put everything back (newer pending entries win) and try again later.
        for (const s of statuses) if (!this.pendingStatus.has(s.key)) this.pendingStatus.set(s.key, s);
        this.pendingHistory = [...history, ...this.pendingHistory];
        for (const p of proxies) if (!this.pendingProxies.has(p.id)) this.pendingProxies.set(p.id, p);
        throw err;
      }
      this.recovered();
    } catch (err) {
      const message = (err as Error).message;
      if (this.lastError !== message)
        this.options.log?.warn(`reporter: database unavailable (${message}); serving continues, reports are kept and written when it is back`);
      this.lastError = message;
      if (this.ds?.isInitialized && /terminat|ECONNREFUSED|ECONNRESET|Connection|closed/i.test(message)) await this.ds.destroy().catch(() => undefined);
    }
  }

  private recovered(): void {
    if (this.lastError !== undefined) this.options.log?.info('reporter: database reachable again; pending reports written');
    this.lastError = undefined;
  }

  private get db(): DataSource {
    if (!this.ds?.isInitialized) throw new ReporterUnavailable(this.lastError ?? 'not connected yet');
    return this.ds;
  }

  async reports(q: ReportQuery): Promise<{ items: ResourceStatusRow[]; total: number }> {
    const where: Record<string, unknown> = {};
    if (q.state) where['state'] = In(q.state.split(','));
    if (q.kind) where['kind'] = q.kind;
    if (q.namespace) where['namespace'] = q.namespace;
    const [items, total] = await this.db
      .getRepository(ResourceStatusEntity)
      .findAndCount({ where, order: { key: 'ASC' }, take: Math.min(q.limit ?? 100, 1000), skip: q.offset ?? 0 });
    return { items, total };
  }

  async history(key: string, limit = 100): Promise<ResourceHistoryRow[]> {
    return this.db.getRepository(ResourceHistoryEntity).find({ where: { resourceKey: key }, order: { id: 'DESC' }, take: limit });
  }

  async proxies(): Promise<ProxyStateRow[]> {
    return this.db.getRepository(ProxyStateEntity).find({ order: { connectedAt: 'DESC' } });
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    await this.ds?.destroy().catch(() => undefined);
  }
}

export class ReporterUnavailable extends Error {}

const MAX_TYPES = 32;
const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** A proxy row within the columns' sizes: client strings cut, at most MAX_TYPES xDS types, NACK messages bounded. */
export function boundedProxyRow(p: ProxyStateRow): ProxyStateRow {
  const versions: ProxyStateRow['versions'] = {};
  for (const [type, v] of Object.entries(p.versions).slice(0, MAX_TYPES)) {
    versions[cut(type, 200)] = {
      ...(v.sent !== undefined ? { sent: cut(String(v.sent), 128) } : {}),
      ...(v.acked !== undefined ? { acked: cut(String(v.acked), 128) } : {}),
    };
  }
  return {
    ...p,
    id: cut(p.id, 300),
    nodeId: cut(p.nodeId, 253),
    gateway: cut(p.gateway, 300),
    protocol: cut(p.protocol, 8),
    versions,
    lastNack: p.lastNack ? { type: cut(p.lastNack.type, 200), message: cut(p.lastNack.message, 4096), at: p.lastNack.at } : null,
  };
}
