// THE SEAM WHERE IR POLICIES GET ATTACHED (issue 12). `irPolicies(...)` runs once per full translation, in the
// gateway phase, inside the dependency capture: whatever it reads (policy resources, their targets) lands in
// State.fullDeps, so a change to any of it makes the next translation a full one. The object it returns puts
// `policies[policyKey(group, kind)]` into each IR node right after the node is built and before any xDS hook (or
// the IR view) sees it:
//   - route         → route-units.ts (placeRoute), before the route hooks and the virtual host tables;
//   - virtualHost   → assembly.ts (virtualHost), on the fresh node the table built, before the virtual host hooks;
//   - listener      → assembly.ts and ir-view.ts, on each HttpListenerIR, before the listener and HTTP filter hooks.
// Today no policy kind is wired: every node is returned as it is.
import type { ResourceSnapshot } from '@gatehouse/api';
import type { HttpListenerIR, RouteIR, VirtualHostIR } from '@gatehouse/ir';
import type { GatewayState, ReportBook } from '@gatehouse/translator';

/** Puts attached policies into IR nodes. Each returns the node, or a copy of it with `policies` filled in. */
export interface IrPolicies {
  route(route: RouteIR): RouteIR;
  virtualHost(vhost: VirtualHostIR, gateway: GatewayState): VirtualHostIR;
  listener(listener: HttpListenerIR, gateway: GatewayState): HttpListenerIR;
}

export const NO_POLICIES: IrPolicies = { route: (r) => r, virtualHost: (v) => v, listener: (l) => l };

/**
 * The policies of `snapshot` by what they target (policy status into `book`). `snapshot` is the dependency-tracked
 * one: read through it only.
 */
export function irPolicies(_snapshot: ResourceSnapshot, _gateways: readonly GatewayState[], _book: ReportBook): IrPolicies {
  return NO_POLICIES;
}
