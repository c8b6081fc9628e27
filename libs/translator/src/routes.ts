// HTTPRoute processing: parentRef attachment, hostname intersection, matches, backends → RouteIR.
import {
  CONTROLLER_NAME,
  type DepRecorder,
  GATEWAY_GROUP,
  describeRef,
  type BackendRef,
  type HTTPRoute,
  type HTTPRouteMatch,
  type HTTPRouteRule,
  type ParentReference,
  type ResourceRef,
  type ResourceSnapshot,
  type StoredResource,
} from '@gatehouse/api';
import type { RouteFilterIR, RouteIR, RouteMatchIR, StringMatchIR, UpstreamIR, WeightedBackendIR } from '@gatehouse/ir';
import { isBackendError, type BackendResolver, type PluginContext, type RouteParentReport } from '@gatehouse/plugin-sdk';
import type { GatewayState, ListenerSlot } from './gateways.js';
import { RuleError, parseBackendFilters, parseFilters, parseSessionPersistence, parseTimeouts } from './filters.js';
import { intersectHostnames } from './hostnames.js';
import { checkRegex } from './regex.js';
import { namespaceAllowed, referencePermitted } from './namespaces.js';
import { cond, type ReportBook } from './report-book.js';

/** The parent kinds routes can attach to. */
export const PARENT_KINDS: readonly string[] = ['Gateway'];

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
  gateways: ReadonlyMap<string, GatewayState>;
  resolvers: ReadonlyMap<string, BackendResolver>;
  pluginCtx: PluginContext;
  /**
   * Backends resolved so far, by target key (one resolution per target per translation), with what they read and
   * reported: a route reusing a resolution gets both, as if it had resolved the backend itself.
   */
  resolved: Map<string, { result: UpstreamIR | Problem; deps: ReadonlySet<string>; reports: ReportCall[] }>;
  /** Records what route processing reads from the snapshot; a cached resolution replays its reads. */
  deps: DepRecorder;
}

export type Problem = { reason: string; message: string };

interface BuiltRules {
  routes: RouteIR[];
  /** Unresolvable backends (ResolvedRefs=False). */
  problems: Problem[];
  /** Rules dropped because they cannot be honoured (PartiallyInvalid, or Accepted=False when all are). */
  invalid: string[];
  ruleCount: number;
}

/** One HTTPRoute: its parents' verdicts (in ctx.book), its routes, and where they attach. */
export function processRoute(ctx: RouteContext, stored: StoredResource & { object: HTTPRoute }): { routes: RouteIR[]; attachments: Attachment[] } {
  const route = stored.object;
  const gen = route.metadata.generation;
  const ns = stored.ref.namespace;
  const entry = ctx.book.entry(stored.ref, gen);
  entry.parents = [];

  // Rules first: a route none of whose rules can be honoured is not accepted by any parent.
  const built = buildRules(ctx, stored);
  const unusable = built.ruleCount > 0 && built.invalid.length === built.ruleCount ? built.invalid.join('; ') : undefined;
  const out: Attachment[] = [];

  // ResolvedRefs is about the route's own references: every parent carries it, accepting or not.
  const firstProblem = built.problems[0];
  const resolvedRefs = firstProblem ? cond('ResolvedRefs', false, firstProblem.reason, firstProblem.message, gen) : cond('ResolvedRefs', true, 'ResolvedRefs', '', gen);
  for (const [pi, parentRef] of (route.spec?.parentRefs ?? []).entries()) {
    const parent = defaultParent(parentRef, ns);
    const status: RouteParentReport = { parentRef: parent, controllerName: CONTROLLER_NAME, conditions: [] };
    entry.parents.push(status);
    const reject = (reason: string, message: string) => {
      status.conditions.push(cond('Accepted', false, reason, message, gen), resolvedRefs);
      // Per parent: the route is rejected overall only when no parent accepts it (ReportBook.finish).
      ctx.book.warn(stored.ref, reason, `${describeRef(stored.ref)}: spec.parentRefs[${pi}]: ${message}`);
    };
    if (parent.group !== GATEWAY_GROUP || !PARENT_KINDS.includes(parent.kind)) {
      const kind = `${parent.group ? `${parent.group}/` : ''}${parent.kind}`.slice(0, 128);
      reject('UnsupportedValue', `parentRef kind ${kind} is not a parent Gatehouse serves (it serves ${PARENT_KINDS.join(', ')} of ${GATEWAY_GROUP})`);
      continue;
    }
    const gw = ctx.gateways.get(`${parent.namespace}/${parent.name}`);
    if (!gw) {
      reject('NoMatchingParent', `Gateway ${parent.namespace}/${parent.name} not found (or not handled by Gatehouse)`);
      continue;
    }
    if (unusable) {
      reject('UnsupportedValue', unusable);
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
      // Kinds first: a listener of another protocol does not allow this route, whatever its state.
      if (!slot.allowedKinds.some((k) => k.kind === 'HTTPRoute' && k.group === GATEWAY_GROUP)) {
        [reason, message] = ['NotAllowedByListeners', `listener "${slot.listener.name}" (${slot.listener.protocol}) does not allow HTTPRoutes`];
        continue;
      }
      if (!namespaceAllowed(ctx.snapshot, slot, ns)) {
        [reason, message] = ['NotAllowedByListeners', `listener "${slot.listener.name}" does not allow routes from namespace ${ns}`];
        continue;
      }
      if (!slot.usable) {
        [reason, message] = ['NoMatchingParent', `listener "${slot.listener.name}" is not usable`];
        continue;
      }
      const hostnames = intersectHostnames(slot.listener.hostname, route.spec?.hostnames ?? []);
      if (hostnames.length === 0) {
        [reason, message] = ['NoMatchingListenerHostname', `no hostname of the route matches listener "${slot.listener.name}" (hostname ${slot.listener.hostname})`];
        continue;
      }
      attached++;
      out.push({ slot, hostnames, routes: built.routes, createdAt: stored.createdAt });
    }
    if (attached === 0) {
      reject(reason, message);
      continue;
    }
    status.conditions.push(cond('Accepted', true, 'Accepted', '', gen), resolvedRefs);
    if (built.invalid.length) status.conditions.push(cond('PartiallyInvalid', true, 'UnsupportedValue', `rules dropped: ${built.invalid.join('; ')}`, gen));
  }
  for (const p of built.problems) ctx.book.warn(stored.ref, p.reason, `${describeRef(stored.ref)}: ${p.message}`);
  for (const m of built.invalid) ctx.book.warn(stored.ref, 'UnsupportedValue', `${describeRef(stored.ref)}: ${m} (rule dropped)`);
  return { routes: built.routes, attachments: out };
}

function defaultParent(p: ParentReference, routeNs: string): RouteParentReport['parentRef'] {
  const parent: RouteParentReport['parentRef'] = { group: p.group ?? GATEWAY_GROUP, kind: p.kind ?? 'Gateway', namespace: p.namespace ?? routeNs, name: p.name };
  if (p.sectionName !== undefined) parent.sectionName = p.sectionName;
  if (p.port !== undefined) parent.port = p.port;
  return parent;
}

function buildRules(ctx: RouteContext, stored: StoredResource & { object: HTTPRoute }): BuiltRules {
  const out: BuiltRules = { routes: [], problems: [], invalid: [], ruleCount: stored.object.spec?.rules?.length ?? 0 };
  const { namespace, name } = stored.ref;
  for (const [ri, rule] of (stored.object.spec?.rules ?? []).entries()) {
    const at = `spec.rules[${ri}]`;
    try {
      const session = parseSessionPersistence((rule as Record<string, unknown>)['sessionPersistence'], at, `${namespace}/${name}/${ri}`);
      const matches: HTTPRouteMatch[] = rule.matches?.length ? rule.matches : [{}];
      const builtMatches = matches.map((m, mi) => buildMatch(m, `${at}.matches[${mi}]`));
      const parsed = parseFilters(rule, at);
      const problems: Problem[] = [];
      for (const m of parsed.mirrors) {
        const resolved = resolveBackend(ctx, stored, m.ref as unknown as BackendRef);
        const filter = parsed.filters[m.index] as Extract<RouteFilterIR, { type: 'RequestMirror' }>;
        if (isBackendError(resolved)) problems.push({ reason: resolved.reason, message: `${at}.filters[${m.index}].requestMirror.backendRef: ${resolved.message}` });
        else Object.assign(filter, { clusterName: resolved.clusterName, valid: true });
      }
      const action: RouteIR['action'] = parsed.redirect
        ? { kind: 'redirect', redirect: parsed.redirect }
        : buildAction(ctx, stored, rule, ri, problems, { ...parseTimeouts(rule, at), ...(session ? { sessionPersistence: session } : {}) });
      out.problems.push(...problems);
      for (const [mi, match] of builtMatches.entries()) {
        out.routes.push({ name: `${namespace}/${name}/rule/${ri}/match/${mi}`, source: stored.ref, ruleIndex: ri, matchIndex: mi, match, action, filters: parsed.filters, policies: {} });
      }
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      out.invalid.push(err.message);
    }
  }
  return out;
}

function buildMatch(m: HTTPRouteMatch, at: string): RouteMatchIR {
  const strings = (list: HTTPRouteMatch['headers'], field: string): StringMatchIR[] =>
    (list ?? []).map((h, i) => {
      const type = h.type ?? 'Exact';
      if (type === 'RegularExpression') regexOrThrow(h.value, `${at}.${field}[${i}].value`);
      return { type, name: h.name, value: h.value };
    });
  const path = { type: m.path?.type ?? 'PathPrefix', value: m.path?.value ?? '/' };
  if (path.type === 'RegularExpression') regexOrThrow(path.value, `${at}.path.value`);
  else if (!path.value.startsWith('/')) throw new RuleError(`${at}.path.value: must start with "/"`);
  const match: RouteMatchIR = {
    path,
    headers: strings(m.headers, 'headers').map((h) => ({ ...h, name: h.name.toLowerCase() })),
    queryParams: strings(m.queryParams, 'queryParams'),
  };
  if (m.method) match.method = m.method;
  return match;
}

function regexOrThrow(pattern: string, field: string): void {
  const verdict = checkRegex(pattern);
  if (!verdict.ok) throw new RuleError(`${field}: ${verdict.message}`);
}

function buildAction(
  ctx: RouteContext,
  stored: StoredResource,
  rule: HTTPRouteRule,
  ri: number,
  problems: Problem[],
  timing: Omit<Extract<RouteIR['action'], { kind: 'forward' }>, 'kind' | 'backends'>,
): RouteIR['action'] {
  const backends: WeightedBackendIR[] = [];
  for (const [bi, ref] of (rule.backendRefs ?? []).entries()) {
    const weight = ref.weight ?? 1;
    const filters = parseBackendFilters(ref.filters, `spec.rules[${ri}].backendRefs[${bi}]`);
    const resolved = resolveBackend(ctx, stored, ref);
    if (isBackendError(resolved)) {
      problems.push({ reason: resolved.reason, message: `spec.rules[${ri}].backendRefs[${bi}]: ${resolved.message}` });
      if (weight > 0) backends.push({ clusterName: INVALID_BACKEND_CLUSTER, weight, valid: false });
      continue;
    }
    if (weight > 0) backends.push({ clusterName: resolved.clusterName, weight, valid: true, ...(filters.length ? { filters } : {}) });
  }
  if (!backends.some((b) => b.valid)) return { kind: 'direct', status: 500 };
  return { kind: 'forward', backends: mergeInvalid(backends), ...timing };
}

/**
 * All invalid shares go to one entry, and shares of one cluster with the same filters to one (Envoy needs distinct
 * entries in a weighted set).
 */
function mergeInvalid(backends: WeightedBackendIR[]): WeightedBackendIR[] {
  const valid = backends.filter((b) => b.valid);
  const invalidWeight = backends.filter((b) => !b.valid).reduce((s, b) => s + b.weight, 0);
  const merged = new Map<string, WeightedBackendIR>();
  for (const b of valid) {
    const key = b.filters ? `${b.clusterName}\n${JSON.stringify(b.filters)}` : b.clusterName;
    const prev = merged.get(key);
    merged.set(key, prev ? { ...prev, weight: prev.weight + b.weight } : b);
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
  const cached = ctx.resolved.get(key);
  if (cached) {
    ctx.deps.replay(cached.deps);
    for (const [how, r, reason, message] of cached.reports) ctx.pluginCtx.reports[how](r, reason, message);
    return cached.result;
  }
  const reports: ReportCall[] = [];
  const recording = {
    ...ctx.pluginCtx,
    reports: {
      reject: (r: ResourceRef, reason: string, message: string) => (reports.push(['reject', r, reason, message]), ctx.pluginCtx.reports.reject(r, reason, message)),
      warn: (r: ResourceRef, reason: string, message: string) => (reports.push(['warn', r, reason, message]), ctx.pluginCtx.reports.warn(r, reason, message)),
    },
  };
  const { value: result, deps } = ctx.deps.capture((): UpstreamIR | Problem => {
    try {
      return resolver.resolve(recording, target);
    } catch (err) {
      return { reason: 'PluginError', message: `resolving ${kind} ${namespace}/${ref.name} failed: ${(err as Error).message}` };
    }
  });
  ctx.resolved.set(key, { result, deps, reports });
  return result;
}

type ReportCall = ['reject' | 'warn', ResourceRef, string, string];
