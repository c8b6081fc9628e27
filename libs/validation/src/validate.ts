// Validates an object the way the Kubernetes apiserver validates a custom resource: structural schema, defaults
// applied before validation, unknown fields, list-map keys, then the CRD's CEL rules. Pure; no I/O.
import { RE2JS } from 're2js';
import { evalMessage, evalRule, toCel } from './cel.js';
import type { Schema } from './schema.js';

export interface FieldError {
  /** apiserver-style field path: `spec.rules[0].matches[0].path.value`. */
  path: string;
  /** `Invalid value`, `Required value`, `Unsupported value`, `Duplicate value`, `Too many`, `Too long`, `Forbidden`. */
  type: string;
  message: string;
  /** The CEL rule that failed, when one did. */
  rule?: string;
}

export function formatError(e: FieldError): string {
  return `${e.path}: ${e.type}: ${e.message}`;
}

const patterns = new Map<string, (s: string) => boolean>();
function patternTest(p: string): (s: string) => boolean {
  let t = patterns.get(p);
  if (!t) {
    // CRD patterns are RE2 (Go); JavaScript's engine agrees on these and is faster. Fall back to re2js if not.
    try {
      const re = new RegExp(p, 'u');
      t = (s) => re.test(s);
    } catch {
      const re = RE2JS.compile(p);
      t = (s) => re.matcher(s).find();
    }
    patterns.set(p, t);
  }
  return t;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Applies schema defaults in place (objects and list items), as the apiserver does before validating. */
export function applyDefaults(schema: Schema, value: unknown): unknown {
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((v, i) => (value[i] = applyDefaults(schema.items!, v)));
    return value;
  }
  if (value && typeof value === 'object' && schema.properties) {
    const obj = value as Record<string, unknown>;
    for (const [k, s] of Object.entries(schema.properties)) {
      if (obj[k] === undefined && s.default !== undefined) obj[k] = structuredClone(s.default);
      if (obj[k] !== undefined) obj[k] = applyDefaults(s, obj[k]);
    }
  }
  return value;
}

/** Validates `value` against `schema`; returns every error (empty when valid). Run applyDefaults first. */
export function validateSchema(schema: Schema, value: unknown, path: string, errors: FieldError[] = []): FieldError[] {
  const before = errors.length;
  const t = typeOf(value);
  if (value === null) {
    if (!schema.nullable) errors.push({ path, type: 'Invalid value', message: `null: ${path} in body must be of type ${schema.type ?? 'object'}` });
    return errors;
  }
  if (schema['x-kubernetes-int-or-string']) {
    if (t !== 'integer' && t !== 'string') errors.push({ path, type: 'Invalid value', message: `${show(value)}: ${path} in body must be an integer or a string` });
  } else if (schema.type && !(schema.type === t || (schema.type === 'number' && t === 'integer'))) {
    errors.push({ path, type: 'Invalid value', message: `${show(value)}: ${path} in body must be of type ${schema.type}: "${t}"` });
    return errors;
  }
  if (schema.enum && !schema.enum.some((e) => e === value)) {
    errors.push({ path, type: 'Unsupported value', message: `${show(value)}: supported values: ${schema.enum.map((e) => show(e)).join(', ')}` });
  }
  if (typeof value === 'string') {
    const len = [...value].length;
    if (schema.minLength !== undefined && len < schema.minLength) errors.push({ path, type: 'Invalid value', message: `${show(value)}: ${path} in body should be at least ${schema.minLength} chars long` });
    if (schema.maxLength !== undefined && len > schema.maxLength) errors.push({ path, type: 'Too long', message: `may not be more than ${schema.maxLength} bytes` });
    if (schema.pattern && !patternTest(schema.pattern)(value)) errors.push({ path, type: 'Invalid value', message: `${show(value)}: ${path} in body should match '${schema.pattern}'` });
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)) {
      errors.push({ path, type: 'Invalid value', message: `${value}: ${path} in body should be greater than or equal to ${schema.minimum}` });
    }
    if (schema.maximum !== undefined && (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)) {
      errors.push({ path, type: 'Invalid value', message: `${value}: ${path} in body should be less than or equal to ${schema.maximum}` });
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push({ path, type: 'Invalid value', message: `${path} in body should have at least ${schema.minItems} items` });
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push({ path, type: 'Too many', message: `${value.length}: must have at most ${schema.maxItems} items` });
    if (schema.items) value.forEach((v, i) => validateSchema(schema.items!, v, `${path}[${i}]`, errors));
    checkListType(schema, value, path, errors);
  } else if (t === 'object') {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (obj[r] === undefined) errors.push({ path: join(path, r), type: 'Required value', message: 'Required value' });
    if (schema.maxProperties !== undefined && Object.keys(obj).length > schema.maxProperties) errors.push({ path, type: 'Too many', message: `must have at most ${schema.maxProperties} items` });
    for (const [k, v] of Object.entries(obj)) {
      const child = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (child) validateSchema(child, v, join(path, k), errors);
      else if (!schema['x-kubernetes-preserve-unknown-fields'] && schema.additionalProperties !== true && (schema.properties || schema.additionalProperties === false)) {
        errors.push({ path: join(path, k), type: 'Invalid value', message: `unknown field "${join(path, k)}"` });
      }
    }
  }
  // CEL rules run on values that are structurally valid (the apiserver does not evaluate them on broken input).
  if (errors.length === before) {
    for (const v of schema['x-kubernetes-validations'] ?? []) {
      if (/\boldSelf\b/.test(v.rule)) continue; // transition rules: only on update
      const self = toCel(value, schema);
      const ok = evalRule(v.rule, self);
      if (ok === true) continue;
      const where = v.fieldPath ? path + v.fieldPath : path;
      if (ok instanceof Error) {
        errors.push({ path: where, type: 'Internal error', message: `rule could not be evaluated: ${ok.message}`, rule: v.rule });
        continue;
      }
      const message = (v.messageExpression && evalMessage(v.messageExpression, self)) || v.message || `failed rule: ${v.rule}`;
      errors.push({ path: where, type: v.reason === 'FieldValueForbidden' ? 'Forbidden' : v.reason === 'FieldValueRequired' ? 'Required value' : 'Invalid value', message: `${typeOf(value) === 'object' ? '"object"' : show(value)}: ${message}`, rule: v.rule });
    }
  }
  return errors;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function checkListType(schema: Schema, list: unknown[], path: string, errors: FieldError[]): void {
  const type = schema['x-kubernetes-list-type'];
  if (type === 'set') {
    const seen = new Set<string>();
    list.forEach((v, i) => {
      const k = JSON.stringify(v);
      if (seen.has(k)) errors.push({ path: `${path}[${i}]`, type: 'Duplicate value', message: show(v) });
      seen.add(k);
    });
  } else if (type === 'map') {
    const keys = schema['x-kubernetes-list-map-keys'] ?? [];
    const seen = new Set<string>();
    list.forEach((v, i) => {
      const obj = (v ?? {}) as Record<string, unknown>;
      const k = JSON.stringify(keys.map((key) => obj[key] ?? (schema.items?.properties?.[key]?.default ?? null)));
      if (seen.has(k)) errors.push({ path: `${path}[${i}]`, type: 'Duplicate value', message: `{${keys.map((key) => `"${key}":${show(obj[key])}`).join(',')}}` });
      seen.add(k);
    });
  }
}
