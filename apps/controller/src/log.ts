// Plain, greppable log lines on stderr. Never log secret material: callers pass names, not contents.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export class Log {
  constructor(private readonly level: LogLevel = 'info') {}
  private write(level: LogLevel, msg: string): void {
    if (ORDER[level] < ORDER[this.level]) return;
    process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${msg}\n`);
  }
  debug = (m: string) => this.write('debug', m);
  info = (m: string) => this.write('info', m);
  warn = (m: string) => this.write('warn', m);
  error = (m: string) => this.write('error', m);
}
