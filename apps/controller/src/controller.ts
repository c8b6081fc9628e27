// Starts the control plane: the NestJS application of ControlPlaneModule, its admin API on the admin port.
import 'reflect-metadata';
import { join, resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { setupApiDocs } from '@gatehouse/admin';
import type { Reporter } from '@gatehouse/reporter';
import type { AdsServer, SnapshotCache } from '@gatehouse/xds';
import { ControlPlaneModule } from './control-plane.module.js';
import { Log } from './log.js';
import { ConfigSourceService } from './modules/config-source.service.js';
import { ReporterService } from './modules/reporter.service.js';
import { TranslationService } from './modules/translation.service.js';
import { XdsService } from './modules/xds.service.js';
import { checkOptions, type ControllerOptions } from './options.js';
import type { PluginState } from './modules/plugins.module.js';
import { loadConfiguredPlugins, settingsChangeWatcher } from './plugin-loader/configured-plugins.js';
import type { PublishResult } from './publisher.js';
import type { Quarantine } from './quarantine.js';

export { isLoopback, type ControllerOptions, type KubernetesOptions, type ProvisionOptions } from './options.js';

export interface RunningController {
  xdsPort: number;
  adminPort: number;
  cache: SnapshotCache;
  ads: AdsServer;
  reporter: Reporter;
  last(): PublishResult | undefined;
  quarantine: Quarantine;
  app: INestApplication;
  close(): Promise<void>;
}

export async function startController(given: ControllerOptions): Promise<RunningController> {
  checkOptions(given);
  // Plugins load before anything starts (translation is built with them); what fails is reported, not fatal.
  const loaded = await loadConfiguredPlugins(given, new Log(given.logLevel ?? 'info'));
  const pluginState: PluginState = { report: loaded.report };
  const options: ControllerOptions = { ...given, plugins: [...(given.plugins ?? []), ...loaded.plugins], pluginState };
  const adminAddress = options.adminAddress ?? '127.0.0.1';
  const app: INestApplication = await NestFactory.create(ControlPlaneModule.forRoot(options), { logger: ['error', 'warn'] });
  const settingsBase = options.configDir ? resolve(options.configDir) : process.cwd();
  app.get(TranslationService).onSource(
    settingsChangeWatcher(loaded.settings, settingsBase, app.get(Log), (pending) => {
      if (pending) pluginState.restartPending = pending;
      else delete pluginState.restartPending;
    }),
  );
  setupApiDocs(app, '0.1.0');
  // listen() runs the lifecycle: the database starts, xDS listens, the first snapshot is translated and published.
  await app.listen(options.adminPort ?? 9091, adminAddress);
  const adminAddr = app.getHttpServer().address() as { port: number };
  const xds = app.get(XdsService);
  const translation = app.get(TranslationService);
  const reports = app.get(ReporterService);
  const config = app.get(ConfigSourceService);
  const from = config.kube ? `the Kubernetes API at ${config.kube.api.server}` : resolve(options.configDir!);
  app
    .get(Log)
    .info(
      `xDS on ${xds.address}:${xds.port}, admin on http://${adminAddress}:${adminAddr.port}, config from ${from}, reports in ${reports.where === 'PostgreSQL' ? 'PostgreSQL' : join(resolve(options.dataDir ?? '.gatehouse'), 'gatehouse.db')}`,
    );
  return {
    xdsPort: xds.port,
    adminPort: adminAddr.port,
    cache: xds.cache,
    ads: xds.ads,
    reporter: reports.reporter,
    quarantine: translation.quarantine,
    last: () => translation.last(),
    app,
    close: () => app.close(),
  };
}
