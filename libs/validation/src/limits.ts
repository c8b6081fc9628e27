// Bounds on what validation will look at, checked first and without recursion, so no input can exhaust the stack
// or make validation take unbounded time.
//
// The apiserver refuses JSON nested deeper than 10,000 levels. Gatehouse refuses more than MAX_NESTING_DEPTH (100):
// the deepest Gateway API or core object is about 12 levels deep, so only unknown or preserved fields can get there,
// and bounding them keeps every later walk (defaults, CEL inputs, messages) cheap. This is the one place where
// Gatehouse is knowingly stricter than the apiserver (an object 101..10,000 levels deep in a preserved field).
import { fieldName, type FieldError } from './errors.js';

export const MAX_NESTING_DEPTH = 100;
/** Values (scalars, lists, maps) in one object; YAML aliases count each time they are used. */
export const MAX_VALUES = 1_000_000;

interface Frame {
  value: unknown;
  depth: number;
  parent: number;
  key: string;
}

/**
 * The first reason `value` is not a plain JSON document within the bounds (too deep, too many values, a value JSON
 * cannot carry such as Infinity), or undefined.
 */
export function checkShape(value: unknown): FieldError | undefined {
  const frames: Frame[] = [{ value, depth: 0, parent: -1, key: '' }];
  const pathOf = (i: number): string => {
    const parts: string[] = [];
    for (let f = frames[i]; f && f.parent >= 0; f = frames[f.parent]) parts.push(f.key);
    return parts.reverse().join('').replace(/^\./, '') || '<root>';
  };
  for (let i = 0; i < frames.length; i++) {
    const { value: v, depth } = frames[i]!;
    if (typeof v === 'number' && !Number.isFinite(v)) return { path: pathOf(i), type: 'Invalid value', message: `${String(v)}: JSON has no such number` };
    if (typeof v === 'bigint' || typeof v === 'function' || typeof v === 'symbol')
      return { path: pathOf(i), type: 'Invalid value', message: `a ${typeof v} is not a JSON value` };
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_NESTING_DEPTH) {
      return { path: pathOf(i), type: 'Invalid value', message: `nesting deeper than ${MAX_NESTING_DEPTH} levels is not supported` };
    }
    const size = Array.isArray(v) ? v.length : Object.keys(v).length;
    if (frames.length + size > MAX_VALUES) {
      return {
        path: '<root>',
        type: 'Too many',
        message: `the object has more than ${MAX_VALUES} values; Gatehouse refuses it to bound the cost of validation`,
      };
    }
    if (Array.isArray(v)) {
      for (let j = 0; j < v.length; j++) frames.push({ value: v[j], depth: depth + 1, parent: i, key: `[${j}]` });
    } else {
      for (const k of Object.keys(v)) frames.push({ value: (v as Record<string, unknown>)[k], depth: depth + 1, parent: i, key: `.${fieldName(k)}` });
    }
  }
  return undefined;
}

/** Code points in `s` compared with `max`, without counting past what the answer needs. */
export function longerThan(s: string, max: number): boolean {
  if (s.length <= max) return false; // code points ≤ UTF-16 units
  if (s.length > 2 * max) return true; // code points ≥ units / 2
  let n = 0;
  for (const _ of s) if (++n > max) return true;
  return false;
}

/** Go's len() of a string: UTF-8 bytes. */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * A deep copy of a JSON value already checked by checkShape (so recursion is bounded), as JSON would carry it:
 * an undefined field is absent, an undefined list item null. Keeps own `__proto__` keys as data.
 */
export function cloneJson<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : cloneJson(x))) as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    if ((v as Record<string, unknown>)[k] === undefined) continue;
    const x = cloneJson((v as Record<string, unknown>)[k]);
    if (k === '__proto__') Object.defineProperty(out, k, { value: x, writable: true, enumerable: true, configurable: true });
    else out[k] = x;
  }
  return out as T;
}
