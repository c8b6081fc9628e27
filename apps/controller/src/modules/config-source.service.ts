// The configuration watcher: the one place the mode picks a source — a directory of YAML (standalone) or the
// Kubernetes API (informers for every watched kind, TLS Secrets among them) — and feeds its snapshots to translation.
import { join, resolve } from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ConfigSource } from '@gatehouse/api';
import { DirectorySource, FileFirstSeen } from '@gatehouse/config-source';
import { KubeApi, KubernetesSource } from '@gatehouse/kubernetes';
import { Log } from '../log.js';
import { CONTROLLER_OPTIONS, type ControllerOptions } from '../options.js';
import { TranslationService } from './translation.service.js';

@Injectable()
export class ConfigSourceService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly source: ConfigSource;
  /** Kubernetes mode: the API client and the source (the status writer reads what the cluster holds from it). */
  readonly kube: { api: KubeApi; source: KubernetesSource } | undefined;

  constructor(
    @Inject(CONTROLLER_OPTIONS) options: ControllerOptions,
    @Inject(Log) log: Log,
    @Inject(TranslationService) private readonly translation: TranslationService,
  ) {
    if (options.kubernetes) {
      const k = options.kubernetes;
      const api = KubeApi.load({ ...(k.kubeconfig ? { kubeconfig: k.kubeconfig } : {}), ...(k.context ? { context: k.context } : {}) });
      const source = new KubernetesSource({ api, ...(k.watchNamespaces?.length ? { namespaces: k.watchNamespaces } : {}), log });
      this.kube = { api, source };
      this.source = source;
    } else {
      const dataDir = resolve(options.dataDir ?? '.gatehouse');
      this.kube = undefined;
      this.source = new DirectorySource({
        dir: resolve(options.configDir!),
        firstSeen: new FileFirstSeen(join(dataDir, 'first-seen.json')),
        ...(options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {}),
        ...(options.maxDocumentsPerFile ? { maxDocumentsPerFile: options.maxDocumentsPerFile } : {}),
      });
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.source.watch(this.translation.onSnapshot);
  }

  async onModuleDestroy(): Promise<void> {
    await this.source.close();
  }
}
