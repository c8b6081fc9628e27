// Mutations of valid Gateway API documents, as an attacker or a careless operator would make them: values of the
// wrong type, deleted and added fields (object-internal names among them), huge and deeply nested values, kinds that
// are prototype names, and text-level damage (truncation, stray characters) after the YAML is written.
import fc from 'fast-check';
import { stringify } from 'yaml';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const PROTO_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

const nested = (depth: number): Json => (depth === 0 ? 'leaf' : { a: nested(depth - 1) });
const nestedList = (depth: number): Json => (depth === 0 ? [] : [nestedList(depth - 1)]);

/** Values that have broken parsers, validators and translators before. */
export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    '',
    0,
    -1,
    1.5,
    1e308,
    -0,
    true,
    false,
    [],
    {},
    'null',
    '*',
    '.',
    '..',
    '/',
    '\u0000',
    '\u202e',
    '\n',
    '%',
    '%25',
    '${x}',
    '{{x}}',
  ),
  fc.constantFrom<Json>(...PROTO_NAMES),
  fc.nat({ max: 300_000 }).map((n) => 'x'.repeat(n)),
  fc.nat({ max: 5_000 }).map((n) => '(a+)+$'.repeat(1 + (n % 50)) + 'a'.repeat(n)),
  fc.integer({ min: 1, max: 1000 }).map(nested),
  fc.integer({ min: 1, max: 1000 }).map(nestedList),
  fc.nat({ max: 20_000 }).map((n) => Array.from({ length: n }, (_, i) => ({ name: `n${i}`, value: 'v' }))),
  fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>,
  fc.string({ unit: 'binary', maxLength: 200 }),
);

export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...PROTO_NAMES, 'status', 'metadata', 'spec', 'kind', 'apiVersion', 'rules', 'name', 'x-unknown'),
  fc.string({ maxLength: 40 }),
);

export type Op =
  | { op: 'set'; at: number; value: Json }
  | { op: 'delete'; at: number }
  | { op: 'add'; at: number; key: string; value: Json }
  | { op: 'duplicate'; at: number; times: number }
  | { op: 'kind'; value: string };

export const operation: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: hostileValue }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('add' as const), at: fc.nat(), key: hostileKey, value: hostileValue }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), times: fc.integer({ min: 1, max: 70 }) }),
  fc.record({
    op: fc.constant('kind' as const),
    value: fc.oneof(
      fc.constantFrom(
        ...PROTO_NAMES,
        'List',
        'Gateway',
        'HTTPRoute',
        'Service',
        'Secret',
        'GatewayClass',
        'EndpointSlice',
        'Upstream',
        'ReferenceGrant',
        'Namespace',
      ),
      fc.string({ maxLength: 20 }),
    ),
  }),
);

export type TextOp = { op: 'truncate'; at: number } | { op: 'insert'; at: number; text: string } | { op: 'alias-bomb' } | { op: 'none' };

export const textOperation: fc.Arbitrary<TextOp> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ op: 'none' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.oneof(fc.constantFrom(':', '- ', '{', '[', '"', "'", '\t', '&a', '*a', '!!binary', '---\n', '\n  x: y', '<<: *a'), fc.string({ maxLength: 10 })),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'alias-bomb' as const }) },
);

/** Every place in a document a mutation can act on: [container, key]. */
function places(doc: Json): Array<[Json[] | Record<string, Json>, string | number]> {
  const out: Array<[Json[] | Record<string, Json>, string | number]> = [];
  const walk = (v: Json, depth: number) => {
    if (depth > 12 || v === null || typeof v !== 'object') return;
    const keys: Array<string | number> = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
    for (const k of keys) {
      out.push([v, k]);
      walk((v as Record<string | number, Json>)[k]!, depth + 1);
    }
  };
  walk(doc, 0);
  return out;
}

function setOwn(container: Json[] | Record<string, Json>, key: string | number, value: Json): void {
  // defineProperty: a key named __proto__ becomes an own property, as a YAML or JSON parser makes it.
  Object.defineProperty(container, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Applies `ops` to a deep copy of `doc`. */
export function mutate(doc: Json, ops: readonly Op[]): Json {
  const copy = structuredClone(doc) as Json;
  for (const o of ops) {
    if (o.op === 'kind') {
      if (copy && typeof copy === 'object' && !Array.isArray(copy)) copy['kind'] = o.value;
      continue;
    }
    const all = places(copy);
    if (all.length === 0) continue;
    const [container, key] = all[o.at % all.length]!;
    if (o.op === 'set') setOwn(container, key, o.value);
    else if (o.op === 'delete') {
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key as string];
    } else if (o.op === 'add') {
      const target = (container as Record<string, Json>)[key as string];
      if (target && typeof target === 'object' && !Array.isArray(target)) setOwn(target, o.key, o.value);
      else if (!Array.isArray(container)) setOwn(container, o.key, o.value);
    } else if (o.op === 'duplicate') {
      const target = (container as Record<string, Json>)[key as string];
      if (Array.isArray(target) && target.length > 0) for (let i = 0; i < o.times; i++) target.push(structuredClone(target[0]!));
    }
  }
  return copy;
}

/** The YAML of `docs`, then damaged at the text level. */
export function render(docs: readonly Json[], text: TextOp): string {
  // JSON is YAML too: the fallback for values the YAML writer itself cannot nest that deep.
  const one = (d: Json) => {
    try {
      return stringify(d, { aliasDuplicateObjects: false, lineWidth: 0 });
    } catch {
      return `${JSON.stringify(d)}\n`;
    }
  };
  let yaml = docs.map(one).join('---\n');
  if (text.op === 'truncate') yaml = yaml.slice(0, text.at % (yaml.length + 1));
  else if (text.op === 'insert') {
    const at = text.at % (yaml.length + 1);
    yaml = yaml.slice(0, at) + text.text + yaml.slice(at);
  } else if (text.op === 'alias-bomb') {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(9)
          .fill(`*${'abcdefghi'[i - 1]}`)
          .join(',')}]`,
      );
    yaml += `---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: bomb }\ndata:\n  ${levels.join('\n  ')}\n`;
  }
  return yaml;
}
