// Parses config files without holding up the event loop: small files inline (a few milliseconds), larger ones in a
// worker thread, one at a time, with a time limit and a heap limit. A file that exceeds either is refused with a
// problem and the worker is replaced; the control plane itself never runs out of memory or stalls on a file.
import { Worker } from 'node:worker_threads';
import { formatBytes } from './bounded-text.js';
import { parseFile, type ParsedFile, type ParsedObject, type ParseLimits } from './parse-documents.js';
import type { ParseAnswer, ParseRequest } from './parse-worker.js';

/** Below this size a file is parsed inline (yaml reads about 1 MB/s: 16 KiB is well under 20 ms). */
const INLINE_BELOW_BYTES = 16 * 1024;
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './parse-worker.ts' : './parse-worker.js', import.meta.url);

export interface FileParserOptions {
  limits: ParseLimits;
  /** The largest file that will be parsed (sizes the worker's heap). */
  maxFileBytes: number;
  /** Longest a worker may spend on one file (default 30 s). */
  timeoutMs?: number;
}

interface Job {
  id: number;
  bytes: Uint8Array;
  resolve: (parsed: ParsedFile) => void;
}

export class FileParser {
  private worker: Worker | undefined;
  private readonly queue: Job[] = [];
  private current: { job: Job; timer: NodeJS.Timeout; objects: ParsedObject[] } | undefined;
  private nextId = 1;
  private closed = false;
  private readonly heapMb: number;

  constructor(private readonly options: FileParserOptions) {
    // yaml's document model takes about 50 bytes of heap per byte of input at worst (a flow list of one-letter items).
    this.heapMb = Math.max(256, Math.ceil((options.maxFileBytes * 128) / (1024 * 1024)));
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
    void w?.terminate();
    const pending = [...(this.current ? [this.current.job] : []), ...this.queue.splice(0)];
    if (this.current) clearTimeout(this.current.timer);
    this.current = undefined;
    for (const job of pending) job.resolve(refused('not parsed: the source was closed'));
  }

  private pump(): void {
    if (this.current || this.closed) return;
    const job = this.queue.shift();
    if (!job) {
      this.worker?.unref(); // idle: never keeps the process alive
      return;
    }
    const worker = (this.worker ??= this.spawn());
    worker.ref(); // a file is being parsed: the process waits for the answer
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const timer = setTimeout(() => this.fail(worker, refused(`parsing it took longer than ${timeoutMs / 1000} s; not read`)), timeoutMs);
    this.current = { job, timer, objects: [] };
    const request: ParseRequest = { type: 'parse', id: job.id, bytes: job.bytes, limits: this.options.limits };
    worker.postMessage(request);
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: this.heapMb } });
    worker.on('message', (answer: ParseAnswer) => {
      const current = this.current;
      if (worker !== this.worker || answer.id !== current?.job.id) return;
      for (const o of answer.objects) current.objects.push(o);
      if (answer.done) return this.finish({ objects: current.objects, problems: answer.problems, syntaxError: answer.syntaxError });
      // A turn of the event loop between chunks, then the next one.
      setImmediate(() => {
        if (worker === this.worker && this.current === current) worker.postMessage({ type: 'more', id: answer.id } satisfies ParseRequest);
      });
    });
    worker.on('error', (err: Error & { code?: string }) => {
      if (worker !== this.worker) return;
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') return this.fail(worker, refused(`parsing it needed more than ${formatBytes(this.heapMb * 1024 * 1024)} of memory; not read`));
      // The worker itself failed (it could not start, say): parse here rather than refuse a good file.
      const job = this.current?.job;
      this.fail(worker, job ? parseFile(job.bytes, this.options.limits) : refused('not parsed'));
    });
    worker.on('exit', () => {
      if (worker !== this.worker) return;
      const job = this.current?.job;
      this.fail(worker, job ? parseFile(job.bytes, this.options.limits) : refused('not parsed'));
    });
    return worker;
  }

  private finish(parsed: ParsedFile): void {
    const current = this.current!;
    clearTimeout(current.timer);
    this.current = undefined;
    current.job.resolve(parsed);
    this.pump();
  }

  /** Ends the current job with `parsed` and replaces the worker (it is stuck, dead or out of memory). */
  private fail(worker: Worker, parsed: ParsedFile): void {
    if (worker === this.worker) this.worker = undefined;
    void worker.terminate();
    if (this.current) this.finish(parsed);
    else this.pump();
  }
}

function refused(message: string): ParsedFile {
  return { objects: [], problems: [{ line: 1, message }], syntaxError: true };
}
