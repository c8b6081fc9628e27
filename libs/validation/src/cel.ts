// CEL for x-kubernetes-validations: @bufbuild/cel with RE2 semantics (re2js, linear time) and the Kubernetes
// library functions the Gateway API CRDs use (strings ext: split, substring...; ip: isIP with the apiserver's rules).
import { CelScalar, celEnv, celFunc, isCelError, parse, plan, type CelInput } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { RE2JS } from 're2js';
import { is4In6, parseIP } from './ip.js';
import { fieldSchema, type Schema } from './schema.js';

/** k8s.io/apiserver/pkg/cel/library isIP: netip.ParseAddr, no zone, no IPv4-mapped IPv6. */
function isIP(s: string): boolean {
  const ip = parseIP(s, 'strict');
  return ip !== undefined && !ip.zone && !is4In6(ip);
}

// matches() patterns are literals in the CRDs' rules; a rule could build one from data, so the cache is bounded.
const regexes = new Map<string, { test: (text: string) => boolean }>();
function compileRegex(pattern: string): { test: (text: string) => boolean } {
  let re = regexes.get(pattern);
  if (!re) {
    const compiled = RE2JS.compile(pattern);
    re = { test: (text: string) => compiled.test(text) };
    if (regexes.size >= 256) regexes.clear();
    regexes.set(pattern, re);
  }
  return re;
}

const env = celEnv({
  funcs: [...strings, celFunc('isIP', [CelScalar.STRING], CelScalar.BOOL, isIP)],
  re2: { compile: compileRegex },
});

type Program = (ctx: Record<string, CelInput>) => unknown;
// Keyed by rule text from schemas (a fixed set), never by user input.
const programs = new Map<string, Program | Error>();

function program(expr: string): Program | Error {
  let p = programs.get(expr);
  if (!p) {
    try {
      p = plan(env, parse(expr)) as Program;
    } catch (err) {
      p = err instanceof Error ? err : new Error(String(err));
    }
    programs.set(expr, p);
  }
  return p;
}

/** Why a rule (or messageExpression) cannot be compiled, or undefined when it compiles. */
export function compileError(expr: string): string | undefined {
  const p = program(expr);
  return p instanceof Error ? p.message : undefined;
}

/** JSON → CEL values: objects become maps, integers (by schema) become ints (bigint), as the apiserver types them. */
export function toCel(value: unknown, schema: Schema | undefined, memo?: WeakMap<object, CelInput>): CelInput {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') {
    const hit = memo?.get(value);
    if (hit !== undefined) return hit;
    let out: CelInput;
    if (Array.isArray(value)) out = value.map((v) => toCel(v, schema?.items, memo));
    else {
      const m = new Map<string, CelInput>();
      for (const [k, v] of Object.entries(value)) m.set(k, toCel(v, fieldSchema(schema, k), memo));
      out = m as unknown as CelInput;
    }
    memo?.set(value, out);
    return out;
  }
  if (typeof value === 'number' && Number.isInteger(value) && (schema?.type === 'integer' || schema?.['x-kubernetes-int-or-string'])) return BigInt(value);
  return value as CelInput;
}

function run(expr: string, self: CelInput): unknown {
  const p = program(expr);
  if (p instanceof Error) return p;
  try {
    const r = p({ self });
    if (isCelError(r)) return new Error((r as { message?: string }).message ?? 'CEL evaluation error');
    return r;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** Evaluates a rule: true/false, or an Error when the expression itself cannot run. */
export function evalRule(expr: string, self: CelInput): boolean | Error {
  const r = run(expr, self);
  return r instanceof Error ? r : r === true;
}

/** A messageExpression's text, or undefined when it does not evaluate to a non-empty string. */
export function evalMessage(expr: string, self: CelInput): string | undefined {
  const r = run(expr, self);
  return typeof r === 'string' && r.trim() ? r.slice(0, 5000) : undefined;
}
