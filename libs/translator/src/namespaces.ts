// allowedRoutes.namespaces and ReferenceGrant checks.
import { resourcesOfKind, type KubeObject, type LabelSelector, type ResourceSnapshot } from '@gatehouse/api';
import type { ListenerSlot } from './listener-slots.js';

export function labelsMatch(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const inValues = has && (e.values ?? []).includes(labels[e.key]!);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** A namespace's labels, with the name label every namespace carries. */
export function namespaceLabels(snapshot: ResourceSnapshot, namespace: string): Record<string, string> {
  return { 'kubernetes.io/metadata.name': namespace, ...(snapshot.resources.get(`Namespace/${namespace}`)?.object.metadata.labels ?? {}) };
}

/** allowedRoutes.namespaces of a listener; Same means the namespace of whoever declares it (Gateway or ListenerSet). */
export function namespaceAllowed(snapshot: ResourceSnapshot, slot: ListenerSlot, routeNamespace: string): boolean {
  const ns = slot.listener.allowedRoutes?.namespaces;
  const from = ns?.from ?? 'Same';
  if (from === 'All') return true;
  if (from === 'Same') return routeNamespace === slot.owner.namespace;
  return labelsMatch(ns?.selector ?? {}, namespaceLabels(snapshot, routeNamespace));
}

interface ReferenceGrantLike extends KubeObject {
  spec?: {
    from?: Array<{ group?: string; kind?: string; namespace?: string }>;
    to?: Array<{ group?: string; kind?: string; name?: string }>;
  };
}

/** True when a ReferenceGrant in `to.namespace` lets `from` refer to the target. */
export function referencePermitted(
  snapshot: ResourceSnapshot,
  from: { group: string; kind: string; namespace: string },
  to: { group: string; kind: string; namespace: string; name: string },
): boolean {
  if (from.namespace === to.namespace) return true;
  for (const r of resourcesOfKind(snapshot, 'ReferenceGrant')) {
    if (r.ref.namespace !== to.namespace) continue;
    const spec = (r.object as ReferenceGrantLike).spec ?? {};
    const fromOk = spec.from?.some((f) => (f.group ?? '') === from.group && f.kind === from.kind && f.namespace === from.namespace);
    const toOk = spec.to?.some((t) => (t.group ?? '') === to.group && t.kind === to.kind && (!t.name || t.name === to.name));
    if (fromOk && toOk) return true;
  }
  return false;
}
