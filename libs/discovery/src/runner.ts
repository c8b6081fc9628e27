// Runs the enabled discoverers: upstream discoverers on every configuration change (at most once a second) and on
// their interval; function discoverers per target Upstream, each on its own schedule, at most `concurrency` at once,
// within `timeoutMs`, backing off after failures. Results and statuses go to a sink; a failure stays on its own
// Upstream's status and never stops the others.
import { createHash } from 'node:crypto';
import { resourceKey, resourcesOfKind, type ResourceRef, type ResourceSnapshot, type StoredResource } from '@gatehouse/api';
import {
  DiscoveryError,
  type DiscoveredUpstream,
  type Discoverer,
  type DiscoveryContext,
  type DiscoveryProblem,
  type DiscoveryStatus,
  type FunctionDiscoverer,
  type UpstreamDiscoverer,
  type UpstreamFunction,
} from '@gatehouse/plugin-sdk';
import { scopeFor } from './scope.js';
import type { DiscovererSettings, DiscoverySettings } from './settings.js';
import { normalizeFunctions, type DiscoverySink } from './sink.js';

export interface DiscoveryLog {
  debug(m: string): void;
  info(m: string): void;
  warn(m: string): void;
}

export interface DiscoveryMetrics {
  /** One run of a discoverer (an upstream discoverer's pass, or one target of a function discoverer). */
  run(discoverer: string, seconds: number, ok: boolean): void;
  /** What a discoverer has found now. */
  found(discoverer: string, upstreams: number, functions: number): void;
}

export type SecretReader = (namespace: string, name: string, signal: AbortSignal) => Promise<Record<string, string> | undefined>;

export interface DiscoveryRunnerOptions {
  discoverers: readonly Discoverer[];
  settings: DiscoverySettings;
  sink: DiscoverySink;
  secrets: SecretReader;
  log: DiscoveryLog;
  metrics?: DiscoveryMetrics;
  /** How often due work is looked for (default 500 ms). */
  tickMs?: number;
  /** Whether this replica discovers now (Kubernetes mode: the leader only). */
  active?: () => boolean;
}

interface Target {
  ref: ResourceRef;
  configHash: string;
  nextRunAt: number;
  failures: number;
  running: boolean;
  functions?: UpstreamFunction[];
  status: DiscoveryStatus;
}

/** A discoverer as the admin API shows it. */
export interface DiscovererView {
  name: string;
  kind: 'upstreams' | 'functions';
  enabled: boolean;
  settings: DiscovererSettings;
  lastRun?: string;
  error?: DiscoveryProblem;
  upstreams: number;
  functions: number;
}

const MIN_GAP_MS = 1000;

function problemOf(err: unknown, timedOut: boolean, timeoutMs: number): DiscoveryProblem {
  if (err instanceof DiscoveryError) return err.toProblem();
  if (timedOut) return { code: 'Timeout', message: `no answer within ${timeoutMs} ms` };
  const e = err as { name?: string; code?: string; message?: string };
  return { code: e.code ?? e.name ?? 'Error', message: String(e.message ?? err).slice(0, 1000) };
}

/** A hash of what discovery reads from an Upstream: its spec without the functions it writes, and its labels. */
function configHash(stored: StoredResource): string {
  const { functions: _f, ...spec } = ((stored.object as { spec?: Record<string, unknown> }).spec ?? {}) as Record<string, unknown>;
  return createHash('sha256')
    .update(JSON.stringify([spec, stored.object.metadata.labels ?? {}]))
    .digest('hex')
    .slice(0, 16);
}

export class DiscoveryRunner {
  private snapshot: ResourceSnapshot | undefined;
  private snapshotSeen = new Map<string, ResourceSnapshot | undefined>();
  private readonly targets = new Map<string, Map<string, Target>>();
  private readonly passes = new Map<string, { running: boolean; lastAt: number; lastRun?: string; error?: DiscoveryProblem; count: number }>();
  private timer: NodeJS.Timeout | undefined;
  private readonly closing = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly o: DiscoveryRunnerOptions) {
    this.current = o.settings;
  }

  /** New settings (a Settings resource changed): a disabled discoverer's results are withdrawn. */
  setSettings(settings: DiscoverySettings): void {
    const before = this.current;
    this.current = settings;
    for (const d of this.o.discoverers) {
      if (!before[d.name]?.enabled || settings[d.name]?.enabled) continue;
      this.withdraw(d);
    }
    this.snapshotSeen.clear();
    for (const targets of this.targets.values()) for (const t of targets.values()) t.nextRunAt = Math.min(t.nextRunAt, Date.now());
    this.tick();
  }

  private withdraw(d: Discoverer): void {
    const snapshot = this.snapshot;
    if (!snapshot) return;
    if (d.kind === 'upstreams') {
      this.passes.delete(d.name);
      this.track(this.o.sink.upstreams(d.name, [], snapshot).catch((err: Error) => this.o.log.warn(`discovery ${d.name}: withdrawing: ${err.message}`)));
      return;
    }
    for (const t of this.targets.get(d.name)?.values() ?? [])
      this.track(this.o.sink.forget(d.name, t.ref, snapshot).catch((err: Error) => this.o.log.warn(`discovery ${d.name}: withdrawing: ${err.message}`)));
    this.targets.delete(d.name);
  }

  private current: DiscoverySettings;

  private settings(name: string): DiscovererSettings | undefined {
    const s = this.current[name];
    return s?.enabled ? s : undefined;
  }

  get enabled(): string[] {
    return this.o.discoverers.filter((d) => this.settings(d.name)).map((d) => d.name);
  }

  /** A new configuration snapshot from the source. */
  update(snapshot: ResourceSnapshot): void {
    this.snapshot = snapshot;
    this.tick();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.o.tickMs ?? 500);
    this.timer.unref();
    this.tick();
  }

  /** Stops scheduling, aborts what runs, and waits for it to settle. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.closing.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Each discoverer's state, for the admin API. */
  view(): DiscovererView[] {
    return this.o.discoverers.map((d) => {
      const settings = this.current[d.name];
      const targets = [...(this.targets.get(d.name)?.values() ?? [])];
      const pass = this.passes.get(d.name);
      return {
        name: d.name,
        kind: d.kind,
        enabled: !!settings?.enabled,
        settings: settings!,
        ...(pass?.lastRun ? { lastRun: pass.lastRun } : {}),
        ...(pass?.error ? { error: pass.error } : {}),
        upstreams: d.kind === 'upstreams' ? (pass?.count ?? 0) : targets.length,
        functions: targets.reduce((n, t) => n + (t.functions?.length ?? 0), 0),
      };
    });
  }

  /** Each Upstream's discovery status, by Upstream key and discoverer. */
  statuses(): Map<string, Record<string, DiscoveryStatus>> {
    const out = new Map<string, Record<string, DiscoveryStatus>>();
    for (const [name, targets] of this.targets) {
      for (const [key, t] of targets) out.set(key, { ...out.get(key), [name]: t.status });
    }
    return out;
  }

  private tick(): void {
    const snapshot = this.snapshot;
    if (!snapshot || this.closing.signal.aborted || (this.o.active && !this.o.active())) return;
    for (const d of this.o.discoverers) {
      const settings = this.settings(d.name);
      if (!settings) continue;
      if (d.kind === 'upstreams') this.tickUpstreams(d, settings, snapshot);
      else this.tickFunctions(d, settings, snapshot);
    }
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private context(d: Discoverer, settings: DiscovererSettings, snapshot: ResourceSnapshot, signal: AbortSignal): DiscoveryContext {
    const scope = scopeFor(settings, snapshot);
    const log = this.o.log;
    return {
      snapshot,
      signal,
      inScope: (obj) => scope(obj),
      secret: (ns, name) => this.o.secrets(ns, name, signal),
      log: {
        debug: (m) => log.debug(`discovery ${d.name}: ${m}`),
        info: (m) => log.info(`discovery ${d.name}: ${m}`),
        warn: (m) => log.warn(`discovery ${d.name}: ${m}`),
      },
    };
  }

  private tickUpstreams(d: UpstreamDiscoverer, settings: DiscovererSettings, snapshot: ResourceSnapshot): void {
    const pass = this.passes.get(d.name) ?? { running: false, lastAt: 0, count: 0 };
    this.passes.set(d.name, pass);
    const now = Date.now();
    const changed = this.snapshotSeen.get(d.name) !== snapshot;
    if (pass.running || now - pass.lastAt < MIN_GAP_MS || (!changed && now - pass.lastAt < settings.intervalMs)) return;
    pass.running = true;
    pass.lastAt = now;
    this.snapshotSeen.set(d.name, snapshot);
    const run = async () => {
      const started = performance.now();
      const timeout = AbortSignal.timeout(settings.timeoutMs);
      const signal = AbortSignal.any([timeout, this.closing.signal]);
      let ok = false;
      try {
        let wanted: DiscoveredUpstream[] = [...(await d.discover(this.context(d, settings, snapshot, signal)))];
        wanted.sort((a, b) => (a.namespace + '/' + a.name < b.namespace + '/' + b.name ? -1 : 1));
        if (wanted.length > settings.maxUpstreams) {
          this.o.log.warn(
            `discovery ${d.name}: found ${wanted.length} upstreams, more than maxUpstreams (${settings.maxUpstreams}): only the first ${settings.maxUpstreams} (by namespace/name) are made; narrow the scope (namespaces, selector, opt-in labels)`,
          );
          wanted = wanted.slice(0, settings.maxUpstreams);
        }
        await this.o.sink.upstreams(d.name, wanted, snapshot);
        pass.count = wanted.length;
        delete pass.error;
        ok = true;
      } catch (err) {
        if (this.closing.signal.aborted) return;
        pass.error = problemOf(err, timeout.aborted, settings.timeoutMs);
        this.o.log.warn(`discovery ${d.name} failed: ${pass.error.code}: ${pass.error.message}`);
      } finally {
        pass.running = false;
        pass.lastRun = new Date().toISOString();
        this.o.metrics?.run(d.name, (performance.now() - started) / 1000, ok);
        this.o.metrics?.found(d.name, pass.count, 0);
      }
    };
    this.track(run());
  }

  private tickFunctions(d: FunctionDiscoverer, settings: DiscovererSettings, snapshot: ResourceSnapshot): void {
    let targets = this.targets.get(d.name);
    if (!targets) this.targets.set(d.name, (targets = new Map()));
    const scope = scopeFor(settings, snapshot);
    const now = Date.now();
    const current = new Set<string>();
    for (const stored of resourcesOfKind(snapshot, 'Upstream')) {
      if (!d.appliesTo(stored) || !scope(stored.object, d.explicit?.(stored) ?? false)) continue;
      current.add(stored.key);
      const hash = configHash(stored);
      const t = targets.get(stored.key);
      if (!t) targets.set(stored.key, { ref: stored.ref, configHash: hash, nextRunAt: now, failures: 0, running: false, status: { state: 'Pending' } });
      else if (t.configHash !== hash) {
        // What discovery reads changed: look again now, without the backoff of the old configuration.
        t.configHash = hash;
        t.nextRunAt = now;
        t.failures = 0;
      }
    }
    for (const [key, t] of targets) {
      if (current.has(key) || t.running) continue;
      targets.delete(key);
      this.track(this.o.sink.forget(d.name, t.ref, snapshot).catch((err: Error) => this.o.log.warn(`discovery ${d.name}: forgetting ${key}: ${err.message}`)));
    }
    let running = [...targets.values()].filter((t) => t.running).length;
    const due = [...targets.entries()]
      .filter(([, t]) => !t.running && t.nextRunAt <= now)
      .sort((a, b) => a[1].nextRunAt - b[1].nextRunAt || (a[0] < b[0] ? -1 : 1));
    for (const [key, t] of due) {
      if (running >= settings.concurrency) break;
      const stored = snapshot.resources.get(key);
      if (!stored) continue;
      running++;
      t.running = true;
      this.track(this.runTarget(d, settings, snapshot, stored, t));
    }
  }

  private async runTarget(d: FunctionDiscoverer, settings: DiscovererSettings, snapshot: ResourceSnapshot, stored: StoredResource, t: Target): Promise<void> {
    const started = performance.now();
    const timeout = AbortSignal.timeout(settings.timeoutMs);
    const signal = AbortSignal.any([timeout, this.closing.signal]);
    let ok = false;
    let functions: UpstreamFunction[] | undefined;
    try {
      const found = await d.discover(this.context(d, settings, snapshot, signal), stored);
      const all = normalizeFunctions(found.functions);
      functions = all.slice(0, settings.maxFunctions);
      const at = new Date().toISOString();
      t.status = {
        state: 'Discovered',
        lastRun: at,
        lastSuccess: at,
        functions: functions.length,
        ...(all.length > functions.length ? { truncated: true } : {}),
        ...(found.source ? { source: found.source } : {}),
      };
      t.functions = functions;
      t.failures = 0;
      t.nextRunAt = Date.now() + settings.intervalMs;
      ok = true;
    } catch (err) {
      if (this.closing.signal.aborted) return;
      const error = problemOf(err, timeout.aborted, settings.timeoutMs);
      t.failures++;
      t.nextRunAt = Date.now() + Math.min(settings.backoffMs * 2 ** (t.failures - 1), settings.maxBackoffMs);
      const { lastSuccess, functions: count, source } = t.status;
      t.status = {
        state: 'Failed',
        lastRun: new Date().toISOString(),
        ...(lastSuccess ? { lastSuccess } : {}),
        ...(count !== undefined ? { functions: count } : {}),
        ...(source ? { source } : {}),
        error,
      };
      this.o.log.warn(
        `discovery ${d.name}: ${resourceKey(t.ref)}: ${error.code}: ${error.message}${error.line ? ` (line ${error.line})` : ''}; retrying in ${Math.round((t.nextRunAt - Date.now()) / 1000)} s`,
      );
    } finally {
      t.running = false;
      this.o.metrics?.run(d.name, (performance.now() - started) / 1000, ok);
      const targets = [...(this.targets.get(d.name)?.values() ?? [])];
      this.o.metrics?.found(
        d.name,
        targets.length,
        targets.reduce((n, x) => n + (x.functions?.length ?? 0), 0),
      );
    }
    // Still a target (not forgotten meanwhile): record the outcome.
    if (this.targets.get(d.name)?.get(stored.key) !== t) return;
    try {
      await this.o.sink.functions(d.name, t.ref, functions, t.status, this.snapshot ?? snapshot);
    } catch (err) {
      this.o.log.warn(`discovery ${d.name}: recording ${resourceKey(t.ref)}: ${(err as Error).message}`);
    }
  }
}
