import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigSourceModule } from './config-source.module.js';
import { DiscoveryService, UPSTREAMS_VIEW } from './discovery.service.js';
import { StatusModule } from './status.module.js';
import { TranslationModule } from './translation.module.js';

/** Discovery beside the configuration watcher; global so the admin API's upstreams controller can read it. */
@Global()
@Module({})
export class DiscoveryModule {
  static forRoot(kubernetes: boolean): DynamicModule {
    return {
      module: DiscoveryModule,
      imports: [TranslationModule, ConfigSourceModule, ...(kubernetes ? [StatusModule] : [])],
      providers: [DiscoveryService, { provide: UPSTREAMS_VIEW, useExisting: DiscoveryService }],
      exports: [DiscoveryService, UPSTREAMS_VIEW],
    };
  }
}
