// Kubernetes mode: Gateway API status written back to the cluster by the leader only (a coordination.k8s.io Lease).
// Every replica translates and serves xDS; the one that leads also writes status. Reports still go to the database
// in every replica.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { IR } from '@gatehouse/ir';
import { LeaderElector, StatusWriter } from '@gatehouse/kubernetes';
import type { ResourceReport } from '@gatehouse/plugin-sdk';
import { Log } from '../log.js';
import { CONTROLLER_OPTIONS, type ControllerOptions } from '../options.js';
import { ConfigSourceService } from './config-source.service.js';
import { TranslationService } from './translation.service.js';

/** The Gateway API versions whose CRDs Gatehouse is built for (GatewayClass SupportedVersion). */
export const SUPPORTED_GATEWAY_API_VERSIONS = ['v1.7.0'];

export type GatewayAddress = { type: string; value: string };

@Injectable()
export class StatusService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly writer: StatusWriter;
  private readonly elector: LeaderElector | undefined;
  private ir: IR | undefined;
  private bundleVersion: string | undefined;
  private lastReports: readonly ResourceReport[] = [];
  // Hooks for the other leader-only concern, the provisioner: it follows the same Lease, adds its conditions
  // (InvalidParameters) to the reports and says where the Envoys it provisioned are reached.
  private readonly leadershipListeners: Array<(leading: boolean) => void> = [];
  private addressSource: ((gatewayKey: string) => GatewayAddress[] | undefined) | undefined;
  private amender: ((reports: readonly ResourceReport[]) => readonly ResourceReport[]) | undefined;

  constructor(
    @Inject(CONTROLLER_OPTIONS) private readonly options: ControllerOptions,
    @Inject(Log) private readonly log: Log,
    @Inject(ConfigSourceService) private readonly config: ConfigSourceService,
    @Inject(TranslationService) translation: TranslationService,
  ) {
    const kube = config.kube!;
    const k = options.kubernetes!;
    this.writer = new StatusWriter({
      api: kube.api,
      source: kube.source,
      log,
      ...(k.statusQps ? { qps: k.statusQps } : {}),
      addresses: (gw) => this.addresses(gw),
      bundleVersion: () => this.bundleVersion,
      supportedVersions: SUPPORTED_GATEWAY_API_VERSIONS,
    });
    translation.onReports((reports, t) => {
      this.ir = t.ir;
      this.lastReports = reports;
      this.writer.update(this.amended(reports));
    });
    if (k.leaderElection !== false) {
      const le = k.leaderElection ?? {};
      this.elector = new LeaderElector({
        api: kube.api,
        namespace: le.namespace ?? process.env['POD_NAMESPACE'] ?? 'default',
        identity: le.identity ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
        ...(le.leaseDurationSeconds ? { leaseDurationSeconds: le.leaseDurationSeconds } : {}),
        onStartedLeading: () => this.setLeading(true),
        onStoppedLeading: () => this.setLeading(false),
        log,
      });
    }
  }

  get leading(): boolean {
    return this.elector ? this.elector.isLeader : true;
  }

  /** Called when this replica starts or stops leading (the Lease status write-back uses). */
  onLeadershipChange(listener: (leading: boolean) => void): void {
    this.leadershipListeners.push(listener);
  }

  /** A Gateway's status.addresses from elsewhere (its provisioned Service); undefined: where its listeners bind. */
  setAddressSource(source: (gatewayKey: string) => GatewayAddress[] | undefined): void {
    this.addressSource = source;
  }

  /** Reports pass through `amend` before they are written (same input → same objects, or they are written again). */
  setReportAmender(amend: (reports: readonly ResourceReport[]) => readonly ResourceReport[]): void {
    this.amender = amend;
  }

  /** Compares status again (an address or a parameters problem changed); only changed reports are rewritten. */
  refresh(): void {
    this.writer.update(this.amended(this.lastReports));
  }

  async onApplicationBootstrap(): Promise<void> {
    this.bundleVersion = await this.readBundleVersion();
    if (this.elector) this.elector.start();
    else this.setLeading(true);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.elector?.stop();
    this.setLeading(false);
  }

  private setLeading(leading: boolean): void {
    this.writer.setLeading(leading);
    for (const l of this.leadershipListeners) l(leading);
  }

  private amended(reports: readonly ResourceReport[]): readonly ResourceReport[] {
    return this.amender ? this.amender(reports) : reports;
  }

  /** Where a Gateway's Envoy is reached: as its provisioner says, else the addresses its listeners bind (not the wildcard). */
  private addresses(gatewayKey: string): Array<{ type: string; value: string }> {
    const provided = this.addressSource?.(gatewayKey);
    if (provided) return provided;
    const gw = this.ir?.gateways.find((g) => g.key === gatewayKey);
    const ips = new Set((gw?.listeners ?? []).flatMap((l) => [l.address, ...(l.additionalAddresses ?? [])]).filter((a) => a && a !== '0.0.0.0' && a !== '::'));
    return [...ips].sort().map((value) => ({ type: 'IPAddress', value }));
  }

  /** The Gateway API bundle version the installed CRDs carry (an annotation on each CRD), when readable. */
  private async readBundleVersion(): Promise<string | undefined> {
    const crd = await this.config
      .kube!.api.request<{ metadata: { annotations?: Record<string, string> } }>(
        'GET',
        '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gateways.gateway.networking.k8s.io',
      )
      .catch(() => undefined);
    const v = crd?.metadata.annotations?.['gateway.networking.k8s.io/bundle-version'];
    if (v && !SUPPORTED_GATEWAY_API_VERSIONS.includes(v))
      this.log.warn(
        `the cluster's Gateway API CRDs are ${v}; Gatehouse is built for ${SUPPORTED_GATEWAY_API_VERSIONS.join(', ')} (GatewayClass SupportedVersion=False)`,
      );
    return v;
  }
}
