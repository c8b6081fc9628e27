import { Module, type DynamicModule, type InjectionToken } from '@nestjs/common';

type ModuleImports = NonNullable<DynamicModule['imports']>;
import { APP_GUARD } from '@nestjs/core';
import { ADMIN_VIEW, type AdminView } from './admin-view.js';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { PluginsController } from './plugins.controller.js';
import { ProxiesController } from './proxies.controller.js';
import { ReportsController } from './reports.controller.js';
import { ResourcesController } from './resources.controller.js';
import { SnapshotsController } from './snapshots.controller.js';
import { TokenGuard } from './token.guard.js';
import { UpstreamsController } from './upstreams.controller.js';

@Module({})
export class AdminModule {
  static forView(view: AdminView): DynamicModule {
    return AdminModule.forViewFactory({ useFactory: () => view });
  }

  /** The view made by a factory from the application's other providers (`inject`), from `imports`. */
  static forViewFactory(o: { imports?: ModuleImports; inject?: InjectionToken[]; useFactory: (...deps: never[]) => AdminView }): DynamicModule {
    return {
      module: AdminModule,
      imports: o.imports ?? [],
      controllers: [
        HealthController,
        MetricsController,
        ResourcesController,
        ReportsController,
        ProxiesController,
        SnapshotsController,
        UpstreamsController,
        PluginsController,
      ],
      providers: [
        { provide: ADMIN_VIEW, useFactory: o.useFactory, inject: o.inject ?? [] },
        { provide: APP_GUARD, useClass: TokenGuard },
      ],
    };
  }
}
