import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Log } from '../log.js';
import { Metrics } from '../metrics.js';
import { CONTROLLER_OPTIONS, type ControllerOptions } from '../options.js';

/** What every module may use: the options, the log and the metrics registry. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(options: ControllerOptions): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: CONTROLLER_OPTIONS, useValue: options },
        { provide: Log, useValue: new Log(options.logLevel ?? 'info') },
        { provide: Metrics, useValue: new Metrics() },
      ],
      exports: [CONTROLLER_OPTIONS, Log, Metrics],
    };
  }
}
