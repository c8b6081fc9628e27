import { Module } from '@nestjs/common';
import { ReporterModule } from './reporter.module.js';
import { TranslationService } from './translation.service.js';
import { XdsModule } from './xds.module.js';

@Module({ imports: [XdsModule, ReporterModule], providers: [TranslationService], exports: [TranslationService] })
export class TranslationModule {}
