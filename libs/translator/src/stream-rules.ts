// TLSRoute, TCPRoute and UDPRoute rules → StreamRouteIR: weighted backends, nothing to match.
import type { StoredResource, TCPRoute, TLSRoute, UDPRoute } from '@gatehouse/api';
import { weightedBackends } from './backend-refs.js';
import type { BuiltRules, Problem, RouteContext } from './route-context.js';

export function buildStreamRules(ctx: RouteContext, stored: StoredResource & { object: TLSRoute | TCPRoute | UDPRoute }): BuiltRules {
  const out: BuiltRules = { routes: [], streams: [], problems: [], invalid: [], ruleCount: stored.object.spec?.rules?.length ?? 0 };
  const { namespace, name } = stored.ref;
  for (const [ri, rule] of (stored.object.spec?.rules ?? []).entries()) {
    const problems: Problem[] = [];
    const backends = weightedBackends(ctx, stored, rule.backendRefs ?? [], `spec.rules[${ri}]`, problems);
    out.problems.push(...problems);
    out.streams.push({ name: `${namespace}/${name}/rule/${ri}`, source: stored.ref, ruleIndex: ri, backends });
  }
  return out;
}
