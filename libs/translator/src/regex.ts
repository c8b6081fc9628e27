// Regexes are checked as Envoy will check them: RE2 syntax, and RE2's program-size bound.
import { RE2JS } from 're2js';

/** Envoy's default `re2.max_program_size.error_level`; the bootstrap Gatehouse prints sets the same value. */
export const DEFAULT_MAX_REGEX_PROGRAM_SIZE = 100;

/** Instructions C++ RE2 adds around every program (unanchored `.*?` prefix, match, fail). */
export const PROGRAM_SIZE_MARGIN = 3;

// re2js instruction opcodes (Inst in re2js): character classes, single runes, any-char.
const OP_RUNE = 8;
const OP_RUNE1 = 9;
const OP_RUNE_ANY = 10;
const OP_RUNE_ANY_NOT_NL = 11;
/** C++ RE2 compiles the 80-10FFFF tail (as in `.` and `[^a-z]`) to a short loose form. */
const NON_ASCII_TAIL_COST = 6;
const UTF8_LIMITS: Array<[number, number, number]> = [
  [0, 0x7f, 1],
  [0x80, 0x7ff, 2],
  [0x800, 0xffff, 3],
  [0x10000, 0x10ffff, 4],
];

/** Upper bound on C++ RE2 ByteRange instructions for the rune range [lo, hi] in UTF-8. */
function runeRangeCost(lo: number, hi: number): number {
  if (lo <= 0x80 && hi >= 0x10ffff) return (lo < 0x80 ? 1 : 0) + NON_ASCII_TAIL_COST;
  let cost = 0;
  for (const [a, b, len] of UTF8_LIMITS) {
    const from = Math.max(lo, a);
    const to = Math.min(hi, b);
    if (from > to) continue;
    // One rune is one byte sequence; a range splits into at most 2L-1 sequences of L byte ranges.
    cost += from === to ? len : len * (2 * len - 1);
  }
  return cost;
}

interface Re2jsInst {
  op: number;
  arg: number;
  runes: ArrayLike<number>;
}

/**
 * An upper bound on the program size C++ RE2 (in Envoy) computes. re2js compiles a character class to one
 * instruction where C++ RE2 emits one per UTF-8 byte range, so classes are costed by their ranges; folded (case-
 * insensitive) runes count twice. Checked against the real Envoy in test/e2e/regex-bound.e2e.spec.ts.
 */
export function estimateProgramSize(pattern: string): number {
  const prog = (RE2JS.compile(pattern) as unknown as { re2Input: { prog: { inst: Re2jsInst[] } } }).re2Input.prog;
  let size = PROGRAM_SIZE_MARGIN;
  for (const inst of prog.inst) {
    const fold = (inst.arg & 1) === 1 ? 2 : 1;
    if (inst.op === OP_RUNE) {
      let cost = 0;
      for (let i = 0; i + 1 < inst.runes.length; i += 2) cost += runeRangeCost(inst.runes[i]!, inst.runes[i + 1]!);
      if (inst.runes.length === 1) cost = runeRangeCost(inst.runes[0]!, inst.runes[0]!);
      size += cost * fold;
    } else if (inst.op === OP_RUNE1) {
      size += runeRangeCost(inst.runes[0]!, inst.runes[0]!) * fold;
    } else if (inst.op === OP_RUNE_ANY || inst.op === OP_RUNE_ANY_NOT_NL) {
      size += 2 + NON_ASCII_TAIL_COST;
    } else {
      size += 1;
    }
  }
  return size;
}

export interface RegexVerdict {
  ok: boolean;
  /** Why not, phrased for a user. */
  message?: string;
  estimatedProgramSize?: number;
}

export function checkRegex(pattern: string, maxProgramSize = DEFAULT_MAX_REGEX_PROGRAM_SIZE): RegexVerdict {
  let size: number;
  try {
    size = estimateProgramSize(pattern);
  } catch (err) {
    const why = (err as Error).message.replace(/^error parsing regexp: /, '');
    return { ok: false, message: `"${pattern}" is not a valid RE2 regular expression (${why}); RE2 has no lookaround or backreferences` };
  }
  if (size > maxProgramSize) {
    return {
      ok: false,
      estimatedProgramSize: size,
      message: `"${pattern}" is too complex: RE2 program size about ${size} exceeds the limit of ${maxProgramSize} (simplify it, e.g. fewer repetitions like {1,30})`,
    };
  }
  return { ok: true, estimatedProgramSize: size };
}
