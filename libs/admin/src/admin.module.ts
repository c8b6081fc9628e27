import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ADMIN_VIEW, type AdminView } from './admin-view.js';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { ProxiesController } from './proxies.controller.js';
import { ReportsController } from './reports.controller.js';
import { ResourcesController } from './resources.controller.js';
import { SnapshotsController } from './snapshots.controller.js';
import { TokenGuard } from './token.guard.js';

@Module({})
export class AdminModule {
  static forView(view: AdminView): DynamicModule {
    return {
      module: AdminModule,
      controllers: [HealthController, MetricsController, ResourcesController, ReportsController, ProxiesController, SnapshotsController],
      providers: [{ provide: ADMIN_VIEW, useValue: view }, { provide: APP_GUARD, useClass: TokenGuard }],
    };
  }
}
