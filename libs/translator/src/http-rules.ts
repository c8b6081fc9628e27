// HTTPRoute rules → RouteIR: matches, filters, backends, timeouts, retries, session persistence.
import type { BackendRef, HTTPRoute, HTTPRouteMatch, StoredResource } from '@gatehouse/api';
import type { RouteFilterIR, RouteIR, RouteMatchIR, StringMatchIR } from '@gatehouse/ir';
import { isBackendError } from '@gatehouse/plugin-sdk';
import { resolveBackend, weightedBackends, type ForcedProtocol } from './backend-refs.js';
import { RuleError, parseFilters, parseSessionPersistence, parseTimeouts, type ParsedFilters } from './filters.js';
import { extensionObjectsFound } from './extension-objects.js';
import { checkRegex } from './regex.js';
import type { BuiltRules, Problem, RouteContext } from './route-context.js';

export function buildHttpRules(ctx: RouteContext, stored: StoredResource & { object: HTTPRoute }): BuiltRules {
  const out: BuiltRules = { routes: [], streams: [], problems: [], invalid: [], ruleCount: stored.object.spec?.rules?.length ?? 0 };
  const { namespace, name } = stored.ref;
  for (const [ri, rule] of (stored.object.spec?.rules ?? []).entries()) {
    const at = `spec.rules[${ri}]`;
    try {
      const session = parseSessionPersistence((rule as Record<string, unknown>)['sessionPersistence'], at, `${namespace}/${name}/${ri}`);
      const matches: HTTPRouteMatch[] = rule.matches?.length ? rule.matches : [{}];
      const builtMatches = matches.map((m, mi) => buildMatch(m, `${at}.matches[${mi}]`));
      const parsed = parseFilters(rule, at, undefined, ctx.extensionRefs);
      const problems: Problem[] = [];
      resolveMirrors(ctx, stored, parsed, at, problems);
      let action: RouteIR['action'];
      if (!extensionObjectsFound(ctx, stored, parsed, at, problems)) action = { kind: 'direct', status: 500 };
      else if (parsed.redirect) action = { kind: 'redirect', redirect: parsed.redirect };
      else {
        const backends = weightedBackends(ctx, stored, rule.backendRefs ?? [], at, problems, { filters: true });
        const extra = { ...parseTimeouts(rule, at), ...(session ? { sessionPersistence: session } : {}) };
        action = backends.some((b) => b.valid) ? { kind: 'forward', backends, ...extra } : { kind: 'direct', status: 500 };
      }
      out.problems.push(...problems);
      for (const [mi, match] of builtMatches.entries()) {
        out.routes.push({
          name: `${namespace}/${name}/rule/${ri}/match/${mi}`,
          source: stored.ref,
          ruleIndex: ri,
          matchIndex: mi,
          match,
          action,
          filters: parsed.filters,
          policies: {},
        });
      }
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      out.invalid.push(err.message);
    }
  }
  return out;
}

/** RequestMirror backendRefs resolve like any backend; a problem leaves the mirror out (ResolvedRefs=False). */
export function resolveMirrors(
  ctx: RouteContext,
  stored: StoredResource,
  parsed: ParsedFilters,
  at: string,
  problems: Problem[],
  protocol?: ForcedProtocol,
): void {
  for (const m of parsed.mirrors) {
    const resolved = resolveBackend(ctx, stored, m.ref as unknown as BackendRef, protocol);
    const filter = parsed.filters[m.index] as Extract<RouteFilterIR, { type: 'RequestMirror' }>;
    if (isBackendError(resolved))
      problems.push({ reason: resolved.reason, message: `${at}.filters[${m.index}].requestMirror.backendRef: ${resolved.message}` });
    else Object.assign(filter, { clusterName: resolved.clusterName, valid: true });
  }
}

/** Header (and query) matches; header names are case-insensitive. */
export function stringMatches(list: HTTPRouteMatch['headers'], at: string, lower: boolean): StringMatchIR[] {
  return (list ?? []).map((h, i) => {
    const type = h.type ?? 'Exact';
    if (type === 'RegularExpression') regexOrThrow(h.value, `${at}[${i}].value`);
    return { type, name: lower ? h.name.toLowerCase() : h.name, value: h.value };
  });
}

function buildMatch(m: HTTPRouteMatch, at: string): RouteMatchIR {
  const path = { type: m.path?.type ?? 'PathPrefix', value: m.path?.value ?? '/' };
  if (path.type === 'RegularExpression') regexOrThrow(path.value, `${at}.path.value`);
  else if (!path.value.startsWith('/')) throw new RuleError(`${at}.path.value: must start with "/"`);
  const match: RouteMatchIR = {
    path,
    headers: stringMatches(m.headers, `${at}.headers`, true),
    queryParams: stringMatches(m.queryParams, `${at}.queryParams`, false),
  };
  if (m.method) match.method = m.method;
  return match;
}

export function regexOrThrow(pattern: string, field: string): void {
  const verdict = checkRegex(pattern);
  if (!verdict.ok) throw new RuleError(`${field}: ${verdict.message}`);
}
