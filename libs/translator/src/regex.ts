// Regexes are checked as Envoy will check them: RE2 syntax, and RE2's program-size bound.
import { RE2JS } from 're2js';

/** Envoy's default `re2.max_program_size.error_level`; the bootstrap Gatehouse prints sets the same value. */
export const DEFAULT_MAX_REGEX_PROGRAM_SIZE = 100;

/**
 * re2js (a port of RE2) counts program instructions slightly differently from Envoy's C++ RE2: on a corpus
 * checked against the real Envoy (test/e2e/regex-bound.e2e.spec.ts) C++ counted at most 3 more. Adding that margin
 * makes the estimate an upper bound, so Gatehouse refuses a regex before Envoy would NACK it.
 */
export const PROGRAM_SIZE_MARGIN = 3;

export interface RegexVerdict {
  ok: boolean;
  /** Why not, phrased for a user. */
  message?: string;
  estimatedProgramSize?: number;
}

export function checkRegex(pattern: string, maxProgramSize = DEFAULT_MAX_REGEX_PROGRAM_SIZE): RegexVerdict {
  let size: number;
  try {
    size = RE2JS.compile(pattern).programSize() + PROGRAM_SIZE_MARGIN;
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
