// One file's text → Kubernetes objects with their line numbers, and the documents that could not be read.
import { LineCounter, parseAllDocuments } from 'yaml';
import type { KubeObject } from '@gatehouse/api';

export interface ParsedObject {
  object: KubeObject;
  line: number;
}

export interface ParseProblem {
  line: number;
  message: string;
  /** The resource, when the document was readable but is invalid. */
  ref?: { kind: string; namespace: string; name: string };
}

export interface ParsedFile {
  objects: ParsedObject[];
  problems: ParseProblem[];
  /** True when some document had a syntax error (the file as a whole is not trustworthy). */
  syntaxError: boolean;
}

export function parseDocuments(text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const out: ParsedFile = { objects: [], problems: [], syntaxError: false };
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    const line = lineCounter.linePos(doc.range?.[0] ?? 0).line;
    if (doc.errors.length > 0) {
      const err = doc.errors[0]!;
      const at = lineCounter.linePos(err.pos[0]).line;
      out.problems.push({ line: at, message: `YAML syntax error: ${err.message.split('\n')[0]}` });
      out.syntaxError = true;
      continue;
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue; // empty document
    const contentLine = lineCounter.linePos(doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0).line || line;
    const problem = shapeProblem(value);
    if (problem) {
      out.problems.push({ line: contentLine, message: problem });
      continue;
    }
    const obj = value as KubeObject;
    if (obj.kind === 'List' && Array.isArray(obj['items'])) {
      for (const item of obj['items'] as unknown[]) {
        const p = shapeProblem(item);
        if (p) out.problems.push({ line: contentLine, message: `List item: ${p}` });
        else out.objects.push({ object: item as KubeObject, line: contentLine });
      }
      continue;
    }
    out.objects.push({ object: obj, line: contentLine });
  }
  return out;
}

/** What makes a value not a Kubernetes object, or undefined when it is one. */
function shapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'a document must be a mapping with apiVersion, kind and metadata';
  const o = value as Record<string, unknown>;
  if (o['kind'] === 'List') return undefined;
  if (typeof o['apiVersion'] !== 'string' || !o['apiVersion']) return 'apiVersion: required (a string such as gateway.networking.k8s.io/v1)';
  if (typeof o['kind'] !== 'string' || !o['kind']) return 'kind: required (a string such as HTTPRoute)';
  const meta = o['metadata'] as Record<string, unknown> | undefined;
  if (typeof meta !== 'object' || meta === null) return `${o['kind']}: metadata: required (with a name)`;
  if (typeof meta['name'] !== 'string' || !meta['name']) return `${o['kind']}: metadata.name: required`;
  if (meta['namespace'] !== undefined && typeof meta['namespace'] !== 'string') return `${o['kind']} ${meta['name']}: metadata.namespace: must be a string`;
  return undefined;
}
