// CEL for x-kubernetes-validations: @bufbuild/cel with RE2 semantics (re2js) and the Kubernetes library
// functions the Gateway API CRDs use (strings ext: split, substring...; net: isIP).
import { isIP } from 'node:net';
import { CelScalar, celEnv, celFunc, isCelError, parse, plan, type CelInput } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { RE2JS } from 're2js';
import type { Schema } from './schema.js';

const env = celEnv({
  funcs: [...strings, celFunc('isIP', [CelScalar.STRING], CelScalar.BOOL, (s: string) => isIP(s) !== 0)],
  re2: {
    compile: (pattern: string) => {
      const re = RE2JS.compile(pattern);
      return { test: (text: string) => re.matcher(text).find() };
    },
  },
});

type Program = (ctx: Record<string, CelInput>) => unknown;
const programs = new Map<string, Program | Error>();

function program(expr: string): Program | Error {
  let p = programs.get(expr);
  if (!p) {
    try {
      p = plan(env, parse(expr)) as Program;
    } catch (err) {
      p = err as Error;
    }
    programs.set(expr, p);
  }
  return p;
}

/** JSON → CEL values: objects become maps, integers (by schema) become ints (bigint), as the apiserver types them. */
export function toCel(value: unknown, schema: Schema | undefined): CelInput {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => toCel(v, schema?.items));
  if (typeof value === 'object') {
    const m = new Map<string, CelInput>();
    for (const [k, v] of Object.entries(value)) {
      const s = schema?.properties?.[k] ?? (typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      m.set(k, toCel(v, s));
    }
    return m as unknown as CelInput;
  }
  if (typeof value === 'number' && (schema?.type === 'integer' || (schema?.['x-kubernetes-int-or-string'] && Number.isInteger(value)))) return BigInt(value);
  return value as CelInput;
}

/** Evaluates a rule: true/false, or an Error when the expression itself cannot run. */
export function evalRule(expr: string, self: CelInput): boolean | Error {
  const p = program(expr);
  if (p instanceof Error) return p;
  const r = p({ self });
  if (isCelError(r)) return new Error((r as { message?: string }).message ?? 'CEL evaluation error');
  return r === true;
}

export function evalMessage(expr: string, self: CelInput): string | undefined {
  const p = program(expr);
  if (p instanceof Error) return undefined;
  const r = p({ self });
  return typeof r === 'string' ? r : undefined;
}
