// THE SEAM WHERE IR POLICIES GET ATTACHED (issue 12). `irPolicies(...)` runs once per full translation, in the
// gateway phase, inside the dependency capture: whatever it reads (policy resources, their targets) lands in
// State.fullDeps, so a change to any of it makes the next translation a full one (which redoes every route). The
// object it returns puts `policies[policyKey(group, kind)]` into each IR node right after the node is built and
// before any xDS hook (or the IR view) sees it:
//   - route         → route-units.ts (placeRoute), per attachment (its listener and Gateway policies), before the
//                     route hooks and the virtual host tables;
//   - virtualHost   → assembly.ts (virtualHost), on the fresh node the table built, before the virtual host hooks;
//   - listener      → assembly.ts and ir-view.ts, on each HttpListenerIR, before the listener and HTTP filter hooks.
// The resolution itself (precedence, conflicts, ancestor status) is libs/translator/src/policy-attachment.ts.
import type { ResourceSnapshot } from '@gatehouse/api';
import type { HttpListenerIR, RouteIR, VirtualHostIR } from '@gatehouse/ir';
import { PolicyAttachment, type GatewayState, type ListenerSlot, type PolicyKindRef, type ReportBook } from '@gatehouse/translator';

/** Puts attached policies into IR nodes. Each returns the node, or a copy of it with `policies` filled in. */
export interface IrPolicies {
  /** A route where it attached through `slot` (the same object for the same policies). */
  route(route: RouteIR, slot: ListenerSlot): RouteIR;
  /** `tableKey`: the route table the virtual host is in (an HTTP Envoy listener's name, or `<listener>/<slot key>`). */
  virtualHost(vhost: VirtualHostIR, gateway: GatewayState, tableKey?: string): VirtualHostIR;
  listener(listener: HttpListenerIR, gateway: GatewayState): HttpListenerIR;
}

export const NO_POLICIES: IrPolicies = { route: (r) => r, virtualHost: (v) => v, listener: (l) => l };

/**
 * The policies of `kinds` in `snapshot` by what they target (policy status into `book`). `snapshot` is the
 * dependency-tracked one: read through it only.
 */
export function irPolicies(snapshot: ResourceSnapshot, gateways: readonly GatewayState[], book: ReportBook, kinds: readonly PolicyKindRef[]): IrPolicies {
  const attached = PolicyAttachment.resolve(snapshot, kinds, gateways, book);
  if (attached.empty) return NO_POLICIES;
  return {
    route: (r, slot) => attached.route(r, slot),
    virtualHost: (v, gateway, tableKey) => attached.virtualHost(v, gateway, tableKey),
    listener: (l, gateway) => attached.listener(l, gateway),
  };
}
