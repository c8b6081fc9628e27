// One file's bytes → Kubernetes objects with their line numbers, and what could not be read, each with its line.
// Never throws: whatever the file holds (binary, an alias bomb, 100,000 nested brackets, a million empty documents),
// the answer is objects and problems. Documents are composed one at a time, so memory follows the largest document,
// not the file. (This module also runs in the parse worker: it imports only `yaml`, Node and its siblings.)
import { isUtf8 } from 'node:buffer';
import { CST, Composer, Lexer, LineCounter, Parser, isSeq, type Document } from 'yaml';
import type { KubeObject } from '@gatehouse/api';
import { bounded } from './bounded-text.js';
import { MAX_DEPTH, cstProblem, valueProblem } from './document-bounds.js';

/** Most documents read from one file unless the source is told otherwise (List items count as documents). */
export const DEFAULT_MAX_DOCUMENTS = 5000;

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
  /**
   * True when the file, or some document in it, could not be read at all (a YAML syntax error, not UTF-8, too
   * large, too deep...): the file as a whole is not trustworthy, and what it served before is kept.
   */
  syntaxError: boolean;
}

export interface ParseLimits {
  /** Most documents (and List items) read from one file; more refuses the whole file. */
  maxDocuments?: number;
}

/** A file's raw bytes: refused unless UTF-8 text (a leading byte order mark is fine), then parsed. */
export function parseFile(bytes: Uint8Array, limits: ParseLimits = {}): ParsedFile {
  const problem = encodingProblem(bytes);
  if (problem) return unreadable(problem.line, problem.message);
  return parseDocuments(new TextDecoder('utf-8').decode(bytes), limits); // strips a leading BOM
}

export function parseDocuments(text: string, limits: ParseLimits = {}): ParsedFile {
  const maxDocuments = limits.maxDocuments ?? DEFAULT_MAX_DOCUMENTS;
  const out: ParsedFile = { objects: [], problems: [], syntaxError: false };
  const lineCounter = new LineCounter();
  const lineOf = (offset: number) => lineCounter.linePos(offset).line || 1;
  let count = 0;
  let at = 0; // where reading got to, for an error nobody anticipated
  const reader: DocumentReader = {
    lineOf,
    problem: (line, message, fatal) => {
      out.problems.push({ line, message });
      if (fatal) out.syntaxError = true;
    },
    object: (object, line) => out.objects.push({ object, line }),
    count: () => ++count <= maxDocuments,
  };
  try {
    const lexer = new Lexer();
    const parser = new Parser(lineCounter.addNewLine);
    const composer = new Composer({ prettyErrors: false, uniqueKeys: false, logLevel: 'silent' }); // duplicate keys: cstProblem;
    const flow = new FlowDepth();
    let docs = 0;
    const take = (token: CST.Token): boolean => {
      at = token.offset;
      if (token.type === 'document') {
        // Refused before yaml composes it: its composer and toJS recurse.
        const refused = cstProblem(token);
        if (refused) {
          docs++;
          if (reader.count()) reader.problem(lineOf(refused.offset), refused.message, true);
          return count <= maxDocuments;
        }
      }
      for (const doc of composer.next(token)) {
        docs++;
        readDocument(doc, reader);
      }
      return count <= maxDocuments;
    };
    lineCounter.addNewLine(0);
    let more = true;
    for (const lexeme of lexer.lex(text)) {
      // yaml's parser slows down quadratically with flow nesting: 100,000 `[` would take hours, so deep flow
      // nesting refuses the file before the parser sees it.
      if (flow.next(lexeme) > MAX_DEPTH) return unreadable(lineOf(parser.offset), `nested deeper than ${MAX_DEPTH} levels; not read`);
      for (const token of parser.next(lexeme)) if (!(more = take(token))) break;
      if (!more) break;
    }
    if (more) for (const token of parser.end()) if (!(more = take(token))) break;
    if (more) {
      for (const doc of composer.end(false, text.length)) {
        docs++;
        readDocument(doc, reader);
      }
      // Errors outside any document (a stray `...`) are reported when nothing else is.
      if (docs === 0) for (const err of composer.streamInfo().errors) reader.problem(lineOf(err.pos[0]), `YAML syntax error: ${firstLine(err.message)}`, true);
    }
  } catch (err) {
    // yaml threw (a guard or a bug): the file is unreadable from where it got to.
    reader.problem(lineOf(at), `YAML could not be read: ${firstLine(messageOf(err))}`, true);
  }
  if (count > maxDocuments)
    return unreadable(1, `more than ${maxDocuments} documents (List items count as documents; the limit is --max-documents-per-file); not read`);
  out.problems.sort((a, b) => a.line - b.line);
  return out;
}

/** Flow-collection nesting (`[`, `{`) as the lexer sees it, reset where a document or flow ends. */
class FlowDepth {
  private depth = 0;
  private scalarNext = false;

  next(lexeme: string): number {
    if (this.scalarNext)
      this.scalarNext = false; // a scalar's own text, whatever it looks like
    else if (lexeme === CST.SCALAR) this.scalarNext = true;
    else if (lexeme === '[' || lexeme === '{') this.depth++;
    else if (lexeme === ']' || lexeme === '}') this.depth = Math.max(0, this.depth - 1);
    else if (lexeme === CST.DOCUMENT || lexeme === CST.FLOW_END || lexeme === '---') this.depth = 0;
    return this.depth;
  }
}

interface DocumentReader {
  lineOf(offset: number): number;
  /** `fatal`: the document could not be read at all (the file is not trustworthy). */
  problem(line: number, message: string, fatal?: boolean): void;
  object(object: KubeObject, line: number): void;
  /** Counts one more document or List item; false once there are too many. */
  count(): boolean;
}

function readDocument(doc: Document.Parsed, r: DocumentReader): void {
  if (!r.count()) return;
  const start = doc.range[0];
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    r.problem(r.lineOf(err.pos[0]), `YAML syntax error: ${firstLine(err.message)}`, true);
    return;
  }
  const contentOffset = doc.contents?.range?.[0] ?? start;
  const line = r.lineOf(contentOffset);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    r.problem(line, `YAML could not be read: ${firstLine(messageOf(err))}`, true); // "Excessive alias count ..."
    return;
  }
  if (value === null || value === undefined) return; // an empty document
  const refused = valueProblem(value);
  if (refused) {
    r.problem(line, `document ${refused}`, true);
    return;
  }
  const problem = shapeProblem(value);
  if (problem) {
    r.problem(line, problem);
    return;
  }
  if (own(value as object, 'kind') === 'List') readList(doc, value as Record<string, unknown>, line, r);
  else r.object(value as KubeObject, line);
}

/** A `kind: List` document: each item is an object of its own, on its own line. */
function readList(doc: Document.Parsed, list: Record<string, unknown>, line: number, r: DocumentReader): void {
  const items = own(list, 'items');
  if (!Array.isArray(items)) {
    r.problem(line, `List: items: must be a list of objects (it is ${describeValue(items)})`);
    return;
  }
  const node = doc.get('items', true);
  const seq = isSeq(node) ? node : undefined;
  items.forEach((item: unknown, i) => {
    if (!r.count()) return;
    const at = seq?.items[i];
    const itemLine = at && typeof at === 'object' && 'range' in at && Array.isArray(at.range) ? r.lineOf(at.range[0] as number) : line;
    const problem = typeof item === 'object' && item !== null && own(item, 'kind') === 'List' ? 'a List inside a List is not read' : shapeProblem(item);
    if (problem) r.problem(itemLine, `List item ${i + 1}: ${problem}`);
    else r.object(item as KubeObject, itemLine);
  });
}

/** What makes a value not a Kubernetes object, or undefined when it is one. Reads own properties only. */
function shapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return `a document must be a mapping with apiVersion, kind and metadata (this one is ${describeValue(value)})`;
  const kind = own(value, 'kind');
  if (kind === 'List') return undefined;
  const apiVersion = own(value, 'apiVersion');
  if (typeof apiVersion !== 'string' || !apiVersion)
    return `apiVersion: required, a string such as gateway.networking.k8s.io/v1 (it is ${describeValue(apiVersion)})`;
  if (typeof kind !== 'string' || !kind) return `kind: required, a string such as HTTPRoute (it is ${describeValue(kind)})`;
  const meta = own(value, 'metadata');
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta))
    return `${bounded(kind)}: metadata: required, a mapping with a name (it is ${describeValue(meta)})`;
  const name = own(meta, 'name');
  if (typeof name !== 'string' || !name) return `${bounded(kind)}: metadata.name: required, a string (it is ${describeValue(name)})`;
  const namespace = own(meta, 'namespace');
  if (namespace !== undefined && typeof namespace !== 'string')
    return `${bounded(kind)} ${bounded(name)}: metadata.namespace: must be a string (it is ${describeValue(namespace)})`;
  return undefined;
}

/** A property of the value itself, never one inherited from Object.prototype (`constructor`, `__proto__`...). */
function own(o: object, key: string): unknown {
  return Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}

/** What a value is, for a message (a bounded quote of a string). */
function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return v ? `the string "${bounded(v)}"` : 'an empty string';
  if (typeof v === 'object') return 'a mapping';
  return `the ${typeof v} ${bounded(String(v))}`;
}

function unreadable(line: number, message: string): ParsedFile {
  return { objects: [], problems: [{ line, message }], syntaxError: true };
}

function firstLine(message: string): string {
  return bounded(message.split('\n')[0] ?? '', 200);
}

function messageOf(err: unknown): string {
  // The YAML library recurses on its own structures: a file shaped so that it runs out of stack is refused, with
  // what the user can do, not with the engine's words.
  if (err instanceof RangeError && /call stack/i.test(err.message))
    return 'the YAML parser ran out of stack on this document (a very long or deeply structured collection); split it into smaller documents or files';
  return err instanceof Error ? err.message : String(err);
}

/** Why bytes are not UTF-8 text (with the line of the first bad byte), or undefined. */
function encodingProblem(bytes: Uint8Array): { line: number; message: string } | undefined {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    return { line: 1, message: 'UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8; not read' };
  if (!isUtf8(bytes)) {
    const at = firstInvalidUtf8(bytes);
    return {
      line: lineAt(bytes, at),
      message: `not UTF-8 text (byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')} is not valid UTF-8; a binary file?); not read`,
    };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { line: lineAt(bytes, nul), message: 'binary content (a NUL byte); not read' };
  return undefined;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > bytes.length) return i;
    for (let k = 1; k < len; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    const c = bytes[i + 1]!;
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    if ((b === 0xe0 && c < 0xa0) || (b === 0xed && c > 0x9f) || (b === 0xf0 && c < 0x90) || (b === 0xf4 && c > 0x8f)) return i;
    i += len;
  }
  return 0;
}
