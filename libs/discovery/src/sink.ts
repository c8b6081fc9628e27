// Where discovery results go: Upstream custom resources (Kubernetes mode) or memory beside the configuration
// (standalone mode). The runner decides what and when; a sink only records it.
import type { ResourceRef, ResourceSnapshot } from '@gatehouse/api';
import type { DiscoveredUpstream, DiscoveryStatus, UpstreamFunction } from '@gatehouse/plugin-sdk';

export interface DiscoverySink {
  /** The whole set of Upstreams `discoverer` wants now (create, update, delete what is stale). */
  upstreams(discoverer: string, wanted: readonly DiscoveredUpstream[], snapshot: ResourceSnapshot): Promise<void>;
  /** One Upstream's functions from `discoverer` (undefined: keep the last ones) and its discovery status. */
  functions(
    discoverer: string,
    upstream: ResourceRef,
    functions: readonly UpstreamFunction[] | undefined,
    status: DiscoveryStatus,
    snapshot: ResourceSnapshot,
  ): Promise<void>;
  /** `discoverer` no longer looks at this Upstream (gone, out of scope, disabled): drop its functions and status. */
  forget(discoverer: string, upstream: ResourceRef, snapshot: ResourceSnapshot): Promise<void>;
}

/** The key of an Upstream. */
export const upstreamKey = (namespace: string, name: string) => `Upstream/${namespace}/${name}`;

/** Functions in a stable order, one per name (the first wins). */
export function normalizeFunctions(list: readonly UpstreamFunction[]): UpstreamFunction[] {
  const byName = new Map<string, UpstreamFunction>();
  for (const f of list) if (!byName.has(f.name)) byName.set(f.name, f);
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** User-written functions win over discovered ones of the same name. */
export function mergeFunctions(user: readonly UpstreamFunction[] | undefined, discovered: readonly UpstreamFunction[]): UpstreamFunction[] {
  const own = new Set((user ?? []).map((f) => f.name));
  return [...(user ?? []), ...discovered.filter((f) => !own.has(f.name))];
}
