// ExtensionRef filters naming an object of a plugin-owned kind (`attach: 'extensionRef'`): the object must exist in the
// route's namespace. When it does not, the rule is not served as if the filter were absent (the filter may be what
// protects it): its requests get HTTP 500, and the route says which reference is missing (ResolvedRefs=False).
import { describeRef, type KubeObject, type ResourceRef, type StoredResource } from '@gatehouse/api';
import type { ParsedFilters } from './filters.js';
import type { Problem, RouteContext } from './route-context.js';

const memo = new WeakMap<object, ReadonlySet<string>>();

/** The `group/kind` of every plugin kind that ExtensionRef filters name (read from the plugins' CRDs). */
export function extensionObjectKinds(plugins: ReadonlyArray<{ kinds?: ReadonlyArray<{ crd: KubeObject; attach: string }> }>): ReadonlySet<string> {
  let set = memo.get(plugins);
  if (!set) {
    const kinds = new Set<string>();
    for (const p of plugins) {
      for (const k of p.kinds ?? []) {
        const spec = k.crd['spec'] as { group?: unknown; names?: { kind?: unknown } } | undefined;
        if (k.attach === 'extensionRef' && typeof spec?.group === 'string' && typeof spec.names?.kind === 'string')
          kinds.add(`${spec.group}/${spec.names.kind}`);
      }
    }
    memo.set(plugins, (set = kinds));
  }
  return set;
}

/** Checks the rule's ExtensionRef objects; false (with a problem each) when one is missing. */
export function extensionObjectsFound(ctx: RouteContext, stored: StoredResource, parsed: ParsedFilters, at: string, problems: Problem[]): boolean {
  if (!ctx.extensionKinds?.size) return true;
  let ok = true;
  parsed.filters.forEach((f, i) => {
    if (f.type !== 'ExtensionRef' || !ctx.extensionKinds!.has(`${f.group}/${f.kind}`)) return;
    const ref: ResourceRef = { kind: f.kind, namespace: stored.ref.namespace, name: f.name };
    if (ctx.snapshot.resources.has(`${ref.kind}/${ref.namespace}/${ref.name}`)) return;
    ok = false;
    problems.push({
      reason: 'RefNotFound',
      message: `${at}.filters[${i}].extensionRef: ${describeRef(ref)} not found: requests of this rule get HTTP 500 until it exists`,
    });
  });
  return ok;
}
