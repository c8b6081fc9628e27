// The report database (SQLite in the data dir, or PostgreSQL): started at once, flushed and closed on shutdown.
import { join, resolve } from 'node:path';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Reporter } from '@gatehouse/reporter';
import { Log } from '../log.js';
import { CONTROLLER_OPTIONS, type ControllerOptions } from '../options.js';

@Injectable()
export class ReporterService implements OnModuleInit, OnApplicationShutdown {
  readonly reporter: Reporter;
  readonly where: string;

  constructor(@Inject(CONTROLLER_OPTIONS) options: ControllerOptions, @Inject(Log) log: Log) {
    const sqlitePath = join(resolve(options.dataDir ?? '.gatehouse'), 'gatehouse.db');
    this.where = options.db ? 'PostgreSQL' : sqlitePath;
    this.reporter = new Reporter({ ...(options.db ? { db: options.db } : {}), sqlitePath, historyRetention: options.historyRetention ?? 100, log });
  }

  onModuleInit(): void {
    this.reporter.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reporter.close();
  }
}
