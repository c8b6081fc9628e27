import { Module } from '@nestjs/common';
import { ConfigSourceModule } from './config-source.module.js';
import { StatusService } from './status.service.js';
import { TranslationModule } from './translation.module.js';

/** Kubernetes mode only: status write-back by the elected leader. */
@Module({ imports: [ConfigSourceModule, TranslationModule], providers: [StatusService], exports: [StatusService] })
export class StatusModule {}
