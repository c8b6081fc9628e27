import { Module, type DynamicModule } from '@nestjs/common';
import { AdminModule, type AdminView } from '@gatehouse/admin';

/** The control plane's HTTP surface. The pipeline itself is plain code the module only exposes. */
@Module({})
export class AppModule {
  static create(view: AdminView): DynamicModule {
    return { module: AppModule, imports: [AdminModule.forView(view)] };
  }
}
