// Standalone mode's source: a directory of YAML/JSON → immutable ResourceSnapshots, on start and on every change.
// Hostile or half-written files cost only themselves: see file-reader.ts (what is read, symlinks), parse-documents.ts
// (what a file may hold), file-state.ts (when a new read replaces what a file served) and file-parser.ts (the event
// loop is never held up by a big file).
import { watch, type FSWatcher } from 'node:fs';
import { lstat, realpath } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { basename, join, relative, resolve } from 'node:path';
import type { ResourceSnapshot } from '@gatehouse/api';
import { FileParser } from './file-parser.js';
import { locate, readConfigFile } from './file-reader.js';
import { acceptRead, looksIncomplete, refusedFile, type FileState } from './file-state.js';
import type { FirstSeenStore } from './first-seen.js';
import { MemoryFirstSeen } from './first-seen.js';
import { DEFAULT_MAX_DOCUMENTS } from './parse-documents.js';
import { SnapshotBuilder } from './snapshot-builder.js';
import { listTree } from './tree-listing.js';
import { validateParsed } from './validate-parsed.js';

const EXTENSIONS = /\.(ya?ml|json)$/i;

/** Largest config file read by default; a larger one is reported and not read. */
export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024;
/** How long a file must stay unchanged before a read that would take resources away is believed, by default. */
export const DEFAULT_SETTLE_MS = 100;
export { DEFAULT_MAX_DOCUMENTS };
/** Settle checks of one file per refresh while it keeps changing; then it keeps what it served until the next event. */
const MAX_SETTLE_ROUNDS = 10;

export interface DirectorySourceOptions {
  dir: string;
  /** Quiet time after the last change before re-reading (default 25 ms). */
  debounceMs?: number;
  /** Interval of the safety-net rescan (default 2000 ms). */
  pollMs?: number;
  /** Read only these files (paths relative to `dir`). */
  only?: string[];
  firstSeen?: FirstSeenStore;
  /** The clock, for creation times of resources first seen now. */
  now?: () => string;
  /** Largest file read, in bytes (default 4 MiB): a larger file is a problem and keeps what it served. */
  maxFileBytes?: number;
  /** Most documents read from one file, List items included (default 5,000): more is a problem, as above. */
  maxDocumentsPerFile?: number;
  /**
   * How long (ms) a file must stay unchanged before a read that would take resources away from it (empty, shrunk,
   * broken) is believed (default 100): a file caught half-written keeps serving meanwhile.
   */
  settleMs?: number;
  /** Longest time parsing one file may take (default 30 s): a file that takes longer is a problem. */
  parseTimeoutMs?: number;
}

export class DirectorySource {
  private readonly files = new Map<string, FileState>();
  /** One non-recursive watcher per directory: robust to editors that replace files (new inode). */
  private readonly watchers = new Map<string, FSWatcher>();
  /** The config directory, absolute. */
  private readonly dir: string;
  private dirs = new Set<string>();
  /** The real path of the config directory: symlinks must resolve inside it. */
  private root: string;
  private timer: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private closed = false;
  private running: Promise<void> = Promise.resolve();
  private lastFingerprint = '';
  /** Files named by watcher events since the last refresh; undefined when the whole tree must be looked at. */
  private pending: Set<string> | undefined = new Set();
  private readonly firstSeen: FirstSeenStore;
  private readonly builder: SnapshotBuilder;
  private readonly parser: FileParser;
  private readonly maxFileBytes: number;

  constructor(private readonly options: DirectorySourceOptions) {
    this.firstSeen = options.firstSeen ?? new MemoryFirstSeen();
    this.builder = new SnapshotBuilder(this.firstSeen, options.now ?? (() => new Date().toISOString()));
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.parser = new FileParser({
      limits: { maxDocuments: options.maxDocumentsPerFile ?? DEFAULT_MAX_DOCUMENTS },
      maxFileBytes: this.maxFileBytes,
      ...(options.parseTimeoutMs ? { timeoutMs: options.parseTimeoutMs } : {}),
    });
    this.dir = resolve(options.dir);
    this.root = this.dir;
  }

  /** Reads the directory once. */
  async load(): Promise<ResourceSnapshot> {
    await this.refresh();
    return this.builder.build(this.files);
  }

  /** Emits a snapshot now and after every change that alters the inputs. */
  async watch(onSnapshot: (s: ResourceSnapshot) => void): Promise<void> {
    const first = await this.load();
    this.lastFingerprint = this.fingerprint();
    onSnapshot(first);
    this.syncWatchers(onSnapshot);
    // Safety net for events a filesystem does not deliver (network mounts, some container volumes).
    this.poll = setInterval(() => this.schedule(onSnapshot), this.options.pollMs ?? 2000);
    this.poll.unref();
  }

  private syncWatchers(onSnapshot: (s: ResourceSnapshot) => void): void {
    if (this.closed) return;
    for (const [dir, w] of this.watchers) {
      if (this.dirs.has(dir)) continue;
      w.close();
      this.watchers.delete(dir);
    }
    for (const dir of this.dirs) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = watch(dir, (_event, name) => this.schedule(onSnapshot, dir, typeof name === 'string' ? name : null));
        w.on('error', () => this.schedule(onSnapshot));
        this.watchers.set(dir, w);
      } catch {
        // vanished between listing and watching: the next refresh settles it
      }
    }
  }

  /**
   * Re-reads after a quiet period. `changed` is a path a watcher named (relative to the watched directory `dir`):
   * while every event names one, only those files are looked at; anything else (a poll, an event without a name)
   * looks at the whole tree.
   */
  private schedule(onSnapshot: (s: ResourceSnapshot) => void, dir?: string, changed?: string | null): void {
    if (dir === undefined || !changed) this.pending = undefined;
    else this.pending?.add(join(dir, changed));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const paths = this.pending;
      this.pending = new Set();
      this.running = this.running
        .then(async () => {
          await (paths ? this.refreshPaths(paths) : this.refresh());
          if (this.closed) return;
          this.syncWatchers(onSnapshot);
          const fp = this.fingerprint();
          if (fp === this.lastFingerprint) return;
          this.lastFingerprint = fp;
          onSnapshot(this.builder.build(this.files));
        })
        .catch(() => undefined); // a failed refresh must not stop later ones
    }, this.options.debounceMs ?? 25);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.poll);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    this.parser.close();
    this.firstSeen.flush();
  }

  private fingerprint(): string {
    return [...this.files.entries()]
      .map(([f, s]) => `${f}@${s.stamp}`)
      .sort()
      .join('|');
  }

  /** Looks at the whole tree: re-reads files whose stamp changed, forgets deleted ones. */
  private async refresh(): Promise<void> {
    const dir = this.dir;
    this.root = await realpath(dir).catch(() => dir);
    const tree = await listTree(dir);
    const present = new Set<string>();
    const candidates: Array<{ rel: string; full: string; configName: boolean }> = [];
    for (const { rel, full, dirent } of tree.entries) {
      if (this.options.only && !this.options.only.includes(rel)) continue;
      const configName = EXTENSIONS.test(dirent.name);
      // A symlink of any name is looked at: one to a directory outside the tree is reported.
      if (!configName && !dirent.isSymbolicLink()) continue;
      present.add(rel);
      candidates.push({ rel, full, configName });
    }
    // A directory that cannot be listed is a problem of its own; the files under it keep what they served.
    const dirs = new Set([dir, ...tree.dirs]);
    for (const u of tree.unlisted) {
      const under = (path: string) => u.rel === '.' || path.startsWith(`${u.rel}/`);
      for (const f of this.files.keys()) if (under(f)) present.add(f);
      for (const d of this.dirs) if (under(relative(dir, d))) dirs.add(d);
      present.add(u.rel);
      if (this.files.get(u.rel)?.parsed.problems[0]?.message !== u.message)
        this.files.set(u.rel, await acceptRead(undefined, u.rel, 'unlisted', 0, refusedFile(u.message)));
    }
    // Stat and read with bounded concurrency: thousands of files one by one is mostly waiting.
    await inParallel(candidates, 64, ({ rel, full, configName }) => this.readOne(rel, full, configName));
    for (const f of [...this.files.keys()]) if (!present.has(f)) this.files.delete(f);
    this.dirs = dirs;
  }

  /** Looks at the named files only (absolute paths); a directory among them means the tree changed shape. */
  private async refreshPaths(paths: Set<string>): Promise<void> {
    const dir = this.dir;
    for (const full of paths) {
      const rel = relative(dir, full);
      const entry = await lstat(full).catch(() => undefined);
      const hidden = rel.split(/[\\/]/).some((part) => part.startsWith('.'));
      // A directory came or went: the tree changed shape (and its watchers with it). A `..` symlink changing is how a
      // Kubernetes ConfigMap volume swaps its contents (`..data`): every file linked through it may have changed.
      const swapped = basename(rel).startsWith('..') && entry?.isSymbolicLink();
      if (entry?.isDirectory() || swapped || (!entry && [...this.files.keys()].some((f) => f.startsWith(`${rel}/`)))) return this.refresh();
      if (hidden || (this.options.only && !this.options.only.includes(rel))) continue;
      const configName = EXTENSIONS.test(full);
      if (!configName && !entry?.isSymbolicLink() && !this.files.has(rel)) continue;
      await this.readOne(rel, full, configName);
    }
  }

  /**
   * (Re)reads one file when its stamp changed; forgets it when it is gone. A read that would take resources away is
   * believed only once the file has settled (see file-state.ts); meanwhile the file keeps what it served.
   */
  private async readOne(rel: string, full: string, configName = true): Promise<void> {
    const prev = this.files.get(rel);
    if (!configName) {
      // Not a config file by name: only a symlink to a directory outside the tree is worth a problem.
      const at = await locate(full, this.root);
      if (at.kind === 'problem' && at.directory) {
        if (prev?.stamp !== at.stamp) this.files.set(rel, await acceptRead(undefined, rel, at.stamp, 0, refusedFile(at.message)));
      } else this.files.delete(rel);
      return;
    }
    for (let round = 1; ; round++) {
      const read = await readConfigFile(full, this.root, { maxBytes: this.maxFileBytes, ...(prev ? { previous: prev.stamp } : {}) });
      if (read.kind === 'same' || (read.kind === 'problem' && read.stamp === prev?.stamp)) return;
      if (read.kind === 'gone' || read.kind === 'skip') {
        this.files.delete(rel);
        return;
      }
      const parsed = read.kind === 'problem' ? refusedFile(read.message) : await validateParsed(await this.parser.parse(read.bytes));
      const size = read.kind === 'bytes' ? read.size : 0;
      if (!looksIncomplete(prev, parsed, size) || (await this.settled(full, read.stamp))) {
        this.files.set(rel, await acceptRead(prev, rel, read.stamp, size, parsed));
        return;
      }
      if (round >= MAX_SETTLE_ROUNDS || this.closed) return; // still changing: the next event or poll looks again
    }
  }

  /** Whether `full` still has `stamp` after the settle time. */
  private async settled(full: string, stamp: string): Promise<boolean> {
    await sleep(this.options.settleMs ?? DEFAULT_SETTLE_MS);
    const at = await locate(full, this.root);
    return (at.kind === 'file' || at.kind === 'problem') && at.stamp === stamp;
  }
}

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
