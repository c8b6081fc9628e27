// Schema `pattern`s are Go RE2 expressions; they run on re2js, an RE2 port with linear-time matching, so no input
// can make a pattern backtrack (JavaScript's RegExp can, and its syntax differs from RE2 at the edges).
import { RE2JS } from 're2js';

const compiled = new Map<string, RE2JS | Error>();

function compile(pattern: string): RE2JS | Error {
  let re = compiled.get(pattern);
  if (!re) {
    try {
      re = RE2JS.compile(pattern);
    } catch (err) {
      re = err instanceof Error ? err : new Error(String(err));
    }
    // Patterns come from schemas (a fixed set), never from user input; the cache cannot grow without bound.
    compiled.set(pattern, re);
  }
  return re;
}

/** Go's regexp.MatchString (a match anywhere in `s`), or an Error when the pattern is not valid RE2. */
export function matchesPattern(pattern: string, s: string): boolean | Error {
  const re = compile(pattern);
  return re instanceof Error ? re : re.test(s);
}

/** For fixed expressions inside this library. */
export function re2(pattern: string): (s: string) => boolean {
  const re = compile(pattern);
  if (re instanceof Error) throw re;
  return (s) => re.test(s);
}
