// Runs a custom resource's x-kubernetes-validations rules as the apiserver does after schema validation: top-down,
// each rule with `self` bound to its node, transition rules (oldSelf) skipped on create, within a cost budget.
// The caller runs this only when no blocking error was found (so every list is within maxItems and every string
// within maxLength: what the CRD's own cost estimate assumed).
import type { CelInput } from '@bufbuild/cel';
import { evalMessage, evalRule, toCel } from './cel.js';
import type { FieldError } from './errors.js';
import { fieldName } from './errors.js';
import { isPlainObject, propertySchema, type Schema } from './schema.js';

/**
 * The budget, in values handed to rules (each evaluation costs the size of its `self`). The apiserver's budget is
 * 10,000,000 units of its own cost model per object; Gatehouse's unit is coarser and its budget the same number.
 */
export const CEL_BUDGET = 10_000_000;

interface Ctx {
  budget: number;
  errors: FieldError[];
  cel: WeakMap<object, CelInput>;
  sizes: WeakMap<object, number>;
  exhausted: boolean;
}

const hasRulesMemo = new WeakMap<Schema, boolean>();
/** Whether any rule sits at or below this schema node (schemas are shared and immutable: memoized). */
export function hasRules(s: Schema | undefined): boolean {
  if (!s) return false;
  let v = hasRulesMemo.get(s);
  if (v === undefined) {
    hasRulesMemo.set(s, false); // guards against (impossible) cycles
    v =
      !!s['x-kubernetes-validations']?.length ||
      Object.values(s.properties ?? {}).some(hasRules) ||
      (typeof s.additionalProperties === 'object' && hasRules(s.additionalProperties)) ||
      hasRules(s.items) ||
      (s.allOf ?? []).some(hasRules);
    hasRulesMemo.set(s, v);
  }
  return v;
}

function size(v: unknown, memo: WeakMap<object, number>): number {
  if (v === null || typeof v !== 'object') return 1;
  const hit = memo.get(v);
  if (hit !== undefined) return hit;
  let n = 1;
  for (const x of Array.isArray(v) ? v : Object.values(v)) n += size(x, memo);
  memo.set(v, n);
  return n;
}

const transition = new Map<string, boolean>();
function isTransitionRule(rule: string): boolean {
  let t = transition.get(rule);
  if (t === undefined) transition.set(rule, (t = /\boldSelf\b/.test(rule)));
  return t;
}

const celTypeName = (v: unknown) =>
  Array.isArray(v) ? 'array' : isPlainObject(v) ? 'object' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;

/** Appends every failed rule under `schema` for `value` (at `path`). */
export function runRules(schema: Schema, value: unknown, path: string, errors: FieldError[], budget = CEL_BUDGET): void {
  walk(schema, value, path, { budget, errors, cel: new WeakMap(), sizes: new WeakMap(), exhausted: false });
}

function walk(s: Schema, value: unknown, path: string, ctx: Ctx): void {
  if (ctx.exhausted || value === null || value === undefined || !hasRules(s)) return;
  for (const rule of s['x-kubernetes-validations'] ?? []) {
    if (isTransitionRule(rule.rule)) continue; // transition rules run only on update
    const cost = size(value, ctx.sizes);
    if (cost > ctx.budget) {
      ctx.errors.push({
        path: path || '<root>',
        type: 'Invalid value',
        message: `"${celTypeName(value)}": validation failed due to running out of cost budget, no further validation rules will be run`,
      });
      ctx.exhausted = true;
      return;
    }
    ctx.budget -= cost;
    const self = toCel(value, s, ctx.cel);
    const ok = evalRule(rule.rule, self);
    if (ok === true) continue;
    const where = rule.fieldPath ? `${path}${rule.fieldPath}`.replace(/^\./, '') : path;
    if (ok instanceof Error) {
      ctx.errors.push({ path: where, type: 'Internal error', message: `rule could not be evaluated: ${ok.message.slice(0, 500)}`, rule: rule.rule });
      continue;
    }
    const detail = (rule.messageExpression && evalMessage(rule.messageExpression, self)) || rule.message?.trim() || `failed rule: ${rule.rule}`;
    const shown = `"${celTypeName(value)}"`;
    const type =
      rule.reason === 'FieldValueForbidden'
        ? 'Forbidden'
        : rule.reason === 'FieldValueRequired'
          ? 'Required value'
          : rule.reason === 'FieldValueDuplicate'
            ? 'Duplicate value'
            : 'Invalid value';
    const message = type === 'Forbidden' || type === 'Required value' ? detail : type === 'Duplicate value' ? shown : `${shown}: ${detail}`;
    ctx.errors.push({ path: where, type, message, rule: rule.rule });
  }
  for (const sub of s.allOf ?? []) walk(sub, value, path, ctx);
  if (Array.isArray(value)) {
    if (s.items) for (let i = 0; i < value.length; i++) walk(s.items, value[i], `${path}[${i}]`, ctx);
    return;
  }
  if (!isPlainObject(value)) return;
  const ap = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  for (const k of Object.keys(value)) {
    const prop = propertySchema(s, k);
    if (prop) walk(prop, value[k], path ? `${path}.${fieldName(k)}` : fieldName(k), ctx);
    else if (ap) walk(ap, value[k], `${path}[${fieldName(k)}]`, ctx);
  }
}
