// How each discoverer runs: off unless enabled; scoped by namespaces, a label selector and opt-in/out labels; a
// refresh interval, a concurrency limit, a timeout per target and a backoff after failures; limits on what it makes.
// Conservative by default: nothing is discovered until enabled, and then only what is opted in.
import { parseDurationMs } from '@gatehouse/api';

export interface DiscovererSettings {
  enabled: boolean;
  /** Only these namespaces (empty: all). */
  namespaces: string[];
  /** Never these namespaces. */
  excludeNamespaces: string[];
  /** Objects must carry these labels (matchLabels). */
  selector: Record<string, string>;
  /**
   * Opt-in (default): only objects labelled `gatehouse.dev/discovery: enabled` (themselves or their namespace), or
   * Upstreams that ask for it in their spec. Opt-out: everything in scope but what is labelled `disabled`.
   */
  optIn: boolean;
  /** How often each target is discovered again. */
  intervalMs: number;
  /** Targets discovered at once. */
  concurrency: number;
  /** One target's discovery is abandoned after this. */
  timeoutMs: number;
  /** After a failure: first retry delay, doubled up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /** At most this many Upstreams made by an upstream discoverer (the rest are reported, not made). */
  maxUpstreams: number;
  /** At most this many functions per Upstream (the list is cut and marked truncated). */
  maxFunctions: number;
}

export const DEFAULT_DISCOVERER_SETTINGS: DiscovererSettings = {
  enabled: false,
  namespaces: [],
  excludeNamespaces: ['kube-system', 'kube-public', 'kube-node-lease'],
  selector: {},
  optIn: true,
  intervalMs: 60_000,
  concurrency: 2,
  timeoutMs: 10_000,
  backoffMs: 5_000,
  maxBackoffMs: 300_000,
  maxUpstreams: 500,
  maxFunctions: 1_000,
};

/** Settings by discoverer name. */
export type DiscoverySettings = Record<string, DiscovererSettings>;

/** What the command line or a Settings resource says, before defaults (durations as strings like `30s`). */
export interface DiscovererSettingsInput {
  enabled?: boolean;
  namespaces?: string[];
  excludeNamespaces?: string[];
  selector?: Record<string, string>;
  optIn?: boolean;
  interval?: string;
  concurrency?: number;
  timeout?: string;
  backoff?: string;
  maxBackoff?: string;
  maxUpstreams?: number;
  maxFunctions?: number;
}

function duration(value: string | undefined, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = parseDurationMs(value);
  if (ms === undefined || ms <= 0) throw new Error(`${field}: "${value.slice(0, 40)}" is not a duration like 30s or 500ms`);
  return ms;
}

/** Settings from inputs laid over `base` (later inputs win); throws naming the field on a bad value. */
export function resolveSettings(base: DiscovererSettings, input: DiscovererSettingsInput, where = 'discovery'): DiscovererSettings {
  const positive = (n: number | undefined, field: string, fallback: number) => {
    if (n === undefined) return fallback;
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${where}.${field}: must be a positive whole number, got ${String(n).slice(0, 20)}`);
    return n;
  };
  const intervalMs = duration(input.interval, `${where}.interval`, base.intervalMs);
  if (intervalMs < 1000) throw new Error(`${where}.interval: at least 1s (discovery must not flood what it asks)`);
  return {
    enabled: input.enabled ?? base.enabled,
    namespaces: input.namespaces ?? base.namespaces,
    excludeNamespaces: input.excludeNamespaces ?? base.excludeNamespaces,
    selector: input.selector ?? base.selector,
    optIn: input.optIn ?? base.optIn,
    intervalMs,
    concurrency: positive(input.concurrency, 'concurrency', base.concurrency),
    timeoutMs: duration(input.timeout, `${where}.timeout`, base.timeoutMs),
    backoffMs: duration(input.backoff, `${where}.backoff`, base.backoffMs),
    maxBackoffMs: duration(input.maxBackoff, `${where}.maxBackoff`, base.maxBackoffMs),
    maxUpstreams: positive(input.maxUpstreams, 'maxUpstreams', base.maxUpstreams),
    maxFunctions: positive(input.maxFunctions, 'maxFunctions', base.maxFunctions),
  };
}

/** `k=v,k2=v2` → matchLabels. */
export function parseSelector(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0) throw new Error(`label selector "${part.slice(0, 60)}": use key=value pairs separated by commas`);
    out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}
