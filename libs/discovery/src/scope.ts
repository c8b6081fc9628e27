// Which objects a discoverer may look at: namespace allow/deny lists, a label selector, and the opt-in/out label on
// the object or its namespace (the object's own label wins).
import type { KubeObject, ResourceSnapshot } from '@gatehouse/api';
import { DISCOVERY_OPT_LABEL } from '@gatehouse/plugin-sdk';
import type { DiscovererSettings } from './settings.js';

type Opt = 'enabled' | 'disabled' | undefined;

function optOf(labels: Record<string, string> | undefined): Opt {
  const v = labels && Object.hasOwn(labels, DISCOVERY_OPT_LABEL) ? labels[DISCOVERY_OPT_LABEL] : undefined;
  return v === 'enabled' || v === 'disabled' ? v : undefined;
}

/** A scope check bound to one snapshot (namespace labels come from its Namespace objects). */
export function scopeFor(settings: DiscovererSettings, snapshot: ResourceSnapshot): (object: KubeObject, explicit?: boolean) => boolean {
  const nsOpt = (ns: string): Opt => optOf(snapshot.resources.get(`Namespace/${ns}`)?.object.metadata.labels);
  return (object, explicit = false) => {
    const ns = object.metadata.namespace ?? 'default';
    if (settings.namespaces.length && !settings.namespaces.includes(ns)) return false;
    if (settings.excludeNamespaces.includes(ns)) return false;
    const labels = object.metadata.labels ?? {};
    for (const [k, v] of Object.entries(settings.selector)) if (!Object.hasOwn(labels, k) || labels[k] !== v) return false;
    const opt = optOf(labels) ?? nsOpt(ns);
    if (opt === 'disabled') return false;
    return opt === 'enabled' || explicit || !settings.optIn;
  };
}
