// Strings a client sends, made safe to keep and to log: control characters escaped, length bounded.

/** Escapes C0/C1 controls, DEL, the Unicode line separators and backslash (`\n`, `\x1b`, `\u2028`, `\\`). */
export function escapeControl(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\\') return '\\\\';
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}

/** At most `max` characters of `s`; a cut string says how long it was. */
export function bounded(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…(${s.length} chars)`;
}

/** A client string for logs and the admin API: escaped, then bounded (the suffix gives the original length). */
export function safeClientString(s: string, max: number): string {
  const e = escapeControl(s.length > max ? s.slice(0, max) : s);
  return s.length > max || e.length > max ? `${e.slice(0, max)}…(${s.length} chars)` : e;
}

/** True when `s` has a character `escapeControl` would change (other than backslash). */
export function hasControl(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(s);
}
