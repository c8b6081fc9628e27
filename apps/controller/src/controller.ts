// The control-plane process: directory source → translation → snapshot cache → ADS server, admin on the side.
import 'reflect-metadata';
import { join, resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { describeRef, type ResourceSnapshot } from '@gatehouse/api';
import { DirectorySource, FileFirstSeen } from '@gatehouse/config-source';
import type { ResourceReport, TranslatorPlugin } from '@gatehouse/plugin-sdk';
import { AdsServer, SnapshotCache, shortType, type ProxyInfo } from '@gatehouse/xds';
import { AppModule } from './app.module.js';
import { BUILTIN_PLUGINS } from './builtin-plugins.js';
import { Log, type LogLevel } from './log.js';
import { Publisher, type PublishResult } from './publisher.js';
import { Quarantine, contentHash } from './quarantine.js';
import { resourceView } from './resource-view.js';

export interface ControllerOptions {
  configDir: string;
  xdsAddress?: string;
  xdsPort?: number;
  adminAddress?: string;
  adminPort?: number;
  dataDir?: string;
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
  last(): PublishResult | undefined;
  quarantine: Quarantine;
  close(): Promise<void>;
}

export async function startController(options: ControllerOptions): Promise<RunningController> {
  const log = new Log(options.logLevel ?? 'info');
  const cache = new SnapshotCache();
  const quarantine = new Quarantine();
  let lastResources: ResourceSnapshot | undefined;
  /** Per gateway and type: the resource versions some proxy last ACKed (what "changed since the last ACK" means). */
  const acked = new Map<string, Map<string, Map<string, string>>>();
  /** Per gateway: each source resource's content hash when a proxy last ACKed (sources changed since are suspects). */
  const ackedSources = new Map<string, Map<string, string>>();
  let republish = () => {};
  const ads = new AdsServer({
    cache,
    callbacks: {
      onAck: (p, type, version) => {
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
      onStreamOpen: (p) =>
        p.knownGateway
          ? log.info(`proxy connected: node=${p.nodeId} gateway=${p.nodeGroup} (${p.protocol})`)
          : log.warn(`proxy connected: node=${p.nodeId} names gateway "${p.nodeGroup}", which Gatehouse does not know; it is served an empty configuration`),
      onStreamClosed: (p) => log.info(`proxy disconnected: node=${p.nodeId} gateway=${p.nodeGroup}`),
      onNack: (p, type, nack) => {
        log.warn(`proxy ${p.nodeId} rejected ${shortType(type)} ${nack.version ?? ''}: ${nack.message}`);
        const translation = last?.translation;
        if (!translation || !lastResources) return;
        const current = cache.getSnapshot(p.nodeGroup).get(type);
        const ackedOfType = acked.get(p.nodeGroup)?.get(type) ?? new Map<string, string>();
        const changed = [...current.values()].filter((r) => ackedOfType.get(r.name) !== r.version).map((r) => r.name);
        const before = ackedSources.get(p.nodeGroup);
        const sourceChanged = (key: string) => !before || before.get(key) !== contentHash(lastResources!.resources.get(key));
        const added = quarantine.onNack({ gateway: p.nodeGroup, typeUrl: type, message: nack.message, resourceNames: nack.resourceNames }, translation, lastResources, changed, sourceChanged, new Date().toISOString());
        const fresh = added.filter((e) => !e.confirmed);
        if (fresh.length === 0) return;
        for (const e of fresh) log.error(`quarantined ${describeRef(e.ref)} (${e.kind === 'source' ? 'left out of translation' : `${e.envoyResources.join(', ')} left out of ${e.gateway}`}): Envoy said: ${e.message}`);
        setImmediate(republish);
      },
    },
  });
  const plugins = [...BUILTIN_PLUGINS, ...(options.plugins ?? [])];
  const publisher = new Publisher(cache, ads.codec.encoder, plugins, options.envoyBindAddress ?? '0.0.0.0', options.hookBudgetMs ?? 250);
  const dataDir = resolve(options.dataDir ?? '.gatehouse');
  const source = new DirectorySource({ dir: resolve(options.configDir), firstSeen: new FileFirstSeen(join(dataDir, 'first-seen.json')) });
  let last: PublishResult | undefined;
  let previousMessages = new Map<string, string>();

  const onSnapshot = (snapshot: ResourceSnapshot) => {
    try {
      lastResources = snapshot;
      for (const e of quarantine.release(snapshot)) log.info(`${describeRef(e.ref)} changed: released from quarantine, trying it again`);
      last = publisher.publish(quarantine.filter(snapshot), (gw) => quarantine.excludedEnvoyResources(gw));
      last.translation.reports = quarantine.annotate(last.translation.reports);
      previousMessages = logReports(log, last, previousMessages);
      const gw = last.published.length ? ` gateways=${last.published.join(',')}` : '';
      log.info(`translated ${snapshot.resources.size} resources in ${last.durationMs.toFixed(1)} ms${gw}`);
      for (const [g, problems] of Object.entries(last.held)) {
        log.error(`gateway ${g} keeps its previous configuration: ${problems.join('; ')}`);
      }
    } catch (err) {
      // Never crash on input: keep serving the last good snapshots.
      log.error(`translation failed, previous configuration kept: ${(err as Error).stack ?? String(err)}`);
    }
  };

  republish = () => {
    if (lastResources) onSnapshot(lastResources);
  };

  const xdsPort = await ads.listen(options.xdsAddress ?? '127.0.0.1', options.xdsPort ?? 9977);
  await source.watch(onSnapshot);
  const app: INestApplication = await NestFactory.create(
    AppModule.create({
      ready: () => last !== undefined,
      readiness: () => (last ? 'ready' : 'configuration not translated yet'),
      proxies: (): ProxyInfo[] => ads.proxies(),
      resources: () => (last && lastResources ? resourceView(lastResources, last.translation) : []),
    }),
    { logger: ['error', 'warn'] },
  );
  await app.listen(options.adminPort ?? 9091, options.adminAddress ?? '127.0.0.1');
  const adminAddr = app.getHttpServer().address() as { port: number };
  log.info(`xDS on ${options.xdsAddress ?? '127.0.0.1'}:${xdsPort}, admin on http://${options.adminAddress ?? '127.0.0.1'}:${adminAddr.port}, config from ${resolve(options.configDir)}`);

  return {
    xdsPort,
    adminPort: adminAddr.port,
    cache,
    ads,
    quarantine,
    last: () => last,
    async close() {
      source.close();
      ads.forceClose();
      await app.close();
    },
  };
}

/** Logs each rejection or warning once, when it appears; and when it clears. */
function logReports(log: Log, result: PublishResult, previous: Map<string, string>): Map<string, string> {
  const now = new Map<string, string>();
  for (const p of result.translation.problems) {
    const key = `problem:${p.file}:${p.line}:${p.message}`;
    now.set(key, key);
    if (!previous.has(key)) log.error(`${p.file ?? ''}${p.line ? `:${p.line}` : ''}: ${p.message}`);
  }
  for (const r of result.translation.reports as ResourceReport[]) {
    if (r.state === 'accepted') continue;
    const text = r.messages.join('; ') || summarize(r);
    const key = `${describeRef(r.ref)}`;
    now.set(key, text);
    if (previous.get(key) !== text) (r.state === 'rejected' ? log.error : log.warn)(`${r.state}: ${text}`);
  }
  for (const [key] of previous) if (!now.has(key) && !key.startsWith('problem:')) log.info(`${key}: accepted`);
  return now;
}

function summarize(r: ResourceReport): string {
  const failing = [...r.conditions, ...(r.parents ?? []).flatMap((p) => p.conditions)].filter((c) => c.status === 'False');
  return `${describeRef(r.ref)}: ${failing.map((c) => `${c.type}=${c.reason} ${c.message}`).join('; ')}`;
}
