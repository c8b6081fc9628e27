// Route processing for every route kind: rules built once, then each parentRef's verdict (attachment to listeners,
// hostname intersection) with the conditions the spec names.
import {
  CONTROLLER_NAME,
  GATEWAY_GROUP,
  describeRef,
  resourcesOfKind,
  type AnyRoute,
  type Gateway,
  type GatewayClass,
  type GRPCRoute,
  type HTTPRoute,
  type ListenerSet,
  type ParentReference,
  type StoredResource,
  type TCPRoute,
  type TLSRoute,
  type UDPRoute,
} from '@gatehouse/api';
import type { RouteIR, StreamRouteIR } from '@gatehouse/ir';
import type { RouteParentReport } from '@gatehouse/plugin-sdk';
import type { ListenerSlot } from './listener-slots.js';
import { buildGrpcRules } from './grpc-rules.js';
import { buildHttpRules } from './http-rules.js';
import { hostnameOrigins, intersectHostnames } from './hostnames.js';
import { namespaceAllowed } from './namespaces.js';
import { cond } from './report-book.js';
import type { BuiltRules, RouteContext } from './route-context.js';
import { buildStreamRules } from './stream-rules.js';

export { INVALID_BACKEND_CLUSTER } from './backend-refs.js';
export type { Problem, RouteContext } from './route-context.js';

/** The route kinds Gatehouse translates. */
export const ROUTE_KINDS: readonly string[] = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'];

/** The parent kinds routes can attach to. */
export const PARENT_KINDS: readonly string[] = ['Gateway', 'ListenerSet'];

/** Route kinds with hostnames (the others attach to listeners without one). */
const HOSTNAMED = new Set(['HTTPRoute', 'GRPCRoute', 'TLSRoute']);

export interface Attachment {
  slot: ListenerSlot;
  hostnames: string[];
  /** For each hostname, the route's own hostname it came from (`*`: the route names none). */
  origins: string[];
  /** HTTPRoute, GRPCRoute. */
  routes: RouteIR[];
  /** TLSRoute, TCPRoute, UDPRoute. */
  streams: StreamRouteIR[];
  createdAt: string;
}

function buildRules(ctx: RouteContext, stored: StoredResource & { object: AnyRoute }): BuiltRules {
  switch (stored.ref.kind) {
    case 'HTTPRoute':
      return buildHttpRules(ctx, stored as StoredResource & { object: HTTPRoute });
    case 'GRPCRoute':
      return buildGrpcRules(ctx, stored as StoredResource & { object: GRPCRoute });
    default:
      return buildStreamRules(ctx, stored as StoredResource & { object: TLSRoute | TCPRoute | UDPRoute });
  }
}

/** One route: its parents' verdicts (in ctx.book), its routes, and where they attach. */
export function processRoute(
  ctx: RouteContext,
  stored: StoredResource & { object: AnyRoute },
): { routes: RouteIR[]; streams: StreamRouteIR[]; attachments: Attachment[] } {
  const route = stored.object;
  const kind = stored.ref.kind;
  const gen = route.metadata.generation;
  const ns = stored.ref.namespace;
  const entry = ctx.book.entry(stored.ref, gen);
  entry.parents = [];
  ctx.policiesUsed.length = 0;

  // Rules first: a route none of whose rules can be honoured is not accepted by any parent.
  const built = buildRules(ctx, stored);
  const unusable = built.ruleCount > 0 && built.invalid.length === built.ruleCount ? built.invalid.join('; ') : undefined;
  const routeHostnames = HOSTNAMED.has(kind) ? ((route.spec as { hostnames?: string[] }).hostnames ?? []) : [];
  const out: Attachment[] = [];

  // ResolvedRefs is about the route's own references: every parent carries it, accepting or not.
  const firstProblem = built.problems[0];
  const resolvedRefs = firstProblem
    ? cond('ResolvedRefs', false, firstProblem.reason, firstProblem.message, gen)
    : cond('ResolvedRefs', true, 'ResolvedRefs', '', gen);
  for (const [pi, parentRef] of (route.spec?.parentRefs ?? []).entries()) {
    const parent = defaultParent(parentRef, ns);
    // Another controller's parent: the spec leaves its status entry to that controller (RouteStatus.parents).
    if (othersParent(ctx, parent)) continue;
    const status: RouteParentReport = { parentRef: parent, controllerName: CONTROLLER_NAME, conditions: [] };
    entry.parents.push(status);
    const reject = (reason: string, message: string) => {
      status.conditions.push(cond('Accepted', false, reason, message, gen), resolvedRefs);
      // Per parent: the route is rejected overall only when no parent accepts it (ReportBook.finish).
      ctx.book.warn(stored.ref, reason, `${describeRef(stored.ref)}: spec.parentRefs[${pi}]: ${message}`);
    };
    if (parent.group !== GATEWAY_GROUP || !PARENT_KINDS.includes(parent.kind)) {
      const parentKind = `${parent.group ? `${parent.group}/` : ''}${parent.kind}`.slice(0, 128);
      reject('UnsupportedValue', `parentRef kind ${parentKind} is not a parent Gatehouse serves (it serves ${PARENT_KINDS.join(', ')} of ${GATEWAY_GROUP})`);
      continue;
    }
    // A Gateway parentRef reaches the Gateway's own listeners; a ListenerSet parentRef that ListenerSet's only.
    let pool: ListenerSlot[];
    let parentName: string;
    if (parent.kind === 'ListenerSet') {
      const ls = ctx.listenerSets.get(`${parent.namespace}/${parent.name}`);
      parentName = `ListenerSet ${parent.namespace}/${parent.name}`;
      if (!ls) {
        reject('NoMatchingParent', `${parentName} not found (or its Gateway is not handled by Gatehouse)`);
        continue;
      }
      if (!ls.set.accepted) {
        reject('NoMatchingParent', `${parentName} is not accepted by Gateway ${ls.gateway.key}`);
        continue;
      }
      pool = ls.set.slots;
    } else {
      const gw = ctx.gateways.get(`${parent.namespace}/${parent.name}`);
      parentName = `Gateway ${parent.namespace}/${parent.name}`;
      if (!gw) {
        reject('NoMatchingParent', `${parentName} not found (or not handled by Gatehouse)`);
        continue;
      }
      pool = gw.slots.filter((s) => s.owner === gw.stored.ref);
    }
    if (unusable) {
      reject('UnsupportedValue', unusable);
      continue;
    }
    const candidates = pool.filter(
      (s) => (parent.sectionName === undefined || s.listener.name === parent.sectionName) && (parent.port === undefined || s.listener.port === parent.port),
    );
    if (candidates.length === 0) {
      reject(
        'NoMatchingParent',
        `${parentName} has no listener${parent.sectionName ? ` named "${parent.sectionName}"` : ''}${parent.port ? ` on port ${parent.port}` : ''}`,
      );
      continue;
    }
    let reason = '';
    let message = '';
    let attached = 0;
    for (const slot of candidates) {
      // Kinds first: a listener of another protocol does not allow this route, whatever its state.
      if (!slot.allowedKinds.some((k) => k.kind === kind && k.group === GATEWAY_GROUP)) {
        [reason, message] = ['NotAllowedByListeners', `listener "${slot.listener.name}" (${slot.listener.protocol}) does not allow ${kind}s`];
        continue;
      }
      if (!namespaceAllowed(ctx.snapshot, slot, ns)) {
        [reason, message] = ['NotAllowedByListeners', `listener "${slot.listener.name}" does not allow routes from namespace ${ns}`];
        continue;
      }
      if (!slot.usable && !slot.dormant) {
        [reason, message] = ['NoMatchingParent', `listener "${slot.listener.name}" is not usable`];
        continue;
      }
      const hostnames = HOSTNAMED.has(kind) ? intersectHostnames(slot.listener.hostname, routeHostnames) : ['*'];
      if (hostnames.length === 0) {
        [reason, message] = [
          'NoMatchingListenerHostname',
          `no hostname of the route matches listener "${slot.listener.name}" (hostname ${slot.listener.hostname})`,
        ];
        continue;
      }
      attached++;
      if (!slot.usable)
        ctx.book.warn(
          stored.ref,
          'ListenerNotProgrammed',
          `${describeRef(stored.ref)}: spec.parentRefs[${pi}]: attached to listener "${slot.listener.name}" of ${parentName}, which serves nothing until its certificates resolve (see the Gateway's status.listeners)`,
        );
      const origins = HOSTNAMED.has(kind) ? hostnameOrigins(slot.listener.hostname, routeHostnames, hostnames) : ['*'];
      out.push({ slot, hostnames, origins, routes: built.routes, streams: built.streams, createdAt: stored.createdAt });
    }
    if (attached === 0) {
      reject(reason, message);
      continue;
    }
    status.conditions.push(cond('Accepted', true, 'Accepted', '', gen), resolvedRefs);
    if (built.invalid.length) status.conditions.push(cond('PartiallyInvalid', true, 'UnsupportedValue', `rules dropped: ${built.invalid.join('; ')}`, gen));
  }
  recordAncestors(ctx, out);
  for (const p of built.problems) ctx.book.warn(stored.ref, p.reason, `${describeRef(stored.ref)}: ${p.message}`);
  for (const m of built.invalid) ctx.book.warn(stored.ref, 'UnsupportedValue', `${describeRef(stored.ref)}: ${m} (rule dropped)`);
  return { routes: built.routes, streams: built.streams, attachments: out };
}

/** The policies the route's backends use get the Gateways it is attached to as ancestors. */
function recordAncestors(ctx: RouteContext, attachments: readonly Attachment[]): void {
  if (ctx.policiesUsed.length === 0) return;
  const gateways = new Map(attachments.map((a) => [`${a.slot.gatewayRef.namespace}/${a.slot.gatewayRef.name}`, a.slot.gatewayRef]));
  for (const match of ctx.policiesUsed) {
    for (const policy of [match.winner, ...match.losers]) {
      const e = ctx.book.entry(policy.ref);
      e.ancestors ??= [];
      for (const gw of gateways.values()) {
        e.ancestors.push({
          ancestorRef: { group: GATEWAY_GROUP, kind: 'Gateway', namespace: gw.namespace, name: gw.name },
          controllerName: CONTROLLER_NAME,
          conditions: policy.conditions,
        });
      }
    }
  }
}

/**
 * Whether `parent` is a Gateway (or a ListenerSet of a Gateway) that exists and belongs to another controller: its
 * GatewayClass is not Gatehouse's. Parents that do not exist, and Gatehouse's own, get an entry.
 */
function othersParent(ctx: RouteContext, parent: RouteParentReport['parentRef']): boolean {
  if (parent.group !== GATEWAY_GROUP) return false;
  const key = `${parent.namespace}/${parent.name}`;
  let gateway: { namespace: string; name: string } | undefined;
  if (parent.kind === 'Gateway') {
    if (ctx.gateways.has(key)) return false;
    gateway = { namespace: parent.namespace, name: parent.name };
  } else if (parent.kind === 'ListenerSet') {
    if (ctx.listenerSets.has(key)) return false;
    const p = (ctx.snapshot.resources.get(`ListenerSet/${key}`)?.object as ListenerSet | undefined)?.spec?.parentRef;
    if (p && (p.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && (p.kind ?? 'Gateway') === 'Gateway')
      gateway = { namespace: p.namespace ?? parent.namespace, name: p.name };
  }
  if (!gateway) return false;
  const className = (ctx.snapshot.resources.get(`Gateway/${gateway.namespace}/${gateway.name}`)?.object as Gateway | undefined)?.spec?.gatewayClassName;
  if (className === undefined) return false;
  return !resourcesOfKind<GatewayClass>(ctx.snapshot, 'GatewayClass').some(
    (gc) => gc.ref.name === className && gc.object.spec?.controllerName === CONTROLLER_NAME,
  );
}

function defaultParent(p: ParentReference, routeNs: string): RouteParentReport['parentRef'] {
  const parent: RouteParentReport['parentRef'] = {
    group: p.group ?? GATEWAY_GROUP,
    kind: p.kind ?? 'Gateway',
    namespace: p.namespace ?? routeNs,
    name: p.name,
  };
  if (p.sectionName !== undefined) parent.sectionName = p.sectionName;
  if (p.port !== undefined) parent.port = p.port;
  return parent;
}
