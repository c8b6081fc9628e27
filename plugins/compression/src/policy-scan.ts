// Where a policy kind applies in a listener. The engine puts the effective policy (rule > route > listener > gateway)
// on each route; a Gateway- or listener-wide policy is also on the listener itself.
import { allVirtualHosts, policyOf, type AttachedPolicy, type HttpListenerIR, type PluginContext, type RouteIR } from '@gatehouse/plugin-sdk';
import { POLICY_GROUP } from './policy-crd.js';

/** The effective policy of `kind` on a route, virtual host or listener. */
export function effective<Spec>(node: { policies: Record<string, unknown> }, kind: string): AttachedPolicy<Spec> | undefined {
  return policyOf<Spec>(node, POLICY_GROUP, kind);
}

/**
 * Every policy of `kind` the listener's routes and virtual hosts use, by `namespace/name`, in that order (memoized per
 * virtual host: an unchanged virtual host is the same object, so the cost follows what changed).
 */
export function policiesIn<Spec>(ctx: PluginContext, listener: HttpListenerIR, kind: string): Map<string, AttachedPolicy<Spec>> {
  const found = new Map<string, AttachedPolicy<Spec>>();
  const own = effective<Spec>(listener, kind);
  if (own) found.set(refName(own), own);
  for (const vh of allVirtualHosts(listener)) {
    const list = ctx.memo.get(`policies/${kind}`, vh, () => {
      const nodes: Array<{ policies: Record<string, unknown> }> = [vh, ...vh.routes];
      return nodes.flatMap((n) => {
        const p = effective<Spec>(n, kind);
        return p ? [p] : [];
      });
    });
    for (const p of list) if (!found.has(refName(p))) found.set(refName(p), p);
  }
  return new Map([...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `namespace/name` of the policy resource. */
export function refName(p: AttachedPolicy<unknown>): string {
  return `${p.source.namespace}/${p.source.name}`;
}

/** How a problem with a policy reads: `LuaPolicy default/hello: spec.inlineCode: ...`. */
export function policyProblem(p: AttachedPolicy<unknown>, field: string, what: string): string {
  return `${p.source.kind} ${p.source.namespace}/${p.source.name}: ${field}: ${what}`;
}

/** A route's name for messages: `HTTPRoute default/app rule 0`. */
export function routeName(r: RouteIR): string {
  return `${r.source.kind} ${r.source.namespace}/${r.source.name} rule ${r.ruleIndex}`;
}

/**
 * Builds what a policy configures; when its spec is wrong in a way the CRD cannot say, the policy is reported (so
 * its status names the field) and the hook throws, which rejects the resource being processed (the route stays
 * out rather than running without the policy).
 */
export function fromPolicy<T>(ctx: PluginContext, p: AttachedPolicy<unknown>, build: () => T): T {
  try {
    return build();
  } catch (err) {
    ctx.reports.reject(p.source, 'Invalid', (err as Error).message);
    throw err;
  }
}

/** Like {@link fromPolicy}, for listener-wide filters: a wrong policy is reported and left out (undefined). */
export function tryPolicy<T>(ctx: PluginContext, p: AttachedPolicy<unknown>, build: () => T): T | undefined {
  try {
    return build();
  } catch (err) {
    ctx.reports.reject(p.source, 'Invalid', (err as Error).message);
    return undefined;
  }
}
