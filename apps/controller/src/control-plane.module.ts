// The control plane as NestJS modules, one per concern, each with its own lifecycle: the reporter (database), xDS
// serving, translation, the configuration watcher (directory or Kubernetes), status write-back and Envoy provisioning
// (Kubernetes mode, leader only) and the admin API. Nest starts them dependencies first (xDS listens before the first
// snapshot is published) and stops them in reverse (the source stops before xDS and the database close).
import { Module, type DynamicModule } from '@nestjs/common';
import { AdminModule } from '@gatehouse/admin';
import { controlPlaneView } from './control-plane-view.js';
import { Metrics } from './metrics.js';
import { ConfigSourceModule } from './modules/config-source.module.js';
import { CoreModule } from './modules/core.module.js';
import { DiscoveryModule } from './modules/discovery.module.js';
import { ReporterModule } from './modules/reporter.module.js';
import { ReporterService } from './modules/reporter.service.js';
import { PluginsModule } from './modules/plugins.module.js';
import { ProvisionerModule } from './modules/provisioner.module.js';
import { StatusModule } from './modules/status.module.js';
import { TranslationModule } from './modules/translation.module.js';
import { TranslationService } from './modules/translation.service.js';
import { XdsModule } from './modules/xds.module.js';
import { XdsService } from './modules/xds.service.js';
import type { ControllerOptions } from './options.js';

@Module({})
export class ControlPlaneModule {
  static forRoot(options: ControllerOptions): DynamicModule {
    const admin = AdminModule.forViewFactory({
      imports: [TranslationModule, XdsModule, ReporterModule],
      inject: [TranslationService, XdsService, ReporterService, Metrics],
      useFactory: (translation: TranslationService, xds: XdsService, reports: ReporterService, metrics: Metrics) =>
        controlPlaneView({
          current: () => translation.current(),
          proxies: () => xds.ads?.proxies() ?? [],
          cache: xds.cache,
          reporter: reports.reporter,
          metrics,
          ...(options.adminToken ? { token: options.adminToken } : {}),
        }),
    });
    return {
      module: ControlPlaneModule,
      imports: [
        CoreModule.forRoot(options),
        ReporterModule,
        XdsModule,
        TranslationModule,
        ConfigSourceModule,
        ...(options.kubernetes ? [StatusModule, ProvisionerModule] : []),
        DiscoveryModule.forRoot(!!options.kubernetes),
        PluginsModule.forRoot(options.pluginState),
        admin,
      ],
    };
  }
}
