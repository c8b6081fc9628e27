// What Gatehouse wants an object's status to be, from its report and what the cluster holds now. Pure. Follows the
// Gateway API: conditions with observedGeneration and a lastTransitionTime kept while a condition's status holds;
// route parent entries of other controllers left as they are; list sizes within the CRDs' bounds.
import { CONTROLLER_NAME, type Condition } from '@gatehouse/api';
import type { ResourceReport, RouteParentReport } from '@gatehouse/plugin-sdk';

export type Status = Record<string, unknown>;

interface KubeCondition extends Condition {
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** The kinds whose status Gatehouse writes, and how. */
export const STATUS_KINDS = new Set([
  'GatewayClass',
  'Gateway',
  'ListenerSet',
  'BackendTLSPolicy',
  'HTTPRoute',
  'GRPCRoute',
  'TLSRoute',
  'TCPRoute',
  'UDPRoute',
]);

const MAX_CONDITIONS = 8;
const MAX_PARENTS = 32;
const MAX_ANCESTORS = 16;
const MAX_MESSAGE = 32_768;

export interface StatusContext {
  now: string;
  generation?: number;
  /** Gateways: the addresses to report (where their Envoy listens). */
  addresses?: Array<{ type: string; value: string }>;
  /** GatewayClass: the Gateway API bundle version of the installed CRDs, when known. */
  bundleVersion?: string;
  supportedVersions?: readonly string[];
}

/** Conditions with times: an unchanged status keeps its lastTransitionTime. */
export function withTimes(next: readonly Condition[], prev: readonly Partial<KubeCondition>[] | undefined, now: string, generation?: number): KubeCondition[] {
  const out: KubeCondition[] = [];
  for (const c of next) {
    if (out.some((o) => o.type === c.type)) continue;
    const before = prev?.find((p) => p.type === c.type);
    const observedGeneration = c.observedGeneration ?? generation;
    out.push({
      type: c.type,
      status: c.status,
      reason: c.reason || c.type,
      message: c.message.length > MAX_MESSAGE ? `${c.message.slice(0, MAX_MESSAGE - 1)}…` : c.message,
      lastTransitionTime: before && before.status === c.status && before.lastTransitionTime ? before.lastTransitionTime : now,
      ...(observedGeneration !== undefined ? { observedGeneration } : {}),
    });
  }
  return out.slice(0, MAX_CONDITIONS);
}

function conditionsOf(s: Status | undefined): Array<Partial<KubeCondition>> | undefined {
  return Array.isArray(s?.['conditions']) ? (s['conditions'] as Array<Partial<KubeCondition>>) : undefined;
}

/** Condition types Gatehouse sets on an object itself; any other type is another controller's and is kept. */
const OWN_TYPES = new Set(['Accepted', 'Programmed', 'ResolvedRefs', 'SupportedVersion', 'InsecureFrontendValidationMode', 'Conflicted', 'PartiallyInvalid']);
const isOwn = (type: string | undefined) => !!type && (OWN_TYPES.has(type) || type.startsWith('gatehouse.dev/'));

/** Ours (with times), then the conditions other controllers set (on the object or on one of its listeners), within
 * the CRDs' bound. */
function merged(next: readonly Condition[], prev: Array<Partial<KubeCondition>> | undefined, ctx: StatusContext): Array<Partial<KubeCondition>> {
  const ours = withTimes(next, prev, ctx.now, ctx.generation);
  const foreign = (prev ?? []).filter((c) => !isOwn(c.type) && !ours.some((o) => o.type === c.type));
  return [...ours, ...foreign].slice(0, MAX_CONDITIONS);
}

/** The status to write for `report`'s object, given its current status; undefined when Gatehouse writes none. */
export function desiredStatus(report: ResourceReport, current: Status | undefined, ctx: StatusContext): Status | undefined {
  const kind = report.ref.kind;
  // Policies (BackendTLSPolicy, and plugin policy kinds: any other kind with ancestors) get status.ancestors.
  const policy = kind === 'BackendTLSPolicy' || (!STATUS_KINDS.has(kind) && report.ancestors !== undefined);
  if (!STATUS_KINDS.has(kind) && !policy) return undefined;
  if (kind === 'GatewayClass') {
    const supported = !ctx.bundleVersion || !ctx.supportedVersions || ctx.supportedVersions.includes(ctx.bundleVersion);
    const version: Condition = supported
      ? { type: 'SupportedVersion', status: 'True', reason: 'SupportedVersion', message: ctx.bundleVersion ? `Gateway API ${ctx.bundleVersion}` : '' }
      : {
          type: 'SupportedVersion',
          status: 'False',
          reason: 'UnsupportedVersion',
          message: `the installed Gateway API CRDs are ${ctx.bundleVersion}; Gatehouse supports ${ctx.supportedVersions!.join(', ')}`,
        };
    return { ...current, conditions: merged([...report.conditions, version], conditionsOf(current), ctx) };
  }
  if (kind === 'Gateway' || kind === 'ListenerSet') {
    const prevListeners = Array.isArray(current?.['listeners']) ? (current['listeners'] as Array<{ name: string; conditions?: KubeCondition[] }>) : [];
    return {
      ...current,
      ...(kind === 'Gateway' ? { addresses: ctx.addresses ?? [], attachedListenerSets: report.attachedListenerSets ?? 0 } : {}),
      conditions: merged(report.conditions, conditionsOf(current), ctx),
      listeners: (report.listeners ?? []).slice(0, 64).map((l) => ({
        name: l.name,
        supportedKinds: l.supportedKinds,
        attachedRoutes: l.attachedRoutes,
        conditions: merged(l.conditions, prevListeners.find((p) => p.name === l.name)?.conditions, ctx),
      })),
    };
  }
  if (policy) {
    // Policy status: one entry per ancestor (the Gateways it applies through); other controllers' entries stay.
    type Ancestor = { ancestorRef: Record<string, unknown>; controllerName: string; conditions?: KubeCondition[] };
    const prev = Array.isArray(current?.['ancestors']) ? (current['ancestors'] as Ancestor[]) : [];
    const others = prev.filter((a) => a.controllerName !== CONTROLLER_NAME);
    const ours = (report.ancestors ?? []).map((a) => {
      const before = prev.find((x) => x.controllerName === CONTROLLER_NAME && sameRef(x.ancestorRef, a.ancestorRef));
      return {
        ancestorRef: { ...a.ancestorRef },
        controllerName: CONTROLLER_NAME,
        conditions: withTimes([...a.conditions, ...report.conditions], before?.conditions, ctx.now, ctx.generation),
      };
    });
    return { ...current, ancestors: [...others, ...ours].slice(0, MAX_ANCESTORS) };
  }
  // Routes: our entries replace our old ones; every other controller's stay as they are.
  const prevParents = Array.isArray(current?.['parents'])
    ? (current['parents'] as Array<{ parentRef: Record<string, unknown>; controllerName: string; conditions?: KubeCondition[] }>)
    : [];
  const others = prevParents.filter((p) => p.controllerName !== CONTROLLER_NAME);
  const ours = (report.parents ?? []).map((p) => {
    const parentRef = parentRefOf(p);
    const before = prevParents.find((x) => x.controllerName === CONTROLLER_NAME && sameRef(x.parentRef, parentRef));
    // Resource-level conditions (e.g. Envoy rejected the route: gatehouse.dev/Programmed) belong to every parent.
    return {
      parentRef,
      controllerName: CONTROLLER_NAME,
      conditions: withTimes([...p.conditions, ...report.conditions], before?.conditions, ctx.now, ctx.generation),
    };
  });
  return { ...current, parents: [...others, ...ours].slice(0, MAX_PARENTS) };
}

function parentRefOf(p: RouteParentReport): Record<string, unknown> {
  const r = p.parentRef;
  return {
    group: r.group,
    kind: r.kind,
    namespace: r.namespace,
    name: r.name,
    ...(r.sectionName !== undefined ? { sectionName: r.sectionName } : {}),
    ...(r.port !== undefined ? { port: r.port } : {}),
  };
}

function sameRef(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = ['group', 'kind', 'namespace', 'name', 'sectionName', 'port'];
  return keys.every((k) => (a[k] ?? '') === (b[k] ?? ''));
}
