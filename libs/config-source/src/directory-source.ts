// Standalone mode's source: a directory of YAML/JSON → immutable ResourceSnapshots, on start and on every change.
import { watch, type FSWatcher } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  KNOWN_KINDS,
  describeRef,
  isClusterScoped,
  resourceKey,
  type KubeObject,
  type ResourceRef,
  type ResourceSnapshot,
  type SourceProblem,
  type StoredResource,
} from '@gatehouse/api';
import type { FirstSeenStore } from './first-seen.js';
import { MemoryFirstSeen } from './first-seen.js';
import { parseDocuments, type ParsedFile } from './parse-documents.js';
import { validateParsed } from './validate-parsed.js';

const EXTENSIONS = /\.(ya?ml|json)$/i;

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
}

interface FileState {
  stamp: string;
  parsed: ParsedFile;
  /** The last parse without syntax errors: what this file serves while it is broken. */
  lastGood?: ParsedFile;
  /** The resources this file claims (from `lastGood` while it is broken), computed once per read. */
  claims: Claim[];
}

interface Claim {
  key: string;
  file: string;
  line: number;
  object: KubeObject;
  ref: ResourceRef;
  stale?: string;
}

export class DirectorySource {
  private readonly files = new Map<string, FileState>();
  private readonly owners = new Map<string, string>(); // resource key → file that owns it
  /** One non-recursive watcher per directory: robust to editors that replace files (new inode). */
  private readonly watchers = new Map<string, FSWatcher>();
  private dirs = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private closed = false;
  private running: Promise<void> = Promise.resolve();
  private lastFingerprint = '';
  /** Files named by watcher events since the last refresh; undefined when the whole tree must be looked at. */
  private pending: Set<string> | undefined = new Set();
  private readonly firstSeen: FirstSeenStore;
  private readonly now: () => string;
  /** The last snapshot built: unchanged resources keep its objects, and the next snapshot says what changed. */
  private last: ResourceSnapshot | undefined;

  constructor(private readonly options: DirectorySourceOptions) {
    this.firstSeen = options.firstSeen ?? new MemoryFirstSeen();
    this.now = options.now ?? (() => new Date().toISOString());
  }

  /** Reads the directory once. */
  async load(): Promise<ResourceSnapshot> {
    await this.refresh();
    return this.build();
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
          this.syncWatchers(onSnapshot);
          const fp = this.fingerprint();
          if (fp === this.lastFingerprint) return;
          this.lastFingerprint = fp;
          onSnapshot(this.build());
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
    this.firstSeen.flush();
  }

  private fingerprint(): string {
    return [...this.files.entries()].map(([f, s]) => `${f}@${s.stamp}`).sort().join('|');
  }

  /** Re-reads files whose size or mtime changed; forgets deleted ones. */
  private async refresh(): Promise<void> {
    const dir = this.options.dir;
    const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
    const present = new Set<string>();
    const dirs = new Set<string>([dir]);
    const candidates: Array<{ rel: string; full: string }> = [];
    const hidden = (p: string) => relative(dir, p).split(/[\\/]/).some((part) => part.startsWith('.'));
    for (const e of entries) {
      if (e.isDirectory() && !hidden(join(e.parentPath, e.name))) dirs.add(join(e.parentPath, e.name));
      if (!e.isFile() || !EXTENSIONS.test(e.name)) continue;
      const full = join(e.parentPath, e.name);
      const rel = relative(dir, full);
      if (hidden(full)) continue; // editor temp files, .git
      if (this.options.only && !this.options.only.includes(rel)) continue;
      present.add(rel);
      candidates.push({ rel, full });
    }
    // Stat and read with bounded concurrency: thousands of files one by one is mostly waiting.
    await inParallel(candidates, 64, ({ rel, full }) => this.readOne(rel, full));
    for (const f of [...this.files.keys()]) if (!present.has(f)) this.files.delete(f);
    this.dirs = dirs;
  }

  /** Looks at the named files only (absolute paths); a directory among them means the tree changed shape. */
  private async refreshPaths(paths: Set<string>): Promise<void> {
    const dir = this.options.dir;
    for (const full of paths) {
      const rel = relative(dir, full);
      const st = await stat(full).catch(() => undefined);
      // A directory came or went: the tree changed shape (and its watchers with it).
      if (st?.isDirectory() || (!st && [...this.files.keys()].some((f) => f.startsWith(`${rel}/`)))) return this.refresh();
      if (!EXTENSIONS.test(full) || rel.split(/[\\/]/).some((part) => part.startsWith('.')) || (this.options.only && !this.options.only.includes(rel))) continue;
      await this.readOne(rel, full);
    }
  }

  /** (Re)reads one file when its size, mtime or inode changed; forgets it when it is gone. */
  private async readOne(rel: string, full: string): Promise<void> {
    const st = await stat(full).catch(() => undefined);
    if (!st?.isFile()) {
      this.files.delete(rel);
      return;
    }
    const stamp = `${st.size}:${st.mtimeMs}:${st.ino}`;
    const prev = this.files.get(rel);
    if (prev?.stamp === stamp) return;
    const text = await readFile(full, 'utf8').catch(() => undefined);
    if (text === undefined) return;
    const parsed = validateParsed(parseDocuments(text));
    const lastGood = parsed.syntaxError ? prev?.lastGood : parsed;
    // A file with a syntax error keeps serving its last good version.
    const use = parsed.syntaxError && lastGood ? lastGood : parsed;
    const stale = use !== parsed ? parsed.problems.map((p) => `line ${p.line}: ${p.message}`).join('; ') : undefined;
    const claims = use.objects.map(({ object, line }) => {
      const ref = normalize(object);
      return { key: resourceKey(ref), file: rel, line, object, ref, ...(stale ? { stale } : {}) };
    });
    this.files.set(rel, { stamp, parsed, claims, ...(lastGood ? { lastGood } : {}) });
  }

  private build(): ResourceSnapshot {
    const resources = new Map<string, StoredResource>();
    const problems: SourceProblem[] = [];
    // Duplicates: the file that already owned a key keeps it; otherwise the first file in path order.
    const byKey = new Map<string, Claim[]>();
    for (const file of [...this.files.keys()].sort()) {
      const state = this.files.get(file)!;
      for (const p of state.parsed.problems) problems.push({ origin: { source: 'file', file, line: p.line }, severity: 'error', message: p.message, ...(p.ref ? { ref: p.ref } : {}) });
      for (const c of state.claims) {
        const list = byKey.get(c.key);
        if (list) list.push(c);
        else byKey.set(c.key, [c]);
      }
    }
    const owners = new Map<string, string>();
    for (const [key, list] of byKey) {
      const prevOwner = this.owners.get(key);
      const winner = list.find((c) => c.file === prevOwner) ?? list[0]!;
      owners.set(key, winner.file);
      for (const loser of list) {
        if (loser === winner) continue;
        problems.push({
          origin: { source: 'file', file: loser.file, line: loser.line },
          severity: 'warning',
          message: `duplicate ${describeRef(loser.ref)}: already defined in ${winner.file}:${winner.line}; this copy in ${loser.file}:${loser.line} is ignored`,
          ref: loser.ref,
        });
      }
      const kindProblem = checkKind(winner.object);
      if (kindProblem) {
        problems.push({ origin: { source: 'file', file: winner.file, line: winner.line }, severity: kindProblem.severity, message: kindProblem.message, ref: winner.ref });
        if (kindProblem.severity === 'error') continue;
      }
      if (winner.stale) {
        problems.push({
          origin: { source: 'file', file: winner.file, line: winner.line },
          severity: 'warning',
          ref: winner.ref,
          message: `${winner.file} no longer parses (${winner.stale}); serving its last good version`,
        });
      }
      let createdAt = winner.object.metadata.creationTimestamp ?? this.firstSeen.get(key);
      if (!createdAt) this.firstSeen.set(key, (createdAt = this.now()));
      const prev = this.last?.resources.get(key);
      // A document re-read with the same content (another document of its file changed) keeps its old object.
      const object = prev && prev.object !== winner.object && sameContent(prev.object, winner.object) ? prev.object : winner.object;
      const same = prev && prev.object === object && prev.createdAt === createdAt && prev.origin.file === winner.file && prev.origin.line === winner.line;
      resources.set(key, same ? prev : { key, ref: winner.ref, object, origin: { source: 'file', file: winner.file, line: winner.line }, createdAt });
    }
    this.owners.clear();
    for (const [k, f] of owners) this.owners.set(k, f);
    this.firstSeen.flush();
    const snapshot: ResourceSnapshot = { resources, problems, revision: {}, ...(this.last?.revision ? { changes: { since: this.last.revision, keys: changedKeys(this.last.resources, resources) } } : {}) };
    this.last = snapshot;
    return snapshot;
  }
}

/** Fills the default namespace (the object is frozen afterwards: snapshots are immutable). */
function normalize(object: KubeObject): ResourceRef {
  if (!isClusterScoped(object.kind)) object.metadata.namespace ??= 'default';
  deepFreeze(object);
  return { kind: object.kind, namespace: isClusterScoped(object.kind) ? '' : object.metadata.namespace!, name: object.metadata.name };
}

function checkKind(object: KubeObject): { severity: 'error' | 'warning'; message: string } | undefined {
  const versions = KNOWN_KINDS[object.kind];
  if (!versions) return { severity: 'warning', message: `kind ${object.kind} (${object.apiVersion}) is not handled by Gatehouse; ignored` };
  if (!versions.includes(object.apiVersion)) return { severity: 'error', message: `apiVersion: ${object.apiVersion} is not served for kind ${object.kind} (use ${versions[0]})` };
  return undefined;
}

function sameContent(a: KubeObject, b: KubeObject): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function changedKeys(before: ReadonlyMap<string, StoredResource>, after: ReadonlyMap<string, StoredResource>): Set<string> {
  const keys = new Set<string>();
  for (const [k, r] of after) if (before.get(k) !== r) keys.add(k);
  for (const k of before.keys()) if (!after.has(k)) keys.add(k);
  return keys;
}

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
