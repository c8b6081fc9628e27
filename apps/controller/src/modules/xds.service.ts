// xDS serving: the snapshot cache and the ADS server (SotW and delta), mTLS when asked. Proxies' comings and goings
// are logged, counted and recorded here; ACKs and NACKs go to whoever translates (NACK quarantine).
import { join, resolve } from 'node:path';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { TranslatorPlugin } from '@gatehouse/plugin-sdk';
import {
  AdsServer,
  ControlPlaneCa,
  PUSH_ORDER,
  SnapshotCache,
  StrictEncoder,
  describeProtoFailure,
  pluginProtoRoot,
  shortType,
  type ProtoLoadFailure,
  type ProxyInfo,
  type ServerCallbacks,
  type XdsServerTls,
} from '@gatehouse/xds';
import { BUILTIN_PLUGINS } from '../builtin-plugins.js';
import { Log } from '../log.js';
import { Metrics } from '../metrics.js';
import { CONTROLLER_OPTIONS, isLoopback, type ControllerOptions } from '../options.js';
import { ReporterService } from './reporter.service.js';

export type NackInfo = Parameters<NonNullable<ServerCallbacks['onNack']>>[2];

/** What the translation side wants to hear from proxies. */
export interface ProxyFeedback {
  onAck(p: ProxyInfo, typeUrl: string, version: string): void;
  onNack(p: ProxyInfo, typeUrl: string, nack: NackInfo): void;
}

@Injectable()
export class XdsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly cache = new SnapshotCache();
  /** Encodes what is published (strictly: an unknown field is an error, never dropped), plugin-declared types too. */
  readonly encoder: StrictEncoder;
  /** The plugins to translate with: the built-ins, then the user's, less those whose declared protos do not load. */
  readonly plugins: readonly TranslatorPlugin[];
  /** Why plugins were left out (their declared protos do not load). */
  readonly pluginFailures: readonly ProtoLoadFailure[];
  ads!: AdsServer;
  port = 0;
  private feedback: ProxyFeedback | undefined;
  /** Metric labels: a node group the client made up is not a label value (labels are kept forever). */
  private readonly gatewayLabels = new Map<number, string>();
  private readonly knownTypes = new Set<string>(PUSH_ORDER);

  constructor(
    @Inject(CONTROLLER_OPTIONS) private readonly options: ControllerOptions,
    @Inject(Log) private readonly log: Log,
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(ReporterService) private readonly reports: ReporterService,
  ) {
    const protos = pluginProtoRoot([...BUILTIN_PLUGINS, ...(options.plugins ?? [])]);
    for (const f of protos.failures) log.error(describeProtoFailure(f));
    this.encoder = new StrictEncoder(protos.root);
    this.plugins = protos.plugins;
    this.pluginFailures = protos.failures;
  }

  get address(): string {
    return this.options.xdsAddress ?? '127.0.0.1';
  }

  setFeedback(f: ProxyFeedback): void {
    this.feedback = f;
  }

  async onApplicationBootstrap(): Promise<void> {
    const tls = await this.tls();
    this.ads = new AdsServer({ cache: this.cache, ...(tls ? { tls } : {}), callbacks: this.callbacks() });
    this.port = await this.ads.listen(this.address, this.options.xdsPort ?? 9977);
  }

  beforeApplicationShutdown(): void {
    this.ads?.forceClose();
  }

  private async tls(): Promise<XdsServerTls | undefined> {
    const o = this.options;
    if (o.xdsTls) {
      const ca = await ControlPlaneCa.loadOrCreate(join(resolve(o.dataDir ?? '.gatehouse'), 'xds-ca'));
      const server = await ca.issueServer([this.address]);
      this.log.info(
        `xDS requires mTLS: proxies need a client certificate from the CA in ${ca.dir} (gatehouse bootstrap --xds-tls --data-dir ${o.dataDir ?? '.gatehouse'})`,
      );
      return { caPem: ca.certPem, certPem: server.certPem, keyPem: server.keyPem };
    }
    if (!isLoopback(this.address))
      this.log.warn(
        `INSECURE: xDS serves plaintext on ${this.address} (--xds-insecure): any process that reaches it gets every Gateway's configuration and TLS private keys. Use --xds-tls.`,
      );
    return undefined;
  }

  private proxyRow(p: ProxyInfo, disconnectedAt: string | null = null): void {
    const lastNack = Object.entries(p.types)
      .filter(([, t]) => t.lastNack)
      .sort(([, a], [, b]) => (a.lastNack!.at < b.lastNack!.at ? 1 : -1))[0];
    this.reports.reporter.recordProxy({
      id: `${p.streamId}#${p.connectedAt}@${p.nodeId}`,
      nodeId: p.nodeId,
      gateway: p.nodeGroup,
      protocol: p.protocol,
      connectedAt: p.connectedAt,
      disconnectedAt,
      versions: Object.fromEntries(
        Object.entries(p.types).map(([t, s]) => [
          shortType(t),
          { ...(s.sentVersion ? { sent: s.sentVersion } : {}), ...(s.ackedVersion ? { acked: s.ackedVersion } : {}) },
        ]),
      ),
      lastNack: lastNack ? { type: shortType(lastNack[0]), message: lastNack[1].lastNack!.message, at: lastNack[1].lastNack!.at } : null,
      updatedAt: new Date().toISOString(),
    });
  }

  private callbacks(): ServerCallbacks {
    const where = this.options.configDir ? `in ${resolve(this.options.configDir)}` : 'in the cluster';
    return {
      onStreamOpen: (p) => {
        const label = p.knownGateway ? p.nodeGroup : '(unknown)';
        this.gatewayLabels.set(p.streamId, label);
        this.metrics.connectedProxies.inc({ gateway: label, protocol: p.protocol });
        this.proxyRow(p);
        if (p.knownGateway) this.log.info(`proxy connected: node=${p.nodeId} gateway=${p.nodeGroup} (${p.protocol})`);
        else if (this.cache.servable(p.nodeGroup))
          this.log.warn(`proxy connected: node=${p.nodeId} names gateway "${p.nodeGroup}", which was deleted; it is served an empty configuration`);
        else
          this.log.warn(
            `proxy connected: node=${p.nodeId} names gateway "${p.nodeGroup}", which Gatehouse has no configuration for (yet); its requests are held until it has one (is the Gateway ${where}?)`,
          );
      },
      onStreamClosed: (p) => {
        this.metrics.connectedProxies.dec({ gateway: this.gatewayLabels.get(p.streamId) ?? '(unknown)', protocol: p.protocol });
        this.gatewayLabels.delete(p.streamId);
        this.proxyRow(p, new Date().toISOString());
        this.log.info(`proxy disconnected: node=${p.nodeId} gateway=${p.nodeGroup}`);
      },
      onStreamRefused: (r) => this.log.warn(`xDS stream from ${r.peer} refused (${r.code}): ${r.message}`),
      onAck: (p, type, version) => {
        this.proxyRow(p);
        this.feedback?.onAck(p, type, version);
      },
      onNack: (p, type, nack) => {
        this.metrics.nacks.inc({ gateway: this.gatewayLabels.get(p.streamId) ?? '(unknown)', type: this.knownTypes.has(type) ? shortType(type) : '(other)' });
        this.proxyRow(p);
        this.log.warn(`proxy ${p.nodeId} rejected ${shortType(type)} ${nack.version ?? ''}: ${nack.message}`);
        this.feedback?.onNack(p, type, nack);
      },
    };
  }
}
