// What a plugin that owns policy kinds needs again and again: the CRDs of its kinds (GEP-713 policies attached by
// spec.targetRefs, and filter objects route rules name with an ExtensionRef), where its policies apply in a listener,
// and how a wrong policy is reported. Bind it to your API group once: `export const kit = policyKit('example.com')`.
import type { KubeObject } from '@gatehouse/api';
import type { HttpListenerIR, RouteIR } from '@gatehouse/ir';
import { allVirtualHosts } from './names.js';
import type { PluginContext } from './plugin.js';
import { policyOf, type AttachedPolicy } from './policies.js';

/** A CEL rule on a spec (`x-kubernetes-validations`). */
export interface SpecRule {
  rule: string;
  message: string;
}

/** `spec.targetRefs`: a Gateway, a ListenerSet or an HTTPRoute/GRPCRoute, optionally one listener or rule by `sectionName`. */
export const TARGET_REFS_SCHEMA = {
  type: 'array',
  minItems: 1,
  maxItems: 16,
  items: {
    type: 'object',
    required: ['group', 'kind', 'name'],
    properties: {
      group: { type: 'string', maxLength: 253 },
      kind: { type: 'string', minLength: 1, maxLength: 63 },
      name: { type: 'string', minLength: 1, maxLength: 253 },
      sectionName: { type: 'string', minLength: 1, maxLength: 253 },
    },
  },
};

function crdOf(group: string, kind: string, plural: string, category: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}`, labels: { 'app.kubernetes.io/part-of': 'gatehouse' } },
    spec: {
      group,
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(), categories: ['gatehouse', category] },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec,
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  } as KubeObject;
}

function specSchema(properties: Record<string, unknown>, required: string[], rules: SpecRule[]): Record<string, unknown> {
  return { type: 'object', ...(required.length ? { required } : {}), properties, ...(rules.length ? { 'x-kubernetes-validations': rules } : {}) };
}

/** `namespace/name` of a policy resource. */
export function policyRefName(p: AttachedPolicy<unknown>): string {
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
 * Builds what a policy configures; when its spec is wrong in a way the CRD cannot say, the policy is reported (so its
 * status names the field) and the hook throws, which rejects the resource being processed (the route stays out rather
 * than running without the policy).
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

/**
 * The policy helpers of one API group.
 *
 * @example
 * const kit = policyKit('example.com');
 * export const HEADER_POLICY_CRD = kit.policyCrd('HeaderPolicy', 'headerpolicies', { value: { type: 'string' } }, ['value']);
 * // in a hook: kit.effective<{ value: string }>(route, 'HeaderPolicy')?.spec.value
 */
export function policyKit(group: string) {
  return {
    group,
    /** The effective policy of `kind` on a route, virtual host or listener. */
    effective<Spec>(node: { policies: Record<string, unknown> }, kind: string): AttachedPolicy<Spec> | undefined {
      return policyOf<Spec>(node, group, kind);
    },
    /**
     * Every policy of `kind` the listener and its virtual hosts and routes use, by `namespace/name`, sorted (memoized
     * per virtual host: an unchanged virtual host is the same object, so the cost follows what changed).
     */
    policiesIn<Spec>(ctx: PluginContext, listener: HttpListenerIR, kind: string): Map<string, AttachedPolicy<Spec>> {
      const found = new Map<string, AttachedPolicy<Spec>>();
      const own = policyOf<Spec>(listener, group, kind);
      if (own) found.set(policyRefName(own), own);
      for (const vh of allVirtualHosts(listener)) {
        const list = ctx.memo.get(`policies/${group}/${kind}`, vh, () =>
          [vh, ...vh.routes].flatMap((n) => {
            const p = policyOf<Spec>(n, group, kind);
            return p ? [p] : [];
          }),
        );
        for (const p of list) if (!found.has(policyRefName(p))) found.set(policyRefName(p), p);
      }
      return new Map([...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    },
    /** The CRD of policy `kind`: its spec has `targetRefs` plus `properties` (`required` lists the mandatory ones). */
    policyCrd(kind: string, plural: string, properties: Record<string, unknown>, required: string[] = [], rules: SpecRule[] = []): KubeObject {
      return crdOf(
        group,
        kind,
        plural,
        'gatehouse-policies',
        specSchema({ targetRefs: TARGET_REFS_SCHEMA, ...properties }, ['targetRefs', ...required], rules),
      );
    },
    /** The CRD of filter object `kind`, which route rules name with an ExtensionRef filter (no targetRefs). */
    extensionRefCrd(kind: string, plural: string, properties: Record<string, unknown>, required: string[] = [], rules: SpecRule[] = []): KubeObject {
      return crdOf(group, kind, plural, 'gatehouse-filters', specSchema(properties, required, rules));
    },
  };
}
