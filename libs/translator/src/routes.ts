// HTTPRoute processing: parentRef attachment, hostname intersection, matches, backends → RouteIR.
import {
  CONTROLLER_NAME,
  GATEWAY_GROUP,
  describeRef,
  parseDurationMs,
  resourcesOfKind,
  type BackendRef,
  type HTTPRoute,
  type HTTPRouteMatch,
  type HTTPRouteRule,
  type ParentReference,
  type ResourceSnapshot,
  type StoredResource,
} from '@gatehouse/api';
import type { RouteIR, RouteMatchIR, StringMatchIR, UpstreamIR, WeightedBackendIR } from '@gatehouse/ir';
import { isBackendError, type BackendResolver, type PluginContext, type RouteParentReport } from '@gatehouse/plugin-sdk';
import type { GatewayState, ListenerSlot } from './gateways.js';
import { intersectHostnames } from './hostnames.js';
import { namespaceAllowed, referencePermitted } from './namespaces.js';
import { cond, type ReportBook } from './report-book.js';

/** The name no cluster has: Envoy answers a share routed here with 500 (cluster_not_found_response_code). */
export const INVALID_BACKEND_CLUSTER = 'gatehouse-invalid-backend';

export interface Attachment {
  slot: ListenerSlot;
  hostnames: string[];
  routes: RouteIR[];
  createdAt: string;
}

export interface RouteContext {
  snapshot: ResourceSnapshot;
  book: ReportBook;
  gateways: Map<string, GatewayState>;
  resolvers: Map<string, BackendResolver>;
  pluginCtx: PluginContext;
  upstreams: Record<string, UpstreamIR>;
  /** Backends resolved so far, by target key (one resolution per target per translation). */
  resolved: Map<string, UpstreamIR | { reason: string; message: string }>;
}

type Problem = { reason: string; message: string };

export function processHttpRoutes(ctx: RouteContext): Attachment[] {
  const attachments: Attachment[] = [];
  for (const stored of resourcesOfKind<HTTPRoute>(ctx.snapshot, 'HTTPRoute')) {
    attachments.push(...processRoute(ctx, stored));
  }
  return attachments;
}

function processRoute(ctx: RouteContext, stored: StoredResource & { object: HTTPRoute }): Attachment[] {
  const route = stored.object;
  const gen = route.metadata.generation;
  const ns = stored.ref.namespace;
  const entry = ctx.book.entry(stored.ref, gen);
  entry.parents = [];

  // Rules first: a route whose rules are unusable is not accepted by any parent.
  const unsupported = unsupportedFeature(route);
  const built = unsupported ? undefined : buildRules(ctx, stored);
  const out: Attachment[] = [];

  for (const [pi, parentRef] of (route.spec?.parentRefs ?? []).entries()) {
    const parent = defaultParent(parentRef, ns);
    if (parent.group !== GATEWAY_GROUP || parent.kind !== 'Gateway') continue; // not a parent we implement
    const gw = ctx.gateways.get(`${parent.namespace}/${parent.name}`);
    const status: RouteParentReport = { parentRef: parent, controllerName: CONTROLLER_NAME, conditions: [] };
    entry.parents.push(status);
    const reject = (reason: string, message: string) => {
      status.conditions.push(cond('Accepted', false, reason, message, gen));
      // Per parent: the route is rejected overall only when no parent accepts it (ReportBook.finish).
      ctx.book.warn(stored.ref, reason, `${describeRef(stored.ref)}: spec.parentRefs[${pi}]: ${message}`);
    };
    if (!gw) {
      reject('NoMatchingParent', `Gateway ${parent.namespace}/${parent.name} not found (or not handled by Gatehouse)`);
      continue;
    }
    if (unsupported) {
      reject('UnsupportedValue', unsupported);
      continue;
    }
    const candidates = gw.slots.filter(
      (s) => (parent.sectionName === undefined || s.listener.name === parent.sectionName) && (parent.port === undefined || s.listener.port === parent.port),
    );
    if (candidates.length === 0) {
      reject('NoMatchingParent', `Gateway ${gw.key} has no listener${parent.sectionName ? ` named "${parent.sectionName}"` : ''}${parent.port ? ` on port ${parent.port}` : ''}`);
      continue;
    }
    let reason = '';
    let message = '';
    let attached = 0;
    for (const slot of candidates) {
      if (!slot.usable) {
        [reason, message] = ['NoMatchingParent', `listener "${slot.listener.name}" is not usable`];
        continue;
      }
      if (!slot.allowedKinds.some((k) => k.kind === 'HTTPRoute') || !namespaceAllowed(ctx.snapshot, slot, ns)) {
        [reason, message] = ['NotAllowedByListeners', `listener "${slot.listener.name}" does not allow HTTPRoutes from namespace ${ns}`];
        continue;
      }
      const hostnames = intersectHostnames(slot.listener.hostname, route.spec?.hostnames ?? []);
      if (hostnames.length === 0) {
        [reason, message] = ['NoMatchingListenerHostname', `no hostname of the route matches listener "${slot.listener.name}" (hostname ${slot.listener.hostname})`];
        continue;
      }
      attached++;
      slot.report.attachedRoutes++;
      out.push({ slot, hostnames, routes: built!.routes, createdAt: stored.createdAt });
    }
    if (attached === 0) {
      reject(reason, message);
      continue;
    }
    status.conditions.push(cond('Accepted', true, 'Accepted', '', gen));
    const firstProblem = built!.problems[0];
    status.conditions.push(
      firstProblem ? cond('ResolvedRefs', false, firstProblem.reason, firstProblem.message, gen) : cond('ResolvedRefs', true, 'ResolvedRefs', '', gen),
    );
  }
  for (const p of built?.problems ?? []) ctx.book.warn(stored.ref, p.reason, `${describeRef(stored.ref)}: ${p.message}`);
  return out;
}

function defaultParent(p: ParentReference, routeNs: string): RouteParentReport['parentRef'] {
  const parent: RouteParentReport['parentRef'] = { group: p.group ?? GATEWAY_GROUP, kind: p.kind ?? 'Gateway', namespace: p.namespace ?? routeNs, name: p.name };
  if (p.sectionName !== undefined) parent.sectionName = p.sectionName;
  if (p.port !== undefined) parent.port = p.port;
  return parent;
}

/** Valid Gateway API fields Gatehouse does not implement yet are refused by name, never ignored. */
function unsupportedFeature(route: HTTPRoute): string | undefined {
  for (const [ri, rule] of (route.spec?.rules ?? []).entries()) {
    for (const [fi, f] of (rule.filters ?? []).entries()) {
      return `spec.rules[${ri}].filters[${fi}]: filter type ${f.type} is not supported yet`;
    }
    for (const [bi, b] of (rule.backendRefs ?? []).entries()) {
      if (b.filters?.length) return `spec.rules[${ri}].backendRefs[${bi}].filters: backendRef filters are not supported yet`;
    }
    if (rule.timeouts?.backendRequest !== undefined) return `spec.rules[${ri}].timeouts.backendRequest is not supported yet`;
  }
  return undefined;
}

function buildRules(ctx: RouteContext, stored: StoredResource & { object: HTTPRoute }): { routes: RouteIR[]; problems: Problem[] } {
  const routes: RouteIR[] = [];
  const problems: Problem[] = [];
  const { namespace, name } = stored.ref;
  for (const [ri, rule] of (stored.object.spec?.rules ?? []).entries()) {
    const action = buildAction(ctx, stored, rule, ri, problems);
    const matches: HTTPRouteMatch[] = rule.matches?.length ? rule.matches : [{}];
    for (const [mi, m] of matches.entries()) {
      routes.push({
        name: `${namespace}/${name}/rule/${ri}/match/${mi}`,
        source: stored.ref,
        ruleIndex: ri,
        matchIndex: mi,
        match: buildMatch(m),
        action,
        policies: {},
      });
    }
  }
  return { routes, problems };
}

function buildMatch(m: HTTPRouteMatch): RouteMatchIR {
  const strings = (list: HTTPRouteMatch['headers']): StringMatchIR[] =>
    (list ?? []).map((h) => ({ type: h.type ?? 'Exact', name: h.name, value: h.value }));
  const match: RouteMatchIR = {
    path: { type: m.path?.type ?? 'PathPrefix', value: m.path?.value ?? '/' },
    headers: strings(m.headers).map((h) => ({ ...h, name: h.name.toLowerCase() })),
    queryParams: strings(m.queryParams),
  };
  if (m.method) match.method = m.method;
  return match;
}

function buildAction(ctx: RouteContext, stored: StoredResource, rule: HTTPRouteRule, ri: number, problems: Problem[]): RouteIR['action'] {
  const backends: WeightedBackendIR[] = [];
  for (const [bi, ref] of (rule.backendRefs ?? []).entries()) {
    const weight = ref.weight ?? 1;
    const resolved = resolveBackend(ctx, stored, ref);
    if (isBackendError(resolved)) {
      problems.push({ reason: resolved.reason, message: `spec.rules[${ri}].backendRefs[${bi}]: ${resolved.message}` });
      if (weight > 0) backends.push({ clusterName: INVALID_BACKEND_CLUSTER, weight, valid: false });
      continue;
    }
    if (weight > 0) backends.push({ clusterName: resolved.clusterName, weight, valid: true });
  }
  const timeout = rule.timeouts?.request !== undefined ? parseDurationMs(rule.timeouts.request) : undefined;
  if (!backends.some((b) => b.valid)) return { kind: 'direct', status: 500 };
  return { kind: 'forward', backends: mergeInvalid(backends), ...(timeout !== undefined ? { timeoutMs: timeout } : {}) };
}

/** All invalid shares go to one entry (Envoy needs distinct cluster names in a weighted set). */
function mergeInvalid(backends: WeightedBackendIR[]): WeightedBackendIR[] {
  const valid = backends.filter((b) => b.valid);
  const invalidWeight = backends.filter((b) => !b.valid).reduce((s, b) => s + b.weight, 0);
  const merged = new Map<string, WeightedBackendIR>();
  for (const b of valid) {
    const prev = merged.get(b.clusterName);
    merged.set(b.clusterName, prev ? { ...prev, weight: prev.weight + b.weight } : b);
  }
  const out = [...merged.values()];
  if (invalidWeight > 0) out.push({ clusterName: INVALID_BACKEND_CLUSTER, weight: invalidWeight, valid: false });
  return out;
}

function resolveBackend(ctx: RouteContext, stored: StoredResource, ref: BackendRef): UpstreamIR | Problem {
  const group = ref.group ?? '';
  const kind = ref.kind ?? 'Service';
  const namespace = ref.namespace ?? stored.ref.namespace;
  const resolver = ctx.resolvers.get(`${group}/${kind}`);
  if (!resolver) return { reason: 'InvalidKind', message: `backend kind ${group ? `${group}/` : ''}${kind} is not supported` };
  if (!referencePermitted(ctx.snapshot, { group: GATEWAY_GROUP, kind: 'HTTPRoute', namespace: stored.ref.namespace }, { group, kind, namespace, name: ref.name })) {
    return { reason: 'RefNotPermitted', message: `${kind} ${namespace}/${ref.name} is in another namespace and no ReferenceGrant there allows it` };
  }
  const target = { group, kind, namespace, name: ref.name, ...(ref.port !== undefined ? { port: ref.port } : {}) };
  const key = `${group}/${kind}/${namespace}/${ref.name}/${ref.port ?? ''}`;
  let result = ctx.resolved.get(key);
  if (!result) {
    try {
      result = resolver.resolve(ctx.pluginCtx, target);
    } catch (err) {
      result = { reason: 'PluginError', message: `resolving ${kind} ${namespace}/${ref.name} failed: ${(err as Error).message}` };
    }
    ctx.resolved.set(key, result);
    if (!isBackendError(result)) ctx.upstreams[result.clusterName] = result;
  }
  return result;
}
