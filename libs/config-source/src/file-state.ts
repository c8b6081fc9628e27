// What one config file serves, and the rules for replacing it with a new read.
//
// The rules, in order:
// 1. A read that could not be read at all (a YAML syntax error, a document too deep or an alias bomb, not UTF-8,
//    too large, too many documents, unreadable, a refused symlink) never replaces what the file served: its last
//    good version is served, with a warning, until the file reads cleanly again.
// 2. A read that would take something away from a file that serves resources — it is empty, smaller than before,
//    has any problem (syntax, shape or validation), or lacks a resource the file served — may be a file caught
//    half-written (truncated, then written in place). It is believed only once the file has stayed unchanged
//    (size, mtime, inode) for the settle time; until then the file keeps serving what it served. So an
//    intentionally emptied or shrunk file does withdraw its resources, a settle time later.
// 3. Any other read (clean, and keeping every resource) is taken at once: the common edit is not delayed.
// A document that parses but fails validation is therefore rejected (and its resource withdrawn) once the file is
// stable: like the apiserver, Gatehouse shows the refusal rather than silently serving an older version, and a
// half-written document almost always fails YAML parsing or the settle check first.
import { isClusterScoped, resourceKey, type KubeObject, type ResourceRef } from '@gatehouse/api';
import { bounded, boundedList } from './bounded-text.js';
import type { ParsedFile } from './parse-documents.js';
import { timeSlicer } from './time-slice.js';
import { keyOfParsed } from './validate-parsed.js';

export interface Claim {
  key: string;
  file: string;
  line: number;
  object: KubeObject;
  ref: ResourceRef;
  /** Why the file's current read is not served (its last good version is). */
  stale?: string;
}

export interface FileState {
  /** Size, mtime and inode of the read that produced `parsed` (see `locate`). */
  stamp: string;
  size: number;
  /** The latest accepted read: its problems are reported. */
  parsed: ParsedFile;
  /** The last accepted read that could be read: what this file serves while it cannot be. */
  lastGood?: ParsedFile;
  /** The resources this file claims (from `lastGood` while it is broken), computed once per read. */
  claims: Claim[];
}

/** A file (or directory) that is there but was not read, for the reason given. */
export function refusedFile(message: string): ParsedFile {
  return { objects: [], problems: [{ line: 1, message }], syntaxError: true };
}

/** Rule 2: whether `parsed` (of `size` bytes) must wait for the file to settle before it replaces `prev`. */
export function looksIncomplete(prev: FileState | undefined, parsed: ParsedFile, size: number): boolean {
  if (!prev || prev.claims.length === 0) return false;
  if (parsed.problems.length > 0 || parsed.objects.length === 0 || size < prev.size) return true;
  const keys = new Set(parsed.objects.map((o) => keyOfParsed(o.object)));
  return prev.claims.some((c) => !keys.has(c.key));
}

/**
 * The state after accepting `parsed` (rule 1 decides what is served). An object whose content did not change keeps
 * the object `prev` served, so the snapshot sees it unchanged. Yields to the event loop between slices.
 */
export async function acceptRead(prev: FileState | undefined, file: string, stamp: string, size: number, parsed: ParsedFile): Promise<FileState> {
  const lastGood = parsed.syntaxError ? prev?.lastGood : parsed;
  const use = parsed.syntaxError && lastGood ? lastGood : parsed;
  const stale =
    use !== parsed
      ? bounded(
          boundedList(
            parsed.problems.map((p) => `line ${p.line}: ${p.message}`),
            3,
          ),
          1000,
        )
      : undefined;
  const before = new Map(prev?.claims.map((c) => [c.key, c.object]));
  const slice = timeSlicer();
  const claims: Claim[] = [];
  for (const { object, line } of use.objects) {
    await slice();
    const ref = normalize(object);
    const key = resourceKey(ref);
    const old = before.get(key);
    const same = old !== undefined && (old === object || JSON.stringify(old) === JSON.stringify(object)); // depth-bounded by parsing
    claims.push({ key, file, line, object: same ? old : object, ref, ...(stale ? { stale } : {}) });
  }
  return { stamp, size, parsed, claims, ...(lastGood ? { lastGood } : {}) };
}

/** Fills the default namespace (the object is frozen afterwards: snapshots are immutable). */
function normalize(object: KubeObject): ResourceRef {
  if (!isClusterScoped(object.kind)) object.metadata.namespace ??= 'default';
  deepFreeze(object);
  return { kind: object.kind, namespace: isClusterScoped(object.kind) ? '' : object.metadata.namespace!, name: object.metadata.name };
}

/** Recursion is safe here: parsing refused anything nested deeper than `MAX_DEPTH`. */
function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
