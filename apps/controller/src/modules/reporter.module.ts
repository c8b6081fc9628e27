import { Module } from '@nestjs/common';
import { ReporterService } from './reporter.service.js';

@Module({ providers: [ReporterService], exports: [ReporterService] })
export class ReporterModule {}
