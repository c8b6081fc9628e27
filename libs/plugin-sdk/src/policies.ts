import type { KubeObject, ResourceRef } from '@gatehouse/api';

/**
 * A resource kind a plugin owns: its CRD ships with the plugin and is validated exactly like the built-in kinds
 * (directory source, `gatehouse check`, and installed into the cluster in Kubernetes mode).
 *
 * - `attach: 'targetRefs'` makes it a policy (GEP-713 direct attachment): `spec.targetRefs` name a Gateway
 *   (optionally a listener by `sectionName`), a ListenerSet, or an HTTPRoute/GRPCRoute (optionally a rule by
 *   `sectionName`). The engine resolves the effective policy per scope and puts it into the IR's `policies`
 *   (see {@link AttachedPolicy}); the policy gets `status.ancestors` (Accepted / TargetNotFound / Conflicted).
 * - `attach: 'extensionRef'` makes it a filter object that route rules reference with an `ExtensionRef` filter
 *   (the plugin also lists it in `extensionRefs`).
 *
 * @example
 * { crd: loadCrd(new URL('../crds/header-policy.yaml', import.meta.url)), attach: 'targetRefs' }
 */
export interface PluginKind {
  /** An `apiextensions.k8s.io/v1` CustomResourceDefinition (parsed YAML). */
  readonly crd: KubeObject;
  readonly attach: 'targetRefs' | 'extensionRef';
}

/** Where a policy attached. More specific scopes win: rule > route > listener > gateway. */
export type PolicyScope = 'gateway' | 'listener' | 'route' | 'rule';

/**
 * The effective policy of one kind at one IR node, as the engine put it into `policies[policyKey(group, kind)]`.
 * When several policies of a kind apply, the most specific scope wins; within a scope the oldest (then
 * namespace/name) wins and the others are `Conflicted`. `merged` lists every policy that applied, most specific
 * first, for plugins that prefer to merge fields themselves.
 */
export interface AttachedPolicy<Spec = Record<string, unknown>> {
  spec: Spec;
  source: ResourceRef;
  scope: PolicyScope;
  merged: Array<{ spec: Spec; source: ResourceRef; scope: PolicyScope }>;
}

/** The key a policy kind uses in IR `policies` records. */
export function policyKey(group: string, kind: string): string {
  return `${kind}.${group}`;
}

/** The effective policy of a kind on an IR node (`RouteIR`, `VirtualHostIR`, `HttpListenerIR`), if any. */
export function policyOf<Spec = Record<string, unknown>>(
  node: { policies: Record<string, unknown> },
  group: string,
  kind: string,
): AttachedPolicy<Spec> | undefined {
  return node.policies[policyKey(group, kind)] as AttachedPolicy<Spec> | undefined;
}
