import type { Condition, ResourceRef } from '@gatehouse/api';

/**
 * Where translation records what happened to each source resource. Plugins call `reject` for the resource they
 * were processing; the engine turns the records into Gateway API conditions and reports.
 */
export interface ReportSink {
  /** The resource is not (fully) applied; `message` says which field and what to do. */
  reject(ref: ResourceRef, reason: string, message: string): void;
  /** The resource is applied, with a caveat worth showing. */
  warn(ref: ResourceRef, reason: string, message: string): void;
}

/** A route's status towards one parent (Gateway API RouteParentStatus). */
export interface RouteParentReport {
  parentRef: { group: string; kind: string; namespace: string; name: string; sectionName?: string; port?: number };
  controllerName: string;
  conditions: Condition[];
}

/** A policy's status towards one ancestor (Gateway API PolicyAncestorStatus): the Gateway a route using it is on. */
export interface PolicyAncestorReport {
  ancestorRef: { group: string; kind: string; namespace: string; name: string };
  controllerName: string;
  conditions: Condition[];
}

/** A Gateway listener's status. */
export interface ListenerReport {
  name: string;
  attachedRoutes: number;
  supportedKinds: Array<{ group: string; kind: string }>;
  conditions: Condition[];
}

export type ReportState = 'accepted' | 'rejected' | 'warning';

/** Everything translation concluded about one source resource. */
export interface ResourceReport {
  ref: ResourceRef;
  generation?: number;
  state: ReportState;
  /** Human-readable summary lines (each names the field and what to do). */
  messages: string[];
  /** Resource-level conditions (GatewayClass, Gateway, Upstream...). */
  conditions: Condition[];
  /** Routes: per parentRef. */
  parents?: RouteParentReport[];
  /** Gateways and ListenerSets: per listener (a Gateway's own listeners only). */
  listeners?: ListenerReport[];
  /** Gateways: how many ListenerSets it accepted (status.attachedListenerSets). */
  attachedListenerSets?: number;
  /** Policies (BackendTLSPolicy): per ancestor. */
  ancestors?: PolicyAncestorReport[];
}
