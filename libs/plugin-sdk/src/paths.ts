import type { HeaderModifierIR } from '@gatehouse/ir';
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

/**
 * A Gateway API header modifier's `set` and `add` as Envoy HeaderValueOptions (`remove` goes to a separate list).
 *
 * @example
 * out['requestHeadersToAdd'] = headerValueOptions({ set: [{ name: 'x-a', value: '1' }], add: [], remove: [] });
 */
export function headerValueOptions(m: HeaderModifierIR): EnvoyMessage[] {
  return [
    ...m.set.map((h) => ({ header: { key: h.name, value: h.value }, appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD' })),
    ...m.add.map((h) => ({ header: { key: h.name, value: h.value }, appendAction: 'APPEND_IF_EXISTS_OR_ADD' })),
  ];
}
