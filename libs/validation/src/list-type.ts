// x-kubernetes-list-type set and map invariants (apiextensions-apiserver listtype.ValidateListSetsAndMaps): no
// duplicate items in a set, no two items of a map list with the same key values, a missing key counting as a value
// of its own (two header matches without `name` are duplicates, beside each one's "Required value").
import { boundedJson, duplicate, fieldName, invalid, type FieldError } from './errors.js';
import { isPlainObject, propertySchema, type Schema } from './schema.js';

const MISSING = '\u0000missing';

/** A stable identity for a JSON value (scalars keep their type: 1 and "1" differ). */
function identity(v: unknown): string {
  return typeof v === 'string' ? `s${v}` : isPlainObject(v) || Array.isArray(v) ? `j${JSON.stringify(v)}` : `v${String(v)}`;
}

export function checkListTypes(schema: Schema | undefined, value: unknown, path: string, errors: FieldError[]): void {
  if (!schema) return;
  if (Array.isArray(value)) {
    const type = schema['x-kubernetes-list-type'];
    if (type === 'set') checkSet(value, path, errors);
    else if (type === 'map') checkMap(schema['x-kubernetes-list-map-keys'] ?? [], value, path, errors);
    for (let i = 0; i < value.length; i++) checkListTypes(schema.items, value[i], `${path}[${i}]`, errors);
    return;
  }
  if (!isPlainObject(value)) return;
  const ap = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  for (const k of Object.keys(value)) {
    const prop = propertySchema(schema, k);
    if (prop) checkListTypes(prop, value[k], path ? `${path}.${fieldName(k)}` : fieldName(k), errors);
    else if (ap) checkListTypes(ap, value[k], `${path}[${fieldName(k)}]`, errors);
  }
}

function checkSet(list: unknown[], path: string, errors: FieldError[]): void {
  const seen = new Map<string, number>();
  list.forEach((v, i) => {
    const id = identity(v);
    const times = seen.get(id) ?? 0;
    if (times === 1) errors.push(duplicate(`${path}[${i}]`, v));
    seen.set(id, times + 1);
  });
}

function checkMap(keys: string[], list: unknown[], path: string, errors: FieldError[]): void {
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (x !== null && !isPlainObject(x)) {
      errors.push(invalid(`${path}[${i}]`, x, 'must be an object for an array of list-type map'));
      return;
    }
  }
  if (list.length <= 1) return;
  const seen = new Map<string, number>();
  list.forEach((x, i) => {
    const item = (x ?? {}) as Record<string, unknown>;
    const present = keys.filter((k) => Object.hasOwn(item, k));
    const id = keys.map((k) => (Object.hasOwn(item, k) ? identity(item[k]) : MISSING)).join('\u0000');
    const times = seen.get(id) ?? 0;
    if (times === 1) {
      // Printed as the apiserver prints the key: {"name":"x"}, or {} when the key fields are missing.
      const shown = Object.fromEntries(present.sort().map((k) => [k, item[k]]));
      errors.push({ path: `${path}[${i}]`, type: 'Duplicate value', message: boundedJson(shown, 200) });
    }
    seen.set(id, times + 1);
  });
}
