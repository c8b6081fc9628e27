// Nulls and defaults for custom resources, as the apiserver applies them while decoding (apiextensions-apiserver
// structuraldefaulting): a null in a field that is not nullable is dropped, unless the field has a default, in
// which case the default replaces it; then every missing field with a default gets it.
import { fieldSchema, isPlainObject, propertySchema, type Schema } from './schema.js';

/** PruneNonNullableNullsWithoutDefaults: drops `field: null` where the schema neither allows null nor defaults it. */
export function pruneNulls(schema: Schema | undefined, value: unknown): void {
  if (Array.isArray(value)) {
    for (const v of value) pruneNulls(schema?.items, v);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const k of Object.keys(value)) {
    const sub = fieldSchema(schema, k);
    if (value[k] === null && sub && !sub.nullable && sub.default === undefined) delete value[k];
    else pruneNulls(sub, value[k]);
  }
}

const isNonNullableNull = (v: unknown, s: Schema | undefined): s is Schema => v === null && !!s && !s.nullable;
const copy = (v: unknown): unknown => (v === undefined ? null : typeof v === 'object' && v !== null ? structuredClone(v) : v);

// The properties of each (shared, immutable) schema node that have a default, computed once.
const defaulted = new WeakMap<Schema, Array<[string, Schema]>>();
function defaultedProperties(schema: Schema): Array<[string, Schema]> {
  let d = defaulted.get(schema);
  if (!d) defaulted.set(schema, (d = Object.entries(schema.properties ?? {}).filter(([, p]) => p.default !== undefined)));
  return d;
}

/** Applies schema defaults in place (objects, map values and list items) and returns the value. */
export function applyDefaults(schema: Schema | undefined, value: unknown): unknown {
  if (!schema) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (isNonNullableNull(value[i], schema.items)) value[i] = copy(schema.items!.default);
      applyDefaults(schema.items, value[i]);
    }
    return value;
  }
  if (!isPlainObject(value)) return value;
  for (const [k, prop] of defaultedProperties(schema)) {
    if (!Object.hasOwn(value, k) || isNonNullableNull(value[k], prop)) value[k] = copy(prop.default);
  }
  const ap = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  for (const k of Object.keys(value)) {
    const prop = propertySchema(schema, k);
    if (prop) applyDefaults(prop, value[k]);
    else if (ap) {
      if (isNonNullableNull(value[k], ap)) value[k] = copy(ap.default);
      applyDefaults(ap, value[k]);
    }
  }
  return value;
}
