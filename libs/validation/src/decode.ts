// What the apiserver's decoder does before any validation runs, with strict field validation on:
// - custom resources (unknownFields): the structural-schema pruning walk; every field it would prune is an
//   "unknown field" error (apiextensions-apiserver pruning.PruneWithOptions).
// - built-in kinds and every object's metadata (decodeNative): Go's encoding/json into the Go types: unknown fields,
//   JSON types, int32/int64 ranges, base64 for []byte, RFC 3339 for metav1.Time; null decodes to the zero value.
// Keys are looked up with own-property checks only, so `__proto__` or `constructor` is an unknown field like any other.
import { isGoBase64, isRFC3339 } from './formats.js';
import { child, fieldName, invalid, keyPath, showValue, typeError, type FieldError } from './errors.js';
import { isPlainObject, propertySchema, type Schema } from './schema.js';

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/** Paths of the fields the apiserver would prune from a custom resource, as strict decoding reports them. */
export function unknownFields(schema: Schema, object: Record<string, unknown>): FieldError[] {
  const paths: string[] = [];
  prune(object, schema, '', paths, true);
  return paths.sort().map((p) => ({ path: p, type: 'Invalid value', message: `unknown field "${p}"` }));
}

function prune(x: unknown, s: Schema | undefined, path: string, out: string[], embedded: boolean): void {
  if (s?.['x-kubernetes-preserve-unknown-fields']) {
    skipPrune(x, s, path, out);
    return;
  }
  if (Array.isArray(x)) {
    x.forEach((v, i) => prune(v, s?.items, `${path}[${i}]`, out, !!s?.items?.['x-kubernetes-embedded-resource']));
    return;
  }
  if (!isPlainObject(x)) return;
  for (const k of Object.keys(x)) {
    if (embedded && META_FIELDS.has(k)) continue;
    const name = child(path, fieldName(k));
    const prop = propertySchema(s, k);
    if (prop) prune(x[k], prop, name, out, !!prop['x-kubernetes-embedded-resource']);
    else if (s?.additionalProperties !== undefined && s.additionalProperties !== false) {
      const ap = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
      prune(x[k], ap, name, out, !!ap?.['x-kubernetes-embedded-resource']);
    } else out.push(name);
  }
}

function skipPrune(x: unknown, s: Schema, path: string, out: string[]): void {
  if (Array.isArray(x)) {
    if (s.items) x.forEach((v, i) => skipPrune(v, s.items!, `${path}[${i}]`, out));
    return;
  }
  if (!isPlainObject(x)) return;
  for (const k of Object.keys(x)) {
    if (s['x-kubernetes-embedded-resource'] && META_FIELDS.has(k)) continue;
    const prop = propertySchema(s, k) ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
    if (prop) prune(x[k], prop, child(path, fieldName(k)), out, !!prop['x-kubernetes-embedded-resource']);
  }
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Go's zero value for a JSON null inside a list or map. */
function zero(s: Schema): unknown {
  if (s['x-kubernetes-int-or-string']) return 0;
  switch (s.type) {
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    default:
      return {};
  }
}

const INT32 = 2 ** 31;
const INT64 = 2 ** 63;

/**
 * Decodes `value` (in place) as Go's JSON decoder would into the type `s` describes; appends decoding errors and
 * unknown fields. Returns the decoded value.
 */
export function decodeNative(s: Schema, value: unknown, path: string, errors: FieldError[], unknown: string[], secret = false): unknown {
  const t = jsonType(value);
  if (s['x-kubernetes-int-or-string']) {
    const ok = t === 'integer' || t === 'string' || (s.format === 'gatehouse:quantity' && t === 'number');
    if (!ok) errors.push(typeError(path, t, `${path} in body must be of type integer or string: "${t}"`));
    return value;
  }
  if (s.format === 'gatehouse:bytes' && Array.isArray(value)) {
    // encoding/json also decodes []byte from a list of numbers; the apiserver then stores (and serves) base64.
    // (A null byte decodes to 0, as any null does.)
    const bytes = value.map((b) => (b === null ? 0 : b));
    if (bytes.every((b) => typeof b === 'number' && Number.isInteger(b) && b >= 0 && b <= 255)) return Buffer.from(bytes as number[]).toString('base64');
    errors.push({ path, type: 'Invalid value', message: `"<list>": ${path} must be a base64 string or a list of bytes (0-255)` });
    return value;
  }
  const type = s.type ?? 'object';
  const matches = type === t || (type === 'number' && t === 'integer') || (type === 'object' && t === 'object');
  if (!matches) {
    errors.push(typeError(path, t, `${path} in body must be of type ${type}: "${t}"`));
    return value;
  }
  if (typeof value === 'number' && (s.format === 'gatehouse:int32' || s.format === 'gatehouse:int64')) {
    const bound = s.format === 'gatehouse:int32' ? INT32 : INT64;
    if (value < -bound || value >= bound)
      errors.push(invalid(path, value, `${path} does not fit in a ${s.format === 'gatehouse:int32' ? '32' : '64'}-bit integer`));
    return value;
  }
  if (typeof value === 'string') {
    if (s.format === 'gatehouse:bytes' && !isGoBase64(value)) {
      errors.push({
        path,
        type: 'Invalid value',
        message: `${secret ? '"<secret contents redacted>"' : showValue(value)}: must be base64 (standard encoding, with padding)`,
      });
    } else if ((s.format === 'gatehouse:time' || s.format === 'gatehouse:microtime') && !isRFC3339(value, s.format === 'gatehouse:microtime' ? 6 : undefined)) {
      errors.push(
        invalid(path, value, `must be an RFC 3339 time such as "2006-01-02T15:04:05Z"${s.format === 'gatehouse:microtime' ? ' with microseconds' : ''}`),
      );
    }
    return value;
  }
  if (Array.isArray(value)) {
    const items = s.items;
    if (!items) return value;
    for (let i = 0; i < value.length; i++) {
      if (value[i] === null) value[i] = zero(items);
      else value[i] = decodeNative(items, value[i], `${path}[${i}]`, errors, unknown, secret);
    }
    return value;
  }
  if (isPlainObject(value)) {
    for (const k of Object.keys(value)) {
      const prop = propertySchema(s, k);
      const ap = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
      const sub = prop ?? ap;
      if (!sub) {
        if (!s['x-kubernetes-preserve-unknown-fields']) unknown.push(child(path, fieldName(k)));
        continue;
      }
      const name = prop ? child(path, fieldName(k)) : keyPath(path, k);
      if (value[k] === null) {
        // A null field is the zero value: absent for a field, empty for a map entry.
        if (prop) delete value[k];
        else value[k] = zero(sub);
        continue;
      }
      value[k] = decodeNative(sub, value[k], name, errors, unknown, secret);
    }
  }
  return value;
}
