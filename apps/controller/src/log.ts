// Plain, greppable log lines on stderr, one event per line. Never log secret material: callers pass names, not
// contents. Messages often quote what clients and files sent (node ids, names, Envoy's NACK text), so control
// characters are escaped here, once for every caller: nobody can forge a log line or move the terminal's cursor.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

// C0 controls except tab, DEL, C1 controls, and the Unicode line/paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' };

/** `text` on one line: control characters as `\n`, `\r` or `\xNN`/`\uNNNN` escapes. */
export function escapeControl(text: string): string {
  return text.replace(
    CONTROL,
    (c) => NAMED[c] ?? (c.charCodeAt(0) <= 0xff ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u${c.charCodeAt(0).toString(16)}`),
  );
}

export class Log {
  constructor(private readonly level: LogLevel = 'info') {}
  private write(level: LogLevel, msg: string): void {
    if (ORDER[level] < ORDER[this.level]) return;
    process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${escapeControl(msg)}\n`);
  }
  debug = (m: string) => this.write('debug', m);
  info = (m: string) => this.write('info', m);
  warn = (m: string) => this.write('warn', m);
  error = (m: string) => this.write('error', m);
}
