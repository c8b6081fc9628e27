// Discovery beside the configuration watcher: runs the enabled discoverers on every source snapshot and on their
// intervals. Kubernetes mode: results are Upstream custom resources (written by the leader only), which come back
// through the source like any other. Standalone mode: results stay in memory and are laid over each source snapshot
// before translation. Also what `GET /api/v1/upstreams` shows.
import { Inject, Injectable, Optional, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { resourcesOfKind, type ResourceSnapshot, type SourceProblem, type Upstream } from '@gatehouse/api';
import {
  BUILTIN_DISCOVERERS,
  DiscoveryRunner,
  KubeSink,
  MemorySink,
  commandLineSettings,
  kubeSecrets,
  snapshotSecrets,
  withSettingsResource,
  type DiscoverySettings,
} from '@gatehouse/discovery';
import { DISCOVERED_BY_LABEL, type DiscoveryStatus } from '@gatehouse/plugin-sdk';
import { Log } from '../log.js';
import { Metrics } from '../metrics.js';
import { CONTROLLER_OPTIONS, type ControllerOptions } from '../options.js';
import { ConfigSourceService } from './config-source.service.js';
import { StatusService } from './status.service.js';
import { TranslationService } from './translation.service.js';

/** The token the admin API's upstreams controller reads through (libs/admin upstreams.controller.ts). */
export const UPSTREAMS_VIEW = 'gatehouse.upstreams-view';

@Injectable()
export class DiscoveryService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  readonly runner: DiscoveryRunner;
  private readonly memory: MemorySink | undefined;
  private readonly base: DiscoverySettings;
  private source: ResourceSnapshot | undefined;
  private settingsKey = '';
  private settingsProblems: SourceProblem[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(CONTROLLER_OPTIONS) options: ControllerOptions,
    @Inject(Log) private readonly log: Log,
    @Inject(Metrics) metrics: Metrics,
    @Inject(TranslationService) private readonly translation: TranslationService,
    @Inject(ConfigSourceService) private readonly config: ConfigSourceService,
    @Optional() @Inject(StatusService) status?: StatusService,
  ) {
    const names = BUILTIN_DISCOVERERS.map((d) => d.name);
    this.base = commandLineSettings(names, options.discovery?.enabled ?? [], options.discovery?.defaults ?? {});
    const kube = config.kube;
    this.memory = kube ? undefined : new MemorySink(() => this.scheduleRefresh());
    this.runner = new DiscoveryRunner({
      discoverers: BUILTIN_DISCOVERERS,
      settings: this.base,
      sink: kube ? new KubeSink(kube.api, log) : this.memory!,
      secrets: kube ? kubeSecrets(kube.api) : snapshotSecrets(() => this.source),
      log,
      metrics: {
        run: (d, seconds, ok) => {
          metrics.discoveryRuns.inc({ discoverer: d });
          if (!ok) metrics.discoveryErrors.inc({ discoverer: d });
          metrics.discoverySeconds.observe({ discoverer: d }, seconds);
        },
        found: (d, upstreams, functions) => {
          metrics.discoveredUpstreams.set({ discoverer: d }, upstreams);
          metrics.discoveredFunctions.set({ discoverer: d }, functions);
        },
      },
      // Kubernetes mode: one writer, the leader.
      ...(status ? { active: () => status.leading } : {}),
    });
  }

  onModuleInit(): void {
    const memory = this.memory;
    if (memory) this.translation.setOverlay((source) => withProblems(memory.merge(source), this.settingsProblems));
    this.translation.onSource((source) => {
      this.source = source;
      this.applySettings(source);
      this.runner.update(source);
    });
  }

  onApplicationBootstrap(): void {
    const on = this.runner.enabled;
    this.log.info(on.length ? `discovery: ${on.join(', ')} enabled` : 'discovery: off (enable with --discovery or a Settings resource)');
    this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.refreshTimer);
    await this.runner.close();
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    // Results of a burst of runs become one translation.
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.translation.refresh();
    }, 50);
  }

  private applySettings(source: ResourceSnapshot): void {
    const { settings, problems, from } = withSettingsResource(this.base, source);
    this.settingsProblems = problems;
    const key = JSON.stringify(settings);
    if (key === this.settingsKey) return;
    const first = this.settingsKey === '';
    this.settingsKey = key;
    if (!first)
      this.log.info(
        `discovery: settings changed${from ? ` (Settings ${from})` : ''}; enabled: ${
          Object.entries(settings)
            .filter(([, s]) => s.enabled)
            .map(([n]) => n)
            .join(', ') || 'none'
        }`,
      );
    for (const p of problems) this.log.warn(p.message);
    this.runner.setSettings(settings);
  }

  /** Every Upstream with its functions and discovery status, and every discoverer's state (GET /api/v1/upstreams). */
  upstreams(): { items: unknown[]; discoverers: unknown[] } {
    const current = this.translation.current();
    const statuses = this.memory ? this.memory.statuses() : this.runner.statuses();
    const reports = new Map((current?.translation.reports ?? []).map((r) => [`${r.ref.kind}/${r.ref.namespace}/${r.ref.name}`, r]));
    const items = current
      ? resourcesOfKind<Upstream>(current.resources, 'Upstream').map((stored) => {
          const u = stored.object;
          const live = this.config.kube?.source.liveObject(stored.key)?.status?.['discovery'] as Record<string, DiscoveryStatus> | undefined;
          const report = reports.get(stored.key);
          return {
            namespace: stored.ref.namespace,
            name: stored.ref.name,
            type: u.spec?.aws ? 'aws' : u.spec?.kube ? 'kube' : u.spec?.static ? 'static' : 'unknown',
            ...(u.metadata.labels?.[DISCOVERED_BY_LABEL] ? { discoveredBy: u.metadata.labels[DISCOVERED_BY_LABEL] } : {}),
            ...(u.spec?.kube ? { service: `${u.spec.kube.serviceName}:${u.spec.kube.servicePort}` } : {}),
            ...(u.spec?.aws ? { region: u.spec.aws.region } : {}),
            functions: u.spec?.functions ?? [],
            discovery: statuses.get(stored.key) ?? live ?? {},
            state: report?.state ?? 'accepted',
            messages: report?.messages ?? [],
          };
        })
      : [];
    return { items, discoverers: this.runner.view() };
  }
}

function withProblems(snapshot: ResourceSnapshot, problems: readonly SourceProblem[]): ResourceSnapshot {
  return problems.length ? { ...snapshot, problems: [...snapshot.problems, ...problems] } : snapshot;
}
