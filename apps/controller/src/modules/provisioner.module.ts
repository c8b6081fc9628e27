import { Module } from '@nestjs/common';
import { ConfigSourceModule } from './config-source.module.js';
import { ProvisionerService } from './provisioner.service.js';
import { StatusModule } from './status.module.js';
import { TranslationModule } from './translation.module.js';
import { XdsModule } from './xds.module.js';

/** Kubernetes mode: an Envoy per Gateway (Deployment, Service, bootstrap) by the leader, and the shared xDS CA. */
@Module({ imports: [ConfigSourceModule, TranslationModule, StatusModule, XdsModule], providers: [ProvisionerService], exports: [ProvisionerService] })
export class ProvisionerModule {}
