import type { EnvoyMessage } from './envoy.js';

/** Escapes RE2 metacharacters. */
export function escapeRegex(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/**
 * Gateway API ReplacePrefixMatch as an Envoy RegexMatchAndSubstitute: the matched prefix is replaced path
 * element by path element (`/foo` → `/xyz`: `/foo/bar` → `/xyz/bar`; → `/`: `/foo/bar` → `/bar`).
 */
export function replacePrefix(matchedPrefix: string, replacement: string): EnvoyMessage {
  const prefix = matchedPrefix.replace(/\/+$/, '');
  const repl = replacement === '/' ? '/' : replacement.replace(/\/+$/, '');
  if (prefix === '') return { pattern: { regex: '^/' }, substitution: repl === '/' ? '/' : `${repl}/` };
  if (repl === '/') return { pattern: { regex: `^${escapeRegex(prefix)}/*` }, substitution: '/' };
  return { pattern: { regex: `^${escapeRegex(prefix)}` }, substitution: repl };
}

/** Gateway API ReplaceFullPath as an Envoy RegexMatchAndSubstitute. */
export function replaceFullPath(value: string): EnvoyMessage {
  return { pattern: { regex: '^/.*$' }, substitution: value };
}
