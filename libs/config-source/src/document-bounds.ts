// Bounds a document must meet before anything recursive touches it (yaml's composer, toJS, validation,
// deepFreeze, JSON.stringify): nesting depth, aliases, and the size it expands to. Every walk here is iterative,
// so a hostile document is refused with a message instead of "Maximum call stack size exceeded".
import { CST } from 'yaml';
import { bounded } from './bounded-text.js';

/** Deepest nesting accepted (a Gateway API object nests about 12 levels). */
export const MAX_DEPTH = 100;
/** Most aliases (`*name`) in one document: yaml resolves each by scanning the document's anchors (quadratic). */
export const MAX_ALIASES = 1000;
/** Most values one document may expand to through aliases (a "billion laughs" expands exponentially). */
export const MAX_EXPANDED_VALUES = 1_000_000;

/**
 * Why a parsed-but-not-yet-composed YAML document is refused (and where), or undefined. Duplicate keys are found here
 * in linear time (yaml's own check compares every key with every other: minutes for a mapping of 400,000 keys).
 */
export function cstProblem(doc: CST.Document): { message: string; offset: number } | undefined {
  const stack: Array<[CST.Token, number]> = doc.value ? [[doc.value, 1]] : [];
  let aliases = 0;
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (token.type === 'alias' && ++aliases > MAX_ALIASES)
      return { message: `document has more than ${MAX_ALIASES} aliases (*name); not read`, offset: token.offset };
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    if (depth > MAX_DEPTH) return { message: tooDeep('document '), offset: token.offset };
    const keys = token.type === 'block-map' || (token.type === 'flow-collection' && token.start.source === '{') ? new Set<string>() : undefined;
    for (const item of token.items) {
      if (item.key) {
        const key = keys && CST.resolveAsScalar(item.key, false, () => undefined)?.value;
        if (key !== undefined && key !== null) {
          if (keys!.has(key)) return { message: `YAML syntax error: Map keys must be unique ("${bounded(key)}" appears twice)`, offset: item.key.offset };
          keys!.add(key);
        }
        stack.push([item.key, depth + 1]);
      }
      if (item.value) stack.push([item.value, depth + 1]);
    }
  }
  return undefined;
}

/** Why a document's value is refused (not plain JSON data, too deep, expanding to too much), or undefined. */
export function valueProblem(value: unknown): string | undefined {
  const stack: Array<[unknown, number]> = [[value, 1]];
  let seen = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (++seen > MAX_EXPANDED_VALUES) return `expands to more than ${MAX_EXPANDED_VALUES.toLocaleString('en-US')} values through aliases; not read`;
    if (typeof v === 'bigint' || typeof v === 'symbol' || typeof v === 'function') return `holds a ${typeof v}, which is not JSON; not read`;
    if (typeof v !== 'object' || v === null) continue;
    // YAML 1.1 tags (!!binary, !!set, !!omap, !!timestamp) make values Kubernetes objects cannot hold.
    const proto: unknown = Object.getPrototypeOf(v);
    if (!Array.isArray(v) && proto !== Object.prototype && proto !== null)
      return `holds a value of type ${v.constructor?.name ?? 'unknown'} (from a YAML tag), which is not JSON; not read`;
    // A cycle (an alias inside its own anchor) expands forever: it ends here too.
    if (depth > MAX_DEPTH) return tooDeep('');
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return undefined;
}

function tooDeep(what: string): string {
  return `${what}nested deeper than ${MAX_DEPTH} levels; not read`;
}
