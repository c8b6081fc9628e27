// Helpers for hooks that shape the same Envoy message as other plugins: they add to what is there instead of
// replacing it, and refuse (throw, which rejects only the resource) where two plugins really disagree.
import type { EnvoyMessage } from './envoy.js';

/** Appends entries to a repeated field (`requestHeadersToAdd`, `responseHeadersToRemove`, ...), creating it if absent. */
export function appendTo(out: EnvoyMessage, field: string, ...entries: unknown[]): void {
  const cur = out[field];
  if (cur !== undefined && !Array.isArray(cur)) throw new Error(`field "${field}" is not a list`);
  out[field] = [...((cur as unknown[] | undefined) ?? []), ...entries];
}

/**
 * Sets a per-filter config (`typedPerFilterConfig[filterName]`) on a route, virtual host or route configuration.
 * Two plugins configuring the same filter on the same message is a conflict: it throws with both names.
 */
export function setPerFilterConfig(out: EnvoyMessage, filterName: string, config: EnvoyMessage): void {
  const cur = (out['typedPerFilterConfig'] as Record<string, EnvoyMessage> | undefined) ?? {};
  if (Object.hasOwn(cur, filterName)) throw new Error(`typedPerFilterConfig["${filterName}"] is already set by another plugin`);
  out['typedPerFilterConfig'] = { ...cur, [filterName]: config };
}

/**
 * Deep-merges `patch` into `out`: objects merge key by key, lists append, scalars must agree (a different scalar
 * already there throws, naming the field path).
 */
export function mergeInto(out: EnvoyMessage, patch: EnvoyMessage, path = ''): void {
  for (const [k, v] of Object.entries(patch)) {
    const at = path ? `${path}.${k}` : k;
    const cur = out[k];
    if (cur === undefined) out[k] = v;
    else if (Array.isArray(cur) && Array.isArray(v)) out[k] = [...cur, ...v];
    else if (isObject(cur) && isObject(v)) mergeInto(cur, v, at);
    else if (cur !== v) throw new Error(`${at}: already set to a different value by another plugin`);
  }
}

function isObject(x: unknown): x is EnvoyMessage {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Uint8Array);
}
