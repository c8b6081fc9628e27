// Field errors in the apiserver's shape (`path: Type: value: detail`, as k8s.io/apimachinery's field.Error prints
// them), with user values quoted only as a bounded prefix.

export interface FieldError {
  /** apiserver-style field path: `spec.rules[0].matches[0].path.value`. */
  path: string;
  /** `Invalid value`, `Required value`, `Unsupported value`, `Duplicate value`, `Too many`, `Too long`, `Forbidden`, `Internal error`. */
  type: string;
  /** Everything after the type: the (bounded) value and the detail. Empty for a bare `Required value`. */
  message: string;
  /** The CEL rule that failed, when one did. */
  rule?: string;
}

export function formatError(e: FieldError): string {
  return e.message ? `${e.path}: ${e.type}: ${e.message}` : `${e.path}: ${e.type}`;
}

/** How much of a user's string a message quotes. */
export const QUOTE_LIMIT = 64;

/** A string as Go's %q would print it, cut to a bounded prefix. */
export function quote(s: string, limit = QUOTE_LIMIT): string {
  if (s.length <= limit) return JSON.stringify(s);
  return `${JSON.stringify(s.slice(0, limit))}... (${s.length} characters)`;
}

/** A value as the apiserver prints a bad value: scalars plainly, strings quoted, others as bounded JSON. */
export function showValue(v: unknown): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'null';
  return boundedJson(v, 120);
}

/** JSON of a value, stopping once `limit` characters are produced (never serializes a huge value whole). */
export function boundedJson(v: unknown, limit: number): string {
  let out = '';
  const write = (s: string): boolean => {
    out += s;
    return out.length < limit;
  };
  const walk = (x: unknown, depth: number): boolean => {
    if (depth > 20) return write('…');
    if (typeof x === 'string') return write(quote(x, limit));
    if (x === null || typeof x !== 'object') return write(typeof x === 'number' || typeof x === 'boolean' ? String(x) : 'null');
    if (Array.isArray(x)) {
      if (!write('[')) return false;
      for (let i = 0; i < x.length; i++) if ((i > 0 && !write(',')) || !walk(x[i], depth + 1)) return false;
      return write(']');
    }
    if (!write('{')) return false;
    let first = true;
    for (const k of Object.keys(x)) {
      if ((!first && !write(',')) || !write(`${quote(k, limit)}:`) || !walk((x as Record<string, unknown>)[k], depth + 1)) return false;
      first = false;
    }
    return write('}');
  };
  return walk(v, 0) ? out : `${out.slice(0, limit)}...`;
}

/** `path: Invalid value: <value>: detail`. */
export function invalid(path: string, value: unknown, detail: string): FieldError {
  return { path, type: 'Invalid value', message: `${showValue(value)}: ${detail}` };
}

export function required(path: string, detail = ''): FieldError {
  return { path, type: 'Required value', message: detail };
}

export function forbidden(path: string, detail: string): FieldError {
  return { path, type: 'Forbidden', message: detail };
}

export function notSupported(path: string, value: unknown, supported: readonly unknown[]): FieldError {
  const values = supported.map((s) => JSON.stringify(typeof s === 'string' ? s : JSON.stringify(s))).join(', ');
  return { path, type: 'Unsupported value', message: supported.length ? `${showValue(value)}: supported values: ${values}` : showValue(value) };
}

export function duplicate(path: string, value: unknown): FieldError {
  return { path, type: 'Duplicate value', message: showValue(value) };
}

export function tooLong(path: string, max: number): FieldError {
  return { path, type: 'Too long', message: `may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}` };
}

export function tooMany(path: string, actual: number, max: number): FieldError {
  return { path, type: 'Too many', message: `${actual}: must have at most ${max} ${max === 1 ? 'item' : 'items'}` };
}

/**
 * Errors after which the apiserver does not run a CRD's CEL rules (apiextensions-apiserver's hasBlockingErr:
 * unsupported enum value, required, too long, too many, wrong type). A wrong type prints as `Invalid value`, so
 * those are marked here.
 */
const typeInvalid = new WeakSet<FieldError>();

export function typeError(path: string, value: string, detail: string): FieldError {
  const e = invalid(path, value, detail);
  typeInvalid.add(e);
  return e;
}

export function isBlocking(e: FieldError): boolean {
  return e.type === 'Unsupported value' || e.type === 'Required value' || e.type === 'Too long' || e.type === 'Too many' || typeInvalid.has(e);
}

/** `a.b` / `a[0]` path joins. */
export function child(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** `data[key]`, the apiserver's form for map keys (bounded). */
export function keyPath(path: string, key: string): string {
  return `${path}[${key.length > QUOTE_LIMIT ? `${key.slice(0, QUOTE_LIMIT)}...` : key}]`;
}

/** Bounded field-name rendering for paths built from user keys. */
export function fieldName(key: string): string {
  return key.length > QUOTE_LIMIT ? `${key.slice(0, QUOTE_LIMIT)}...` : key;
}
