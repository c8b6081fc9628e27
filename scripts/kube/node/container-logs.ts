// Container output as the kubelet keeps it (the CRI log format: `<RFC3339Nano time> <stdout|stderr> <F|P> <text>`
// per line), one file per run of a container (<logs>/<container>/<restart>.log), and the reading side of
// `kubectl logs` / the pods/log API: sinceTime, sinceSeconds, tailLines, limitBytes, timestamps, previous.
import { createWriteStream, existsSync, readdirSync, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** RFC3339 with nanoseconds, as the CRI writes it (Date has milliseconds: the rest is zero). */
const stamp = () => new Date().toISOString().replace(/Z$/, '000000Z');

/** Appends a process's stdout and stderr to `file`, line by line, in CRI format. */
export class CriLogWriter {
  private readonly out: WriteStream;
  private readonly partial = { stdout: '', stderr: '' };

  constructor(file: string) {
    this.out = createWriteStream(file, { flags: 'a' });
  }

  attach(stream: Readable, name: 'stdout' | 'stderr'): void {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (this.partial[name] + chunk).split('\n');
      this.partial[name] = lines.pop() ?? '';
      for (const l of lines) this.out.write(`${stamp()} ${name} F ${l}\n`);
      // A very long line without a newline is written in parts, as the CRI does.
      if (this.partial[name].length > 16_384) {
        this.out.write(`${stamp()} ${name} P ${this.partial[name]}\n`);
        this.partial[name] = '';
      }
    });
  }

  /** Writes what is left of unterminated lines and closes the file. */
  close(): Promise<void> {
    for (const name of ['stdout', 'stderr'] as const) {
      if (this.partial[name]) this.out.write(`${stamp()} ${name} F ${this.partial[name]}\n`);
      this.partial[name] = '';
    }
    return new Promise((r) => this.out.end(r));
  }
}

/** The log files of a container, oldest run first. */
export function runFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^\d+\.log$/.test(f))
    .sort((a, b) => parseInt(a) - parseInt(b))
    .map((f) => join(dir, f));
}

export interface LogQuery {
  sinceTime?: string;
  sinceSeconds?: number;
  tailLines?: number;
  limitBytes?: number;
  timestamps?: boolean;
}

export interface CriLine {
  time: string;
  stream: string;
  full: boolean;
  text: string;
}

export function parseCri(text: string): CriLine[] {
  const out: CriLine[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+) (stdout|stderr) ([FP]) (.*)$/.exec(line);
    if (m) out.push({ time: m[1] ?? '', stream: m[2] ?? '', full: m[3] === 'F', text: m[4] ?? '' });
  }
  return out;
}

/** The text `kubectl logs` shows for these lines. */
export function render(lines: CriLine[], q: LogQuery): string {
  let sel = lines;
  const since = q.sinceTime ? Date.parse(q.sinceTime) : q.sinceSeconds !== undefined ? Date.now() - q.sinceSeconds * 1000 : undefined;
  if (since !== undefined && !Number.isNaN(since)) sel = sel.filter((l) => Date.parse(l.time) >= since);
  if (q.tailLines !== undefined && q.tailLines >= 0) sel = q.tailLines === 0 ? [] : sel.slice(-q.tailLines);
  let text = sel.map((l) => `${q.timestamps ? `${l.time} ` : ''}${l.text}${l.full ? '\n' : ''}`).join('');
  if (q.limitBytes !== undefined && q.limitBytes >= 0) text = Buffer.from(text).subarray(0, q.limitBytes).toString('utf8');
  return text;
}

export function readCri(file: string): CriLine[] {
  try {
    return parseCri(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
}
