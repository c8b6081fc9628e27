// Every file's claims → one immutable ResourceSnapshot: duplicates resolved, kinds checked, problems collected (each
// with its file and line, and its resource when one is known), unchanged resources keeping their objects.
import { describeRef, servedVersions, type KubeObject, type ResourceSnapshot, type SourceProblem, type StoredResource } from '@gatehouse/api';
import { bounded } from './bounded-text.js';
import type { Claim, FileState } from './file-state.js';
import type { FirstSeenStore } from './first-seen.js';

/** What a Kubernetes kind looks like; anything else is refused rather than carried around as an "unknown kind". */
const KIND_NAME = /^[A-Za-z][A-Za-z0-9]{0,62}$/;

export class SnapshotBuilder {
  private readonly owners = new Map<string, string>(); // resource key → file that owns it
  /** The last snapshot built: unchanged resources keep its objects, and the next snapshot says what changed. */
  private last: ResourceSnapshot | undefined;

  constructor(
    private readonly firstSeen: FirstSeenStore,
    private readonly now: () => string,
  ) {}

  build(files: ReadonlyMap<string, FileState>): ResourceSnapshot {
    const resources = new Map<string, StoredResource>();
    const problems: SourceProblem[] = [];
    // Duplicates: the file that already owned a key keeps it; otherwise the first file in path order.
    const byKey = new Map<string, Claim[]>();
    for (const file of [...files.keys()].sort()) {
      const state = files.get(file)!;
      for (const p of state.parsed.problems)
        problems.push({ origin: { source: 'file', file, line: p.line }, severity: 'error', message: p.message, ...(p.ref ? { ref: p.ref } : {}) });
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
        const ref = { ...winner.ref, kind: bounded(winner.ref.kind, 253) }; // a 1 MB kind is not a status key
        problems.push({ origin: { source: 'file', file: winner.file, line: winner.line }, severity: kindProblem.severity, message: kindProblem.message, ref });
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
      const given = winner.object.metadata.creationTimestamp;
      let createdAt = (typeof given === 'string' ? given : undefined) ?? this.firstSeen.get(key);
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
    const snapshot: ResourceSnapshot = {
      resources,
      problems,
      revision: {},
      ...(this.last?.revision ? { changes: { since: this.last.revision, keys: changedKeys(this.last.resources, resources) } } : {}),
    };
    this.last = snapshot;
    return snapshot;
  }
}

/** Whether Gatehouse handles the object's kind at its apiVersion (user strings quoted as bounded prefixes). */
function checkKind(object: KubeObject): { severity: 'error' | 'warning'; message: string } | undefined {
  if (!KIND_NAME.test(object.kind))
    return { severity: 'error', message: `kind: "${bounded(object.kind)}" is not a kind name (letters and digits, starting with a letter, at most 63)` };
  const versions = servedVersions(object.kind);
  if (!versions) return { severity: 'warning', message: `kind ${object.kind} (${bounded(object.apiVersion)}) is not handled by Gatehouse; ignored` };
  if (!versions.includes(object.apiVersion))
    return { severity: 'error', message: `apiVersion: ${bounded(object.apiVersion)} is not served for kind ${object.kind} (use ${versions[0]})` };
  return undefined;
}

/** Recursion is safe here: parsing refused anything nested deeper than `MAX_DEPTH` or expanding too far. */
function sameContent(a: KubeObject, b: KubeObject): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function changedKeys(before: ReadonlyMap<string, StoredResource>, after: ReadonlyMap<string, StoredResource>): Set<string> {
  const keys = new Set<string>();
  for (const [k, r] of after) if (before.get(k) !== r) keys.add(k);
  for (const k of before.keys()) if (!after.has(k)) keys.add(k);
  return keys;
}
