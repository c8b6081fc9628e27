// Value validation of a custom resource against its structural schema, with kube-openapi's semantics and messages
// (k8s.io/kube-openapi/pkg/validation/validate): type, allOf/anyOf/oneOf/not, string, format, number, list, enum,
// object. Bounded cost: a string over maxLength is never matched against its pattern or format, a list over
// maxItems or a map over maxProperties is not descended into (the apiserver already refuses it; the error says so).
import { child, fieldName, invalid, notSupported, quote, required, tooLong, tooMany, typeError, type FieldError } from './errors.js';
import { crdFormat } from './formats.js';
import { longerThan } from './limits.js';
import { matchesPattern } from './patterns.js';
import { isPlainObject, propertySchema, type Schema } from './schema.js';

export type { FieldError } from './errors.js';
export { formatError } from './errors.js';
export { applyDefaults } from './defaults.js';

interface Result {
  errors: FieldError[];
  /** How much of the value the schema got to check (kube-openapi's MatchCount): picks the best failing oneOf branch. */
  matches: number;
}

function jsonType(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(s: Schema, t: string): boolean {
  if (s['x-kubernetes-int-or-string']) return t === 'integer' || t === 'string';
  return !s.type || s.type === t || (s.type === 'number' && t === 'integer');
}

const typeName = (s: Schema) => (s['x-kubernetes-int-or-string'] ? 'integer,string' : (s.type ?? 'object'));

function enumCheck(s: Schema, value: unknown, path: string, r: Result): void {
  if (s.enum && !s.enum.some((e) => e === value || (typeof e === 'object' && e !== null && JSON.stringify(e) === JSON.stringify(value)))) {
    r.errors.push(notSupported(path, value, s.enum));
  }
}

/** Validates `value` against `schema`; returns every error (empty when valid). Run defaults first. */
export function validateSchema(schema: Schema, value: unknown, path: string, errors: FieldError[] = []): FieldError[] {
  errors.push(...validateNode(schema, value, path).errors);
  return errors;
}

function validateNode(s: Schema, value: unknown, path: string): Result {
  const r: Result = { errors: [], matches: 1 };
  const t = jsonType(value);
  if (t === 'null') {
    if ((s.type || s['x-kubernetes-int-or-string']) && !s.nullable)
      r.errors.push(typeError(path, 'null', `${path} in body must be of type ${typeName(s)}: "null"`));
    if (s.enum && !s.enum.includes(null)) r.errors.push(notSupported(path, value, s.enum));
    return r;
  }
  if (!typeMatches(s, t)) {
    r.errors.push(typeError(path, t, `${path} in body must be of type ${typeName(s)}: "${t}"`));
    enumCheck(s, value, path, r);
    return r;
  }
  combinators(s, value, path, r);
  if (typeof value === 'string') stringChecks(s, value, path, r);
  if (typeof value === 'number') numberChecks(s, value, path, r);
  if (Array.isArray(value)) listChecks(s, value, path, r);
  enumCheck(s, value, path, r);
  if (isPlainObject(value)) objectChecks(s, value, path, r);
  return r;
}

function merge(into: Result, from: Result): void {
  into.errors.push(...from.errors);
  into.matches += from.matches;
}

function combinators(s: Schema, value: unknown, path: string, r: Result): void {
  if (!s.anyOf && !s.oneOf && !s.allOf && !s.not) return;
  const quoted = JSON.stringify(path);
  if (s.anyOf?.length) {
    let best: Result | undefined;
    let ok = false;
    for (const sub of s.anyOf) {
      const res = validateNode(sub, value, path);
      if (!res.errors.length) {
        ok = true;
        best = res;
        break;
      }
      if (!best || res.matches > best.matches) best = res;
    }
    if (!ok) r.errors.push({ path, type: 'Invalid value', message: `"": ${quoted} must validate at least one schema (anyOf)` });
    if (best) merge(r, best);
  }
  if (s.oneOf?.length) {
    let best: Result | undefined;
    let first: Result | undefined;
    let valid = 0;
    for (const sub of s.oneOf) {
      const res = validateNode(sub, value, path);
      if (!res.errors.length) {
        valid++;
        first ??= res;
        best = undefined;
        continue;
      }
      if (valid === 0 && (!best || res.matches > best.matches)) best = res;
    }
    if (valid !== 1) {
      const found = valid === 0 ? 'Found none valid' : `Found ${valid} valid alternatives`;
      r.errors.push({ path, type: 'Invalid value', message: `"": ${quoted} must validate one and only one schema (oneOf). ${found}` });
      if (best) merge(r, best);
    } else if (first) merge(r, first);
  }
  if (s.allOf?.length) {
    let valid = 0;
    for (const sub of s.allOf) {
      const res = validateNode(sub, value, path);
      if (!res.errors.length) valid++;
      merge(r, res);
    }
    if (valid !== s.allOf.length) {
      r.errors.push({ path, type: 'Invalid value', message: `"": ${quoted} must validate all the schemas (allOf)${valid === 0 ? '. None validated' : ''}` });
    }
  }
  if (s.not && !validateNode(s.not, value, path).errors.length) {
    r.errors.push({ path, type: 'Invalid value', message: `"": ${quoted} must not validate the schema (not)` });
  }
}

function stringChecks(s: Schema, value: string, path: string, r: Result): void {
  // kube-openapi stops at the first string failure, checking maxLength first: a too-long value never meets a pattern.
  if (s.maxLength !== undefined && longerThan(value, s.maxLength)) {
    r.errors.push(tooLong(path, s.maxLength));
    return;
  }
  if (s.minLength !== undefined && !longerThan(value, s.minLength - 1)) {
    r.errors.push(invalid(path, value, `${path} in body should be at least ${s.minLength} chars long`));
  } else if (s.pattern) {
    const m = matchesPattern(s.pattern, value);
    if (m instanceof Error) r.errors.push({ path, type: 'Internal error', message: `the schema's pattern cannot be compiled: ${m.message}` });
    else if (!m) r.errors.push(invalid(path, value, `${path} in body should match '${s.pattern}'`));
  }
  const check = s.format ? crdFormat(s.format) : undefined;
  // kube-openapi reports a format failure as a wrong type (which blocks CEL rules).
  if (check && !check(value)) r.errors.push(typeError(path, value, `${path} in body must be of type ${s.format}: ${quote(value)}`));
}

function numberChecks(s: Schema, value: number, path: string, r: Result): void {
  if (s.multipleOf !== undefined && s.multipleOf > 0 && !Number.isInteger(value / s.multipleOf)) {
    r.errors.push(invalid(path, value, `${path} in body should be a multiple of ${s.multipleOf}`));
  }
  if (s.maximum !== undefined && (s.exclusiveMaximum ? value >= s.maximum : value > s.maximum)) {
    r.errors.push(invalid(path, value, `${path} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}`));
  }
  if (s.minimum !== undefined && (s.exclusiveMinimum ? value <= s.minimum : value < s.minimum)) {
    r.errors.push(invalid(path, value, `${path} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}`));
  }
}

function listChecks(s: Schema, value: unknown[], path: string, r: Result): void {
  if (s.maxItems !== undefined && value.length > s.maxItems) {
    r.errors.push(tooMany(path, value.length, s.maxItems));
    return; // not descended into: bounded cost (the list is refused anyway)
  }
  if (s.items) for (let i = 0; i < value.length; i++) merge(r, validateNode(s.items, value[i], `${path}[${i}]`));
  if (s.minItems !== undefined && value.length < s.minItems)
    r.errors.push(invalid(path, value.length, `${path} in body should have at least ${s.minItems} items`));
}

function objectChecks(s: Schema, value: Record<string, unknown>, path: string, r: Result): void {
  const keys = Object.keys(value);
  if (s.minProperties !== undefined && keys.length < s.minProperties)
    r.errors.push(invalid(path, keys.length, `${path} in body should have at least ${s.minProperties} properties`));
  if (s.maxProperties !== undefined && keys.length > s.maxProperties) {
    r.errors.push(tooMany(path, keys.length, s.maxProperties));
    return;
  }
  const ap = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  for (const k of keys) {
    const sub = propertySchema(s, k) ?? ap;
    if (sub) merge(r, validateNode(sub, value[k], child(path, fieldName(k))));
  }
  for (const k of s.required ?? []) if (!Object.hasOwn(value, k)) r.errors.push(required(child(path, k)));
}
