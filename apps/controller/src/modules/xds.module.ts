import { Module } from '@nestjs/common';
import { ReporterModule } from './reporter.module.js';
import { XdsService } from './xds.service.js';

@Module({ imports: [ReporterModule], providers: [XdsService], exports: [XdsService] })
export class XdsModule {}
