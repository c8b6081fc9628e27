// Translation: each snapshot from the source → the Publisher (incremental translation, encoded and checked
// snapshots in the cache; what cannot be served is left out and reported on its sources) → status and reports after
// the push, coalesced. Closes the NACK loop: what a proxy
// refuses is traced to its sources, quarantined, and the configuration republished without it.
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { describeRef, resourceKey, type ResourceSnapshot, type StoredResource } from '@gatehouse/api';
import type { Translation } from '@gatehouse/engine';
import type { ResourceReport } from '@gatehouse/plugin-sdk';
import type { StatusInput } from '@gatehouse/reporter';
import type { ProxyInfo } from '@gatehouse/xds';
import { Log } from '../log.js';
import { Metrics } from '../metrics.js';
import { CONTROLLER_OPTIONS, type ControllerOptions } from '../options.js';
import { locallyBindable } from '../local-addresses.js';
import { annotateRefusals } from '../envoy-refusals.js';
import { Publisher, type PublishResult } from '../publisher.js';
import { Quarantine, contentHash } from '../quarantine.js';
import { logReports } from '../report-log.js';
import { refusedResources, type RefusedResource } from '../resource-view.js';
import { ReporterService } from './reporter.service.js';
import { XdsService, type NackInfo, type ProxyFeedback } from './xds.service.js';

type ReportsListener = (reports: readonly ResourceReport[], translation: Translation) => void;

@Injectable()
export class TranslationService implements OnModuleInit, ProxyFeedback {
  readonly quarantine = new Quarantine();
  private readonly publisher: Publisher;
  private lastResources: ResourceSnapshot | undefined;
  private lastResult: PublishResult | undefined;
  /** Per gateway and type: the resource versions some proxy last ACKed (what "changed since the last ACK" means). */
  private readonly acked = new Map<string, Map<string, Map<string, string>>>();
  /** Per gateway: each source resource's content hash when a proxy last ACKed (sources changed since are suspects). */
  private readonly ackedSources = new Map<string, Map<string, string>>();
  private previousMessages = new Map<string, string>();
  private refusedBefore = new Set<string>();
  private reportScheduled = false;
  private readonly reportListeners: ReportsListener[] = [];
  /** One status per resource; unchanged stored object and report keep their status object (the reporter skips it). */
  private statusCache = new Map<string, { stored: StoredResource; report: ResourceReport | undefined; status: StatusInput }>();

  constructor(
    @Inject(CONTROLLER_OPTIONS) options: ControllerOptions,
    @Inject(Log) private readonly log: Log,
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(XdsService) private readonly xds: XdsService,
    @Inject(ReporterService) private readonly reports: ReporterService,
  ) {
    // The encoder decides which plugins load (a plugin whose declared protos do not load is left out).
    const plugins = xds.plugins;
    // Envoys run on this machine (standalone mode, local provisioning, hand-started): a Gateway IP it lacks cannot be
    // bound. Provisioned into a cluster, Envoy runs elsewhere: every address is the cluster's business.
    const local = options.provision?.mode !== 'kubernetes';
    this.publisher = new Publisher(
      xds.cache,
      xds.encoder,
      plugins,
      options.envoyBindAddress ?? '0.0.0.0',
      options.hookBudgetMs ?? 250,
      local ? locallyBindable : undefined,
      local,
    );
  }

  onModuleInit(): void {
    this.xds.setFeedback(this);
  }

  /** The last translated inputs and their translation, for the admin API. */
  current(): { resources: ResourceSnapshot; translation: Translation } | undefined {
    return this.lastResult && this.lastResources ? { resources: this.lastResources, translation: this.lastResult.translation } : undefined;
  }

  last(): PublishResult | undefined {
    return this.lastResult;
  }

  /** Called with every translation's reports (after the push), e.g. to write status to the cluster. */
  onReports(listener: ReportsListener): void {
    this.reportListeners.push(listener);
  }

  /** Discovery: told every source snapshot, and lays its results over it before translation (standalone mode). */
  private overlay: ((source: ResourceSnapshot) => ResourceSnapshot) | undefined;
  private readonly sourceListeners: Array<(source: ResourceSnapshot) => void> = [];
  private lastSource: ResourceSnapshot | undefined;

  onSource(listener: (source: ResourceSnapshot) => void): void {
    this.sourceListeners.push(listener);
  }

  setOverlay(overlay: (source: ResourceSnapshot) => ResourceSnapshot): void {
    this.overlay = overlay;
  }

  /** The overlay changed: translate the last source snapshot again. */
  refresh(): void {
    if (this.lastSource) this.translate(this.lastSource);
  }

  readonly onSnapshot = (source: ResourceSnapshot): void => {
    this.lastSource = source;
    for (const l of this.sourceListeners) l(source);
    this.translate(source);
  };

  private translate(source: ResourceSnapshot): void {
    let snapshot = source;
    try {
      if (this.overlay) snapshot = this.overlay(source);
    } catch (err) {
      this.log.error(`discovery results could not be laid over the configuration; translating without them: ${(err as Error).stack ?? String(err)}`);
    }
    try {
      this.lastResources = snapshot;
      for (const e of this.quarantine.release(snapshot)) this.log.info(`${describeRef(e.ref)} changed: released from quarantine, trying it again`);
      const result = this.publisher.publish(this.quarantine.filter(snapshot), (gw) => this.quarantine.excludedEnvoyResources(gw));
      this.lastResult = result;
      this.metrics.translationSeconds.observe(result.durationMs / 1000);
      for (const g of result.published) this.metrics.snapshotVersion.inc({ gateway: g });
      const gw = result.published.length ? ` gateways=${result.published.join(',')}` : '';
      const how = result.translation.stats.incremental ? ` (incremental: ${result.translation.stats.routes} routes redone)` : '';
      this.log.info(`translated ${snapshot.resources.size} resources in ${result.durationMs.toFixed(1)} ms${how}${gw}`);
      // Said once while it lasts (it is on the resource's status all along).
      const refused = new Set<string>();
      for (const f of result.refused) {
        if (f.scope === 'held') continue;
        const line = `${f.message}; ${f.scope === 'source' ? `left out, the rest of gateway ${f.gateway} is served` : `left out of gateway ${f.gateway}`}`;
        refused.add(line);
        if (!this.refusedBefore.has(line)) this.log.error(line);
      }
      this.refusedBefore = refused;
      for (const [g, problems] of Object.entries(result.held)) this.log.error(`gateway ${g} keeps its previous configuration: ${problems.join('; ')}`);
      if (!this.reportScheduled) {
        this.reportScheduled = true;
        setTimeout(() => this.report(), 0);
      }
    } catch (err) {
      // Never crash on input: keep serving the last good snapshots.
      this.log.error(`translation failed, previous configuration kept: ${(err as Error).stack ?? String(err)}`);
    }
  }

  private republish(): void {
    if (this.lastSource) this.translate(this.lastSource);
  }

  /** Status, metrics of outcomes, report logs and the report database: after the push, once per burst. */
  private report(): void {
    this.reportScheduled = false;
    const result = this.lastResult;
    const snapshot = this.lastResources;
    if (!result || !snapshot) return;
    try {
      const started = performance.now();
      result.translation.reports = this.quarantine.annotate(annotateRefusals(result.translation.reports, result.refused));
      this.previousMessages = logReports(this.log, result.translation, this.previousMessages);
      const rejected: Record<string, number> = {};
      for (const r of result.translation.reports) if (r.state === 'rejected') rejected[r.ref.kind] = (rejected[r.ref.kind] ?? 0) + 1;
      this.metrics.setRejected(rejected);
      this.metrics.quarantined.set(this.quarantine.list().length);
      this.reports.reporter.record(this.statusInputs(snapshot, result.translation.reports));
      for (const l of this.reportListeners) l(result.translation.reports, result.translation);
      this.log.debug(`status of ${snapshot.resources.size} resources recorded in ${(performance.now() - started).toFixed(1)} ms`);
    } catch (err) {
      this.log.error(`recording status failed: ${(err as Error).stack ?? String(err)}`);
    }
  }

  private statusInputs(snapshot: ResourceSnapshot, reports: readonly ResourceReport[]): StatusInput[] {
    const byKey = new Map(reports.map((r) => [resourceKey(r.ref), r]));
    const next = new Map<string, { stored: StoredResource; report: ResourceReport | undefined; status: StatusInput }>();
    const out: StatusInput[] = [];
    for (const stored of snapshot.resources.values()) {
      const report = byKey.get(stored.key);
      const prev = this.statusCache.get(stored.key);
      const status = prev && prev.stored === stored && prev.report === report ? prev.status : toStatus(stored, report);
      next.set(stored.key, { stored, report, status });
      out.push(status);
    }
    this.statusCache = next;
    // Refused by the source (invalid): rejected resources too, with a status and a history like any other.
    for (const refused of refusedResources(snapshot)) out.push(toStatus(refused, byKey.get(refused.key), 'rejected'));
    return out;
  }

  onAck(p: ProxyInfo, type: string, version: string): void {
    const cache = this.xds.cache;
    if (!cache.has(p.nodeGroup)) return;
    const snap = cache.getSnapshot(p.nodeGroup);
    if (snap.version(type) !== version) return;
    const byType = this.acked.get(p.nodeGroup) ?? new Map<string, Map<string, string>>();
    byType.set(type, new Map([...snap.get(type).values()].map((r) => [r.name, r.version])));
    this.acked.set(p.nodeGroup, byType);
    if (this.lastResources) this.ackedSources.set(p.nodeGroup, new Map([...this.lastResources.resources.values()].map((r) => [r.key, contentHash(r)])));
    for (const e of this.quarantine.confirm(p.nodeGroup)) {
      this.log.info(`proxy ${p.nodeId} ACKed the configuration without ${describeRef(e.ref)} (${e.envoyResources.join(', ')})`);
    }
  }

  onNack(p: ProxyInfo, type: string, nack: NackInfo): void {
    const last = this.lastResult;
    const resources = this.lastResources;
    if (!last || !resources || !this.xds.cache.has(p.nodeGroup)) return;
    const current = this.xds.cache.getSnapshot(p.nodeGroup).get(type);
    const ackedOfType = this.acked.get(p.nodeGroup)?.get(type) ?? new Map<string, string>();
    const changed = [...current.values()].filter((r) => ackedOfType.get(r.name) !== r.version).map((r) => r.name);
    const before = this.ackedSources.get(p.nodeGroup);
    const sourceChanged = (key: string) => !before || before.get(key) !== contentHash(resources.resources.get(key));
    let added: ReturnType<Quarantine['onNack']>;
    try {
      added = this.quarantine.onNack(
        { gateway: p.nodeGroup, typeUrl: type, message: nack.message, resourceNames: nack.resourceNames },
        last.translation,
        resources,
        changed,
        sourceChanged,
        new Date().toISOString(),
      );
    } catch (err) {
      // The last translation failed after the NACKed one was published: nothing reliable to attribute it to.
      this.log.warn(`could not attribute the NACK: ${(err as Error).message}`);
      return;
    }
    const fresh = added.filter((e) => !e.confirmed);
    if (fresh.length === 0) return;
    for (const e of fresh)
      this.log.error(
        `quarantined ${describeRef(e.ref)} (${e.kind === 'source' ? 'left out of translation' : `${e.envoyResources.join(', ')} left out of ${e.gateway}`}): Envoy said: ${e.message}`,
      );
    setImmediate(() => this.republish());
  }
}

function toStatus(stored: StoredResource | RefusedResource, report: ResourceReport | undefined, fallback: ResourceReport['state'] = 'accepted'): StatusInput {
  const parents = (report?.parents ?? []).flatMap((p) =>
    p.conditions.map((c) => ({ ...c, parent: `${p.parentRef.namespace}/${p.parentRef.name}${p.parentRef.sectionName ? `/${p.parentRef.sectionName}` : ''}` })),
  );
  return {
    key: stored.key,
    kind: stored.ref.kind,
    namespace: stored.ref.namespace,
    name: stored.ref.name,
    contentHash: 'object' in stored ? contentHash(stored) : stored.contentHash,
    state: report?.state ?? fallback,
    conditions: [...(report?.conditions ?? []), ...parents] as unknown as Array<Record<string, unknown>>,
    messages: report?.messages ?? [],
  };
}
