// HTTPRoute rule filters → IR. Each problem names the field path; a rule with one is dropped on its own.
import { createHash } from 'node:crypto';
import { parseDurationMs, type HTTPRouteMatch, type HTTPRouteRule } from '@gatehouse/api';
import type { BackendFilterIR, CorsIR, HeaderModifierIR, PathModifierIR, RedirectIR, RetryIR, RouteFilterIR, SessionPersistenceIR } from '@gatehouse/ir';

export class RuleError extends Error {}

type Raw = Record<string, unknown>;
const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

export interface ParsedFilters {
  filters: RouteFilterIR[];
  redirect?: RedirectIR;
  /** backendRefs named by RequestMirror filters, to resolve like any backend. */
  mirrors: Array<{ index: number; ref: Raw }>;
}

/** Parses a rule's filters; throws RuleError naming the field when the rule cannot be honoured. */
const HTTP_FILTERS = ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite', 'RequestMirror', 'CORS'];

/**
 * `claimed`: the ExtensionRef kinds plugins handle (`group/kind`); such a filter is kept for their hooks. Without it
 * (or for a kind no plugin claims) an ExtensionRef drops the rule like any unsupported filter.
 */
export function parseFilters(rule: HTTPRouteRule, at: string, supported: readonly string[] = HTTP_FILTERS, claimed?: ReadonlySet<string>): ParsedFilters {
  const out: ParsedFilters = { filters: [], mirrors: [] };
  for (const [fi, f] of (rule.filters ?? []).entries()) {
    const path = `${at}.filters[${fi}]`;
    const raw = f as Raw;
    if (f.type === 'ExtensionRef' && claimed) {
      out.filters.push(extensionRef(raw['extensionRef'], `${path}.extensionRef`, claimed));
      continue;
    }
    if (!supported.includes(f.type))
      throw new RuleError(`${path}.type: filter ${String(f.type).slice(0, 64)} is not supported (supported: ${supported.join(', ')})`);
    switch (f.type) {
      case 'RequestHeaderModifier':
      case 'ResponseHeaderModifier': {
        const key = f.type === 'RequestHeaderModifier' ? 'requestHeaderModifier' : 'responseHeaderModifier';
        out.filters.push({ type: f.type, modifier: headerModifier(raw[key], `${path}.${key}`) });
        break;
      }
      case 'RequestRedirect':
        if (rule.backendRefs?.length) throw new RuleError(`${path}: RequestRedirect cannot be combined with backendRefs`);
        out.redirect = redirect((raw['requestRedirect'] ?? {}) as Raw, `${path}.requestRedirect`, rule);
        break;
      case 'URLRewrite': {
        const u = (raw['urlRewrite'] ?? {}) as Raw;
        const p = u['path'] ? pathModifier(u['path'] as Raw, `${path}.urlRewrite.path`, rule) : undefined;
        out.filters.push({ type: 'URLRewrite', ...(typeof u['hostname'] === 'string' ? { hostname: u['hostname'] } : {}), ...(p ? { path: p } : {}) });
        break;
      }
      case 'RequestMirror': {
        const m = (raw['requestMirror'] ?? {}) as Raw;
        if (!m['backendRef']) throw new RuleError(`${path}.requestMirror.backendRef: required`);
        out.mirrors.push({ index: out.filters.length, ref: m['backendRef'] as Raw });
        const fraction = mirrorFraction(m, `${path}.requestMirror`);
        out.filters.push({ type: 'RequestMirror', clusterName: '', valid: false, ...(fraction ? { fraction } : {}) });
        break;
      }
      case 'CORS':
        out.filters.push({ type: 'CORS', cors: cors((raw['cors'] ?? {}) as Raw) });
        break;
      default:
        throw new RuleError(`${path}.type: filter ${String(f.type).slice(0, 64)} is not supported (supported: ${supported.join(', ')})`);
    }
  }
  if (out.redirect && out.filters.some((f) => f.type === 'URLRewrite'))
    throw new RuleError(`${at}.filters: RequestRedirect and URLRewrite cannot be used together`);
  return out;
}

/** A claimed ExtensionRef (LocalObjectReference: group, kind, name); an unclaimed kind drops the rule. */
function extensionRef(value: unknown, path: string, claimed: ReadonlySet<string>): Extract<RouteFilterIR, { type: 'ExtensionRef' }> {
  const v = (value ?? {}) as Raw;
  const group = typeof v['group'] === 'string' ? v['group'] : '';
  const kind = typeof v['kind'] === 'string' ? v['kind'] : '';
  const name = typeof v['name'] === 'string' ? v['name'] : '';
  if (!kind || !name) throw new RuleError(`${path}: kind and name are required`);
  if (!claimed.has(`${group}/${kind}`)) {
    const known = [...claimed].sort().join(', ') || 'none';
    throw new RuleError(
      `${path}: ExtensionRef ${`${group}/${kind}`.slice(0, 128)} is not supported (no plugin handles it; supported ExtensionRef kinds: ${known})`,
    );
  }
  return { type: 'ExtensionRef', group, kind, name };
}

function headerModifier(value: unknown, path: string): HeaderModifierIR {
  const v = (value ?? {}) as Raw;
  const pairs = (list: unknown, field: string) =>
    ((list as Array<Raw> | undefined) ?? []).map((h, i) => {
      if (typeof h['name'] !== 'string' || typeof h['value'] !== 'string') throw new RuleError(`${path}.${field}[${i}]: name and value are required strings`);
      if (/^(:|host$)/i.test(h['name']))
        throw new RuleError(`${path}.${field}[${i}].name: "${h['name']}" cannot be modified (pseudo-headers and Host are set by the proxy)`);
      return { name: h['name'], value: h['value'] };
    });
  const remove = ((v['remove'] as string[] | undefined) ?? []).map((n, i) => {
    if (/^(:|host$)/i.test(n)) throw new RuleError(`${path}.remove[${i}]: "${n}" cannot be removed (pseudo-headers and Host are required)`);
    return n;
  });
  return { set: pairs(v['set'], 'set'), add: pairs(v['add'], 'add'), remove };
}

function pathModifier(p: Raw, path: string, rule: HTTPRouteRule): PathModifierIR {
  if (p['type'] === 'ReplaceFullPath' && typeof p['replaceFullPath'] === 'string') return { type: 'ReplaceFullPath', value: p['replaceFullPath'] };
  if (p['type'] === 'ReplacePrefixMatch' && typeof p['replacePrefixMatch'] === 'string') {
    const matches: HTTPRouteMatch[] = rule.matches?.length ? rule.matches : [{}];
    if (matches.some((m) => (m.path?.type ?? 'PathPrefix') !== 'PathPrefix')) {
      throw new RuleError(`${path}: ReplacePrefixMatch needs every match of the rule to be a PathPrefix match`);
    }
    return { type: 'ReplacePrefixMatch', value: p['replacePrefixMatch'] };
  }
  throw new RuleError(`${path}: type must be ReplaceFullPath (with replaceFullPath) or ReplacePrefixMatch (with replacePrefixMatch)`);
}

function redirect(r: Raw, path: string, rule: HTTPRouteRule): RedirectIR {
  const statusCode = (r['statusCode'] as number | undefined) ?? 302;
  if (!REDIRECT_CODES.has(statusCode)) throw new RuleError(`${path}.statusCode: ${statusCode} is not one of 301, 302, 303, 307, 308`);
  const out: RedirectIR = { statusCode };
  if (r['scheme'] !== undefined) {
    if (r['scheme'] !== 'http' && r['scheme'] !== 'https') throw new RuleError(`${path}.scheme: must be http or https`);
    out.scheme = r['scheme'];
  }
  if (typeof r['hostname'] === 'string') out.hostname = r['hostname'];
  if (typeof r['port'] === 'number') out.port = r['port'];
  if (r['path']) out.path = pathModifier(r['path'] as Raw, `${path}.path`, rule);
  return out;
}

function mirrorFraction(m: Raw, path: string): { numerator: number; denominator: number } | undefined {
  if (m['percent'] !== undefined && m['fraction'] !== undefined) throw new RuleError(`${path}: set percent or fraction, not both`);
  if (typeof m['percent'] === 'number') return { numerator: m['percent'], denominator: 100 };
  const f = m['fraction'] as Raw | undefined;
  if (!f) return undefined;
  const numerator = f['numerator'] as number;
  const denominator = (f['denominator'] as number | undefined) ?? 100;
  if (!(numerator >= 0 && denominator > 0 && numerator <= denominator))
    throw new RuleError(`${path}.fraction: numerator must be between 0 and denominator (> 0)`);
  return { numerator, denominator };
}

function cors(c: Raw): CorsIR {
  const list = (k: string) => ((c[k] as string[] | undefined) ?? []).slice();
  return {
    allowOrigins: list('allowOrigins'),
    allowMethods: list('allowMethods'),
    allowHeaders: list('allowHeaders'),
    exposeHeaders: list('exposeHeaders'),
    allowCredentials: c['allowCredentials'] === true,
    maxAgeSeconds: typeof c['maxAge'] === 'number' ? c['maxAge'] : 5,
  };
}

/** timeouts.request / backendRequest and the (experimental) retry stanza. */
export function parseTimeouts(rule: HTTPRouteRule & { retry?: Raw }, at: string): { timeoutMs?: number; backendTimeoutMs?: number; retry?: RetryIR } {
  const out: { timeoutMs?: number; backendTimeoutMs?: number; retry?: RetryIR } = {};
  const dur = (v: string | undefined, field: string) => {
    if (v === undefined) return undefined;
    const ms = parseDurationMs(v);
    if (ms === undefined) throw new RuleError(`${at}.${field}: "${v}" is not a duration such as 10s or 500ms`);
    return ms;
  };
  const request = dur(rule.timeouts?.request, 'timeouts.request');
  const backend = dur(rule.timeouts?.backendRequest, 'timeouts.backendRequest');
  if (request !== undefined) out.timeoutMs = request;
  if (backend !== undefined) {
    if (request !== undefined && request !== 0 && backend > request)
      throw new RuleError(`${at}.timeouts.backendRequest: must not be longer than timeouts.request`);
    out.backendTimeoutMs = backend;
  }
  if (rule.retry) {
    const r = rule.retry;
    const attempts = (r['attempts'] as number | undefined) ?? 1;
    const codes = ((r['codes'] as number[] | undefined) ?? []).slice();
    const backoffMs = dur(r['backoff'] as string | undefined, 'retry.backoff');
    out.retry = { attempts, codes, ...(backoffMs !== undefined ? { backoffMs } : {}) };
  }
  return out;
}

/** A backendRef's own filters: header modifiers only (they apply when that backend is picked). */
export function parseBackendFilters(filters: readonly unknown[] | undefined, at: string): BackendFilterIR[] {
  const out: BackendFilterIR[] = [];
  for (const [fi, f] of (filters ?? []).entries()) {
    const raw = (f ?? {}) as Raw;
    const path = `${at}.filters[${fi}]`;
    if (raw['type'] === 'RequestHeaderModifier')
      out.push({ type: 'RequestHeaderModifier', modifier: headerModifier(raw['requestHeaderModifier'], `${path}.requestHeaderModifier`) });
    else if (raw['type'] === 'ResponseHeaderModifier')
      out.push({ type: 'ResponseHeaderModifier', modifier: headerModifier(raw['responseHeaderModifier'], `${path}.responseHeaderModifier`) });
    else
      throw new RuleError(
        `${path}.type: filter ${String(raw['type']).slice(0, 64)} is not supported on a backendRef (supported there: RequestHeaderModifier, ResponseHeaderModifier; put other filters on the rule)`,
      );
  }
  return out;
}

/**
 * sessionPersistence → Envoy stateful sessions (cookie or header). A Permanent cookie lives absoluteTimeout; Envoy
 * cannot track a lifetime for a session cookie or a header, so absoluteTimeout is refused there.
 */
export function parseSessionPersistence(value: unknown, at: string, routeKey: string): SessionPersistenceIR | undefined {
  if (value === undefined) return undefined;
  const sp = (value ?? {}) as Raw;
  const path = `${at}.sessionPersistence`;
  const type = (sp['type'] as string | undefined) ?? 'Cookie';
  let ttlMs: number | undefined;
  if (sp['absoluteTimeout'] !== undefined) {
    ttlMs = parseDurationMs(sp['absoluteTimeout'] as string);
    if (ttlMs === undefined) throw new RuleError(`${path}.absoluteTimeout: "${String(sp['absoluteTimeout']).slice(0, 32)}" is not a duration such as 1h`);
  }
  if (type === 'Header') {
    const header = (sp['header'] ?? {}) as Raw;
    if (typeof header['name'] !== 'string') throw new RuleError(`${path}.header.name: required for Header sessions`);
    if (ttlMs !== undefined) throw new RuleError(`${path}.absoluteTimeout: not supported for Header sessions (Envoy keeps no lifetime for them); remove it`);
    return { type: 'Header', name: header['name'] };
  }
  if (type !== 'Cookie') throw new RuleError(`${path}.type: ${type.slice(0, 32)} is not supported (Cookie or Header)`);
  const cookie = (sp['cookie'] ?? {}) as Raw;
  const lifetime = (cookie['lifetimeType'] as string | undefined) ?? 'Session';
  // No name given: one of our own, unique per route rule (the spec asks for a generated unique name).
  const name = typeof cookie['name'] === 'string' ? cookie['name'] : `gh-session-${createHash('sha256').update(routeKey).digest('hex').slice(0, 12)}`;
  const out: SessionPersistenceIR = { type: 'Cookie', name, path: typeof cookie['path'] === 'string' ? cookie['path'] : '/' };
  if (lifetime === 'Permanent') {
    if (ttlMs === undefined) throw new RuleError(`${path}.absoluteTimeout: required for a Permanent cookie`);
    out.ttlSeconds = Math.max(1, Math.ceil(ttlMs / 1000));
  } else if (ttlMs !== undefined) {
    throw new RuleError(
      `${path}.absoluteTimeout: not supported for a Session cookie (Envoy cannot bound its lifetime without making it Permanent); set cookie.lifetimeType: Permanent or remove it`,
    );
  }
  return out;
}
