import { Module } from '@nestjs/common';
import { ConfigSourceService } from './config-source.service.js';
import { TranslationModule } from './translation.module.js';

@Module({ imports: [TranslationModule], providers: [ConfigSourceService], exports: [ConfigSourceService] })
export class ConfigSourceModule {}
