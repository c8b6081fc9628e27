import { Module, type DynamicModule } from '@nestjs/common';
import { ADMIN_VIEW, type AdminView } from './admin-view.js';
import { HealthController } from './health.controller.js';
import { ProxiesController } from './proxies.controller.js';
import { ResourcesController } from './resources.controller.js';

@Module({})
export class AdminModule {
  static forView(view: AdminView): DynamicModule {
    return {
      module: AdminModule,
      controllers: [HealthController, ProxiesController, ResourcesController],
      providers: [{ provide: ADMIN_VIEW, useValue: view }],
    };
  }
}
