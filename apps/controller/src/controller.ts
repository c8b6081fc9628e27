// The control-plane process: directory source → translation → snapshot cache → ADS server; the reporter and the
// admin API on the side.
import 'reflect-metadata';
import { join, resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { describeRef, resourceKey, type ResourceSnapshot, type StoredResource } from '@gatehouse/api';
import { setupApiDocs } from '@gatehouse/admin';
import { DirectorySource, FileFirstSeen } from '@gatehouse/config-source';
import type { ResourceReport, TranslatorPlugin } from '@gatehouse/plugin-sdk';
import { Reporter, type StatusInput } from '@gatehouse/reporter';
import { AdsServer, ControlPlaneCa, PUSH_ORDER, SnapshotCache, shortType, type ProxyInfo, type XdsServerTls } from '@gatehouse/xds';
import { AppModule } from './app.module.js';
import { BUILTIN_PLUGINS } from './builtin-plugins.js';
import { controlPlaneView } from './control-plane-view.js';
import { Log, type LogLevel } from './log.js';
import { Metrics } from './metrics.js';
import { Publisher, type PublishResult } from './publisher.js';
import { Quarantine, contentHash } from './quarantine.js';
import { logReports } from './report-log.js';
import { refusedResources, type RefusedResource } from './resource-view.js';

export interface ControllerOptions {
  configDir: string;
  xdsAddress?: string;
  xdsPort?: number;
  /**
   * Serve xDS over mTLS: a control-plane CA in <data-dir>/xds-ca/ signs the server's certificate and each proxy's
   * (`gatehouse bootstrap --xds-tls`), and a proxy is served only the Gateway its certificate names.
   */
  xdsTls?: boolean;
  /** Allow plaintext xDS on a non-loopback address (logged loudly on every start). */
  xdsInsecure?: boolean;
  adminAddress?: string;
  adminPort?: number;
  /** Required for /api when the admin API is bound beyond loopback. */
  adminToken?: string;
  dataDir?: string;
  /** PostgreSQL URL for reports; SQLite at <data-dir>/gatehouse.db otherwise. */
  db?: string;
  /** History entries kept per resource. */
  historyRetention?: number;
  /** Where Envoy listeners bind when a Gateway has no spec.addresses. */
  envoyBindAddress?: string;
  logLevel?: LogLevel;
  /** User plugins, run after the built-in ones. */
  plugins?: readonly TranslatorPlugin[];
  /** A plugin hook slower than this rejects the resource it was processing (default 250 ms). */
  hookBudgetMs?: number;
}

export interface RunningController {
  xdsPort: number;
  adminPort: number;
  cache: SnapshotCache;
  ads: AdsServer;
  reporter: Reporter;
  last(): PublishResult | undefined;
  quarantine: Quarantine;
  close(): Promise<void>;
}

function toStatus(stored: StoredResource | RefusedResource, report: ResourceReport | undefined, fallback: ResourceReport['state'] = 'accepted'): StatusInput {
  const parents = (report?.parents ?? []).flatMap((p) => p.conditions.map((c) => ({ ...c, parent: `${p.parentRef.namespace}/${p.parentRef.name}${p.parentRef.sectionName ? `/${p.parentRef.sectionName}` : ''}` })));
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

export function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || address.startsWith('127.');
}

export async function startController(options: ControllerOptions): Promise<RunningController> {
  const adminAddress = options.adminAddress ?? '127.0.0.1';
  if (!isLoopback(adminAddress) && !options.adminToken) {
    throw new Error(`--admin-address ${adminAddress} is not loopback: set GATEHOUSE_ADMIN_TOKEN or --admin-token-file so /api needs a bearer token`);
  }
  const xdsAddress = options.xdsAddress ?? '127.0.0.1';
  const xdsPlaintextBeyondLoopback = !isLoopback(xdsAddress) && !options.xdsTls;
  if (xdsPlaintextBeyondLoopback && !options.xdsInsecure) {
    throw new Error(
      `--xds-address ${xdsAddress} is not loopback: without client authentication any process that reaches it gets every Gateway's configuration and TLS private keys. ` +
        'Serve xDS with mTLS (--xds-tls, and give each Envoy a bootstrap from gatehouse bootstrap --xds-tls), or accept plaintext with --xds-insecure',
    );
  }
  const log = new Log(options.logLevel ?? 'info');
  const metrics = new Metrics();
  const cache = new SnapshotCache();
  const quarantine = new Quarantine();
  const dataDir = resolve(options.dataDir ?? '.gatehouse');
  const reporter = new Reporter({ ...(options.db ? { db: options.db } : {}), sqlitePath: join(dataDir, 'gatehouse.db'), historyRetention: options.historyRetention ?? 100, log });
  let lastResources: ResourceSnapshot | undefined;
  let last: PublishResult | undefined;
  /** Per gateway and type: the resource versions some proxy last ACKed (what "changed since the last ACK" means). */
  const acked = new Map<string, Map<string, Map<string, string>>>();
  /** Per gateway: each source resource's content hash when a proxy last ACKed (sources changed since are suspects). */
  const ackedSources = new Map<string, Map<string, string>>();
  let republish = () => {};

  const proxyRow = (p: ProxyInfo, disconnectedAt: string | null = null) => {
    const lastNack = Object.entries(p.types).filter(([, t]) => t.lastNack).sort(([, a], [, b]) => (a.lastNack!.at < b.lastNack!.at ? 1 : -1))[0];
    reporter.recordProxy({
      id: `${p.nodeId}@${p.connectedAt}#${p.streamId}`,
      nodeId: p.nodeId,
      gateway: p.nodeGroup,
      protocol: p.protocol,
      connectedAt: p.connectedAt,
      disconnectedAt,
      versions: Object.fromEntries(Object.entries(p.types).map(([t, s]) => [shortType(t), { ...(s.sentVersion ? { sent: s.sentVersion } : {}), ...(s.ackedVersion ? { acked: s.ackedVersion } : {}) }])),
      lastNack: lastNack ? { type: shortType(lastNack[0]), message: lastNack[1].lastNack!.message, at: lastNack[1].lastNack!.at } : null,
      updatedAt: new Date().toISOString(),
    });
  };

  let xdsTls: XdsServerTls | undefined;
  if (options.xdsTls) {
    const ca = await ControlPlaneCa.loadOrCreate(join(dataDir, 'xds-ca'));
    const server = await ca.issueServer([xdsAddress]);
    xdsTls = { caPem: ca.certPem, certPem: server.certPem, keyPem: server.keyPem };
    log.info(`xDS requires mTLS: proxies need a client certificate from the CA in ${ca.dir} (gatehouse bootstrap --xds-tls --data-dir ${options.dataDir ?? '.gatehouse'})`);
  } else if (xdsPlaintextBeyondLoopback) {
    log.warn(`INSECURE: xDS serves plaintext on ${xdsAddress} (--xds-insecure): any process that reaches it gets every Gateway's configuration and TLS private keys. Use --xds-tls.`);
  }
  /** Metric labels: a node group the client made up is not a label value (labels are kept forever). */
  const gatewayLabels = new Map<number, string>();
  const knownTypes = new Set<string>(PUSH_ORDER);
  const ads = new AdsServer({
    cache,
    ...(xdsTls ? { tls: xdsTls } : {}),
    callbacks: {
      onStreamOpen: (p) => {
        const label = p.knownGateway ? p.nodeGroup : '(unknown)';
        gatewayLabels.set(p.streamId, label);
        metrics.connectedProxies.inc({ gateway: label, protocol: p.protocol });
        proxyRow(p);
        if (p.knownGateway) log.info(`proxy connected: node=${p.nodeId} gateway=${p.nodeGroup} (${p.protocol})`);
        else if (cache.servable(p.nodeGroup)) log.warn(`proxy connected: node=${p.nodeId} names gateway "${p.nodeGroup}", which was deleted; it is served an empty configuration`);
        else log.warn(`proxy connected: node=${p.nodeId} names gateway "${p.nodeGroup}", which Gatehouse has no configuration for (yet); its requests are held until it has one (is the Gateway in ${resolve(options.configDir)}?)`);
      },
      onStreamClosed: (p) => {
        metrics.connectedProxies.dec({ gateway: gatewayLabels.get(p.streamId) ?? '(unknown)', protocol: p.protocol });
        gatewayLabels.delete(p.streamId);
        proxyRow(p, new Date().toISOString());
        log.info(`proxy disconnected: node=${p.nodeId} gateway=${p.nodeGroup}`);
      },
      onStreamRefused: (r) => log.warn(`xDS stream from ${r.peer} refused (${r.code}): ${r.message}`),
      onAck: (p, type, version) => {
        proxyRow(p);
        if (!cache.has(p.nodeGroup)) return;
        const snap = cache.getSnapshot(p.nodeGroup);
        if (snap.version(type) !== version) return;
        const byType = acked.get(p.nodeGroup) ?? new Map<string, Map<string, string>>();
        byType.set(type, new Map([...snap.get(type).values()].map((r) => [r.name, r.version])));
        acked.set(p.nodeGroup, byType);
        if (lastResources) ackedSources.set(p.nodeGroup, new Map([...lastResources.resources.values()].map((r) => [r.key, contentHash(r)])));
        for (const e of quarantine.confirm(p.nodeGroup)) {
          log.info(`proxy ${p.nodeId} ACKed the configuration without ${describeRef(e.ref)} (${e.envoyResources.join(', ')})`);
        }
      },
      onNack: (p, type, nack) => {
        metrics.nacks.inc({ gateway: gatewayLabels.get(p.streamId) ?? '(unknown)', type: knownTypes.has(type) ? shortType(type) : '(other)' });
        proxyRow(p);
        log.warn(`proxy ${p.nodeId} rejected ${shortType(type)} ${nack.version ?? ''}: ${nack.message}`);
        if (!last || !lastResources) return;
        const current = cache.getSnapshot(p.nodeGroup).get(type);
        const ackedOfType = acked.get(p.nodeGroup)?.get(type) ?? new Map<string, string>();
        const changed = [...current.values()].filter((r) => ackedOfType.get(r.name) !== r.version).map((r) => r.name);
        const before = ackedSources.get(p.nodeGroup);
        const resources = lastResources;
        const sourceChanged = (key: string) => !before || before.get(key) !== contentHash(resources.resources.get(key));
        let added: ReturnType<Quarantine['onNack']>;
        try {
          added = quarantine.onNack({ gateway: p.nodeGroup, typeUrl: type, message: nack.message, resourceNames: nack.resourceNames }, last.translation, resources, changed, sourceChanged, new Date().toISOString());
        } catch (err) {
          // The last translation failed after the NACKed one was published: nothing reliable to attribute it to.
          log.warn(`could not attribute the NACK: ${(err as Error).message}`);
          return;
        }
        const fresh = added.filter((e) => !e.confirmed);
        if (fresh.length === 0) return;
        for (const e of fresh) log.error(`quarantined ${describeRef(e.ref)} (${e.kind === 'source' ? 'left out of translation' : `${e.envoyResources.join(', ')} left out of ${e.gateway}`}): Envoy said: ${e.message}`);
        setImmediate(republish);
      },
    },
  });
  const plugins = [...BUILTIN_PLUGINS, ...(options.plugins ?? [])];
  const publisher = new Publisher(cache, ads.codec.encoder, plugins, options.envoyBindAddress ?? '0.0.0.0', options.hookBudgetMs ?? 250);
  const source = new DirectorySource({ dir: resolve(options.configDir), firstSeen: new FileFirstSeen(join(dataDir, 'first-seen.json')) });
  let previousMessages = new Map<string, string>();

  // One status per resource; a resource whose stored object and report are the same objects as last time keeps its
  // status object (the reporter then recognises it without comparing).
  let statusCache = new Map<string, { stored: StoredResource; report: ResourceReport | undefined; status: StatusInput }>();
  const statusInputs = (snapshot: ResourceSnapshot, reports: readonly ResourceReport[]): StatusInput[] => {
    const byKey = new Map(reports.map((r) => [resourceKey(r.ref), r]));
    const next = new Map<string, { stored: StoredResource; report: ResourceReport | undefined; status: StatusInput }>();
    const out: StatusInput[] = [];
    for (const stored of snapshot.resources.values()) {
      const report = byKey.get(stored.key);
      const prev = statusCache.get(stored.key);
      const status = prev && prev.stored === stored && prev.report === report ? prev.status : toStatus(stored, report);
      next.set(stored.key, { stored, report, status });
      out.push(status);
    }
    statusCache = next;
    // Refused by the source (invalid): rejected resources too, with a status and a history like any other.
    for (const refused of refusedResources(snapshot)) out.push(toStatus(refused, byKey.get(refused.key), 'rejected'));
    return out;
  };

  // Status, metrics of outcomes, report logs and the report database: after the new configuration is on its way to
  // the proxies, and coalesced (a burst of changes is reported once, for its last translation).
  let reportScheduled = false;
  const report = () => {
    reportScheduled = false;
    const result = last;
    const snapshot = lastResources;
    if (!result || !snapshot) return;
    try {
      const started = performance.now();
      result.translation.reports = quarantine.annotate(result.translation.reports);
      previousMessages = logReports(log, result.translation, previousMessages);
      const rejected: Record<string, number> = {};
      for (const r of result.translation.reports) if (r.state === 'rejected') rejected[r.ref.kind] = (rejected[r.ref.kind] ?? 0) + 1;
      metrics.setRejected(rejected);
      metrics.quarantined.set(quarantine.list().length);
      reporter.record(statusInputs(snapshot, result.translation.reports));
      log.debug(`status of ${snapshot.resources.size} resources recorded in ${(performance.now() - started).toFixed(1)} ms`);
    } catch (err) {
      log.error(`recording status failed: ${(err as Error).stack ?? String(err)}`);
    }
  };

  const onSnapshot = (snapshot: ResourceSnapshot) => {
    try {
      lastResources = snapshot;
      for (const e of quarantine.release(snapshot)) log.info(`${describeRef(e.ref)} changed: released from quarantine, trying it again`);
      const result = publisher.publish(quarantine.filter(snapshot), (gw) => quarantine.excludedEnvoyResources(gw));
      last = result;
      metrics.translationSeconds.observe(result.durationMs / 1000);
      for (const g of result.published) metrics.snapshotVersion.inc({ gateway: g });
      const gw = result.published.length ? ` gateways=${result.published.join(',')}` : '';
      const how = result.translation.stats.incremental ? ` (incremental: ${result.translation.stats.routes} routes redone)` : '';
      log.info(`translated ${snapshot.resources.size} resources in ${result.durationMs.toFixed(1)} ms${how}${gw}`);
      for (const [g, problems] of Object.entries(result.held)) log.error(`gateway ${g} keeps its previous configuration: ${problems.join('; ')}`);
      if (!reportScheduled) {
        reportScheduled = true;
        setTimeout(report, 0);
      }
    } catch (err) {
      // Never crash on input: keep serving the last good snapshots.
      log.error(`translation failed, previous configuration kept: ${(err as Error).stack ?? String(err)}`);
    }
  };
  republish = () => {
    if (lastResources) onSnapshot(lastResources);
  };

  reporter.start();
  const xdsPort = await ads.listen(xdsAddress, options.xdsPort ?? 9977);
  await source.watch(onSnapshot);
  const view = controlPlaneView({
    current: () => (last && lastResources ? { resources: lastResources, translation: last.translation } : undefined),
    ads,
    cache,
    reporter,
    metrics,
    ...(options.adminToken ? { token: options.adminToken } : {}),
  });
  const app: INestApplication = await NestFactory.create(AppModule.create(view), { logger: ['error', 'warn'] });
  setupApiDocs(app, '0.1.0');
  await app.listen(options.adminPort ?? 9091, adminAddress);
  const adminAddr = app.getHttpServer().address() as { port: number };
  log.info(`xDS on ${options.xdsAddress ?? '127.0.0.1'}:${xdsPort}, admin on http://${adminAddress}:${adminAddr.port}, config from ${resolve(options.configDir)}, reports in ${options.db ? 'PostgreSQL' : join(dataDir, 'gatehouse.db')}`);

  return {
    xdsPort,
    adminPort: adminAddr.port,
    cache,
    ads,
    reporter,
    quarantine,
    last: () => last,
    async close() {
      source.close();
      ads.forceClose();
      await app.close();
      await reporter.close();
    },
  };
}
