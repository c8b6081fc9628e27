// Kubernetes mode: the provisioner (libs/provisioner) wired to the rest of the control plane. It follows the Lease
// status write-back uses (only the leader provisions), reads each translation's inputs, adds its part of status
// (InvalidParameters, status.addresses from the provisioned Service or the local Envoy) through the StatusService's
// hooks, and before xDS starts makes the xDS CA the one every replica shares (--xds-ca-secret).
import { join, resolve } from 'node:path';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { Provisioner, syncCaWithSecret } from '@gatehouse/provisioner';
import { Log } from '../log.js';
import { CONTROLLER_OPTIONS, type ControllerOptions } from '../options.js';
import { ConfigSourceService } from './config-source.service.js';
import { StatusService } from './status.service.js';
import { TranslationService } from './translation.service.js';
import { XdsService } from './xds.service.js';

/** Where a local Envoy dials xDS: the server's address, loopback for a wildcard bind. */
function dialable(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '::1';
  return address;
}

function hostPort(value: string): { host: string; port: number } {
  const i = value.lastIndexOf(':');
  const port = Number(value.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`--provision-xds-address ${JSON.stringify(value.slice(0, 100))} must be HOST:PORT`);
  return { host: value.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port };
}

@Injectable()
export class ProvisionerService implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly provisioner: Provisioner | undefined;

  constructor(
    @Inject(CONTROLLER_OPTIONS) private readonly options: ControllerOptions,
    @Inject(Log) private readonly log: Log,
    @Inject(ConfigSourceService) private readonly config: ConfigSourceService,
    @Inject(TranslationService) translation: TranslationService,
    @Inject(StatusService) status: StatusService,
    @Inject(XdsService) xds: XdsService,
  ) {
    const p = options.provision;
    if (!p || !config.kube) return;
    const fixed = p.xdsAddress ? hostPort(p.xdsAddress) : undefined;
    const provisioner = new Provisioner({
      api: config.kube.api,
      mode: p.mode,
      xds: () => fixed ?? { host: dialable(xds.address), port: xds.port },
      tls: !!options.xdsTls,
      dataDir: this.dataDir,
      ...(p.envoyImage ? { envoyImage: p.envoyImage } : {}),
      ...(p.envoyBinary ? { envoyBinary: p.envoyBinary } : {}),
      log,
      onStatusChange: () => status.refresh(),
    });
    this.provisioner = provisioner;
    translation.onReports((_reports, t) => {
      const current = translation.current();
      if (current) provisioner.update(current.resources, t.ir);
    });
    status.onLeadershipChange((leading) => provisioner.setLeading(leading));
    status.setAddressSource((gw) => provisioner.addresses(gw));
    status.setReportAmender((reports) => provisioner.amend(reports));
  }

  private get dataDir(): string {
    return resolve(this.options.dataDir ?? '.gatehouse');
  }

  /** Runs before any module starts (xDS loads its CA when it starts). */
  async onModuleInit(): Promise<void> {
    const k = this.options.kubernetes;
    if (!k?.xdsCaSecret || !this.options.xdsTls || !this.config.kube) return;
    const le = k.leaderElection;
    const namespace = process.env['POD_NAMESPACE'] ?? (le ? le.namespace : undefined) ?? 'default';
    await syncCaWithSecret({ api: this.config.kube.api, namespace, name: k.xdsCaSecret, dir: join(this.dataDir, 'xds-ca'), log: this.log });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.provisioner) return;
    await this.provisioner.start();
    this.log.info(
      `provisioner: ${this.options.provision!.mode === 'local' ? "local mode: each Gateway's Envoy runs on this machine" : 'an Envoy Deployment and Service per Gateway'} (leader only)`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.provisioner?.close();
  }
}
