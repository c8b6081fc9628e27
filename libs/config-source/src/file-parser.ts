// Parses config files without holding up the event loop: small files inline (a few milliseconds), larger ones in a
// child process, one at a time, with a time limit and a heap limit. A file that exceeds either is refused with a
// problem and the process is replaced: the control plane itself never runs out of memory or stalls on a file.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatBytes } from './bounded-text.js';
import { parseFile, type ParsedFile, type ParsedObject, type ParseLimits } from './parse-documents.js';
import type { ParseAnswer, ParseRequest } from './parse-worker.js';

/** Below this size a file is parsed inline (yaml reads about 1 MB/s: 16 KiB is well under 20 ms). */
const INLINE_BELOW_BYTES = 16 * 1024;
const WORKER = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './parse-worker.ts' : './parse-worker.js', import.meta.url));
/** The last bytes of the worker's stderr kept, to tell running out of memory from other deaths. */
const STDERR_TAIL = 4096;

export interface FileParserOptions {
  limits: ParseLimits;
  /** The largest file that will be parsed (sizes the worker's heap). */
  maxFileBytes: number;
  /** Longest the worker may spend on one file (default 30 s). */
  timeoutMs?: number;
  /** The worker's heap limit in MB (default: 128 per MiB of `maxFileBytes`, at least 256). */
  heapMb?: number;
}

interface Job {
  id: number;
  bytes: Uint8Array;
  resolve: (parsed: ParsedFile) => void;
}

export class FileParser {
  private worker: { child: ChildProcess; stderr: string } | undefined;
  private readonly queue: Job[] = [];
  private current: { job: Job; timer: NodeJS.Timeout; objects: ParsedObject[] } | undefined;
  private nextId = 1;
  private closed = false;
  private readonly heapMb: number;

  constructor(private readonly options: FileParserOptions) {
    // yaml's document model takes up to about 500 bytes of heap per byte of input (a flow list of one-letter items);
    // past the limit the worker dies and the file is refused.
    this.heapMb = options.heapMb ?? Math.max(256, Math.ceil((options.maxFileBytes * 128) / (1024 * 1024)));
  }

  parse(bytes: Uint8Array): Promise<ParsedFile> {
    if (bytes.length < INLINE_BELOW_BYTES || this.closed) return Promise.resolve(parseFile(bytes, this.options.limits));
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, bytes, resolve });
      this.pump();
    });
  }

  close(): void {
    this.closed = true;
    const w = this.worker;
    this.worker = undefined;
    w?.child.kill('SIGKILL');
    const pending = [...(this.current ? [this.current.job] : []), ...this.queue.splice(0)];
    if (this.current) clearTimeout(this.current.timer);
    this.current = undefined;
    for (const job of pending) job.resolve(refused('not parsed: the source was closed'));
  }

  private pump(): void {
    if (this.current || this.closed) return;
    const job = this.queue.shift();
    if (!job) {
      this.idle(true);
      return;
    }
    let worker = this.worker;
    if (!worker) {
      try {
        worker = this.worker = this.spawn();
      } catch {
        // No child process here (a sandbox, say): parse on the event loop rather than refuse a good file.
        job.resolve(parseFile(job.bytes, this.options.limits));
        return this.pump();
      }
    }
    this.idle(false);
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const timer = setTimeout(() => this.fail(worker, refused(`parsing it took longer than ${timeoutMs / 1000} s; not read`)), timeoutMs);
    this.current = { job, timer, objects: [] };
    this.send(worker, { type: 'parse', id: job.id, bytes: job.bytes, limits: this.options.limits });
  }

  private spawn(): { child: ChildProcess; stderr: string } {
    const child = fork(WORKER, [], {
      execArgv: [`--max-old-space-size=${this.heapMb}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const worker = { child, stderr: '' };
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (worker.stderr = (worker.stderr + s).slice(-STDERR_TAIL)));
    child.on('message', (answer: ParseAnswer) => {
      const current = this.current;
      if (worker !== this.worker || answer.id !== current?.job.id) return;
      for (const o of answer.objects) current.objects.push(o);
      if (answer.done) return this.finish({ objects: current.objects, problems: answer.problems, syntaxError: answer.syntaxError });
      // A turn of the event loop between chunks, then the next one.
      setImmediate(() => {
        if (worker === this.worker && this.current === current) this.send(worker, { type: 'more', id: answer.id });
      });
    });
    child.on('error', () => {
      // Could not start (or be signalled): parse here rather than refuse a good file.
      if (worker !== this.worker) return;
      const job = this.current?.job;
      this.fail(worker, job ? parseFile(job.bytes, this.options.limits) : refused('not parsed'));
    });
    child.on('close', (code, signal) => {
      if (worker !== this.worker) return;
      const outOfMemory = /heap out of memory|Reached heap limit/i.test(worker.stderr);
      const why = outOfMemory
        ? `parsing it needed more than ${formatBytes(this.heapMb * 1024 * 1024)} of memory`
        : `the parser process ended while parsing it (${signal ?? `exit code ${code}`})`;
      this.fail(worker, refused(`${why}; not read`));
    });
    return worker;
  }

  private send(worker: { child: ChildProcess }, request: ParseRequest): void {
    worker.child.send(request, (err) => {
      if (err && worker === this.worker) this.fail(worker, refused(`could not be handed to the parser (${err.message}); not read`));
    });
  }

  /** An idle worker never keeps the process alive; a busy one does (its answer is awaited). */
  private idle(idle: boolean): void {
    const child = this.worker?.child;
    if (!child) return;
    if (idle) {
      child.unref();
      child.channel?.unref();
    } else {
      child.ref();
      child.channel?.ref();
    }
  }

  private finish(parsed: ParsedFile): void {
    const current = this.current!;
    clearTimeout(current.timer);
    this.current = undefined;
    current.job.resolve(parsed);
    this.pump();
  }

  /** Ends the current job with `parsed` and replaces the worker (it is stuck, dead or out of memory). */
  private fail(worker: { child: ChildProcess }, parsed: ParsedFile): void {
    if (worker === this.worker) this.worker = undefined;
    worker.child.kill('SIGKILL');
    if (this.current) this.finish(parsed);
    else this.pump();
  }
}

function refused(message: string): ParsedFile {
  return { objects: [], problems: [{ line: 1, message }], syntaxError: true };
}
