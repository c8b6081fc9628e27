// GRPCRoute rules → RouteIR: a service/method match is a path match on `/<service>/<method>` that only gRPC requests
// meet; backends are spoken to over HTTP/2; an unusable backend answers UNAVAILABLE.
import type { GRPCRoute, GRPCRouteRule, HTTPRouteRule, StoredResource } from '@gatehouse/api';
import type { RouteIR, RouteMatchIR } from '@gatehouse/ir';
import { escapeRegex } from '@gatehouse/plugin-sdk';
import { weightedBackends } from './backend-refs.js';
import { RuleError, parseFilters, parseSessionPersistence } from './filters.js';
import { regexOrThrow, resolveMirrors, stringMatches } from './http-rules.js';
import type { BuiltRules, Problem, RouteContext } from './route-context.js';

/** What Envoy answers when no backend of a gRPC rule is usable: 503, which a gRPC client sees as UNAVAILABLE. */
export const GRPC_UNAVAILABLE = 503;

const GRPC_FILTERS = ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror'];

export function buildGrpcRules(ctx: RouteContext, stored: StoredResource & { object: GRPCRoute }): BuiltRules {
  const out: BuiltRules = { routes: [], streams: [], problems: [], invalid: [], ruleCount: stored.object.spec?.rules?.length ?? 0 };
  const { namespace, name } = stored.ref;
  for (const [ri, rule] of (stored.object.spec?.rules ?? []).entries()) {
    const at = `spec.rules[${ri}]`;
    try {
      const session = parseSessionPersistence(rule.sessionPersistence, at, `${namespace}/${name}/${ri}`);
      const matches = rule.matches?.length ? rule.matches : [{}];
      const builtMatches = matches.map((m, mi) => grpcMatch(m, `${at}.matches[${mi}]`));
      const parsed = parseFilters(rule as HTTPRouteRule, at, GRPC_FILTERS);
      const problems: Problem[] = [];
      resolveMirrors(ctx, stored, parsed, at, problems, 'h2c');
      const backends = weightedBackends(ctx, stored, rule.backendRefs ?? [], at, problems, { filters: true, protocol: 'h2c' });
      const action: RouteIR['action'] = backends.some((b) => b.valid)
        ? { kind: 'forward', backends, ...(session ? { sessionPersistence: session } : {}) }
        : { kind: 'direct', status: GRPC_UNAVAILABLE };
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

type GrpcMatch = NonNullable<GRPCRouteRule['matches']>[number];

function grpcMatch(m: GrpcMatch, at: string): RouteMatchIR {
  const headers = stringMatches(m.headers, `${at}.headers`, true);
  const mm = m.method;
  if (!mm) return { path: { type: 'PathPrefix', value: '/' }, headers, queryParams: [], grpc: { service: '', method: '' } };
  const service = mm.service ?? '';
  const method = mm.method ?? '';
  if (!service && !method) throw new RuleError(`${at}.method: set service, method or both`);
  let path: RouteMatchIR['path'];
  if ((mm.type ?? 'Exact') === 'Exact') {
    for (const [field, v] of [
      ['service', service],
      ['method', method],
    ] as const) {
      if (v.includes('/')) throw new RuleError(`${at}.method.${field}: "${v.slice(0, 64)}" must not contain "/"`);
    }
    if (service && method) path = { type: 'Exact', value: `/${service}/${method}` };
    else if (service) path = { type: 'PathPrefix', value: `/${service}` };
    else path = { type: 'RegularExpression', value: `/[^/]+/${escapeRegex(method)}` };
  } else {
    if (service) regexOrThrow(service, `${at}.method.service`);
    if (method) regexOrThrow(method, `${at}.method.method`);
    path = { type: 'RegularExpression', value: `/(?:${service || '[^/]+'})/(?:${method || '[^/]+'})` };
    regexOrThrow(path.value, `${at}.method`);
  }
  return { path, headers, queryParams: [], grpc: { service, method } };
}
