// Envoy resources the control plane refuses to serve (they fail strict encoding, or reference something missing) are
// traced through the translation's provenance to the source resources that produced them, and reported on those:
// never only logged. The publisher leaves them out and serves the rest, as the NACK quarantine does.
import { describeRef, resourceKey, type Condition, type ResourceRef } from '@gatehouse/api';
import type { Provenance } from '@gatehouse/engine';
import type { ResourceReport, XdsTypeUrl } from '@gatehouse/plugin-sdk';
import { CLUSTER_TYPE, ENDPOINT_TYPE, ROUTE_TYPE } from '@gatehouse/xds';
import { describeEnvoy, type EnvoyProblem } from './dangling-references.js';

export type RefusalReason = 'PluginError' | 'InvalidEnvoyConfig';

export interface EnvoyRefusal {
  gateway: string;
  /** The source resource reported as rejected. */
  ref: ResourceRef;
  /**
   * `source`: left out of translation (the gateway's other resources are served); `envoy-resource`: the Envoy resource
   * (and listeners naming it) left out of the gateway's snapshot; `held`: the gateway keeps its previous snapshot.
   */
  scope: 'source' | 'envoy-resource' | 'held';
  typeUrl: string;
  envoyName: string;
  path: string;
  why: string;
  check: EnvoyProblem['check'];
  /** Plugins that shaped the Envoy resource (provenance `shapedBy`), when known. */
  plugins: string[];
  reason: RefusalReason;
  /** `<Kind ns/name>: Envoy <type> <name> fails strict encoding at <path>: <why> (shaped by plugin "x")`. */
  message: string;
  /** The resource's report from the translation that still held it (its parents), for status. */
  report?: ResourceReport;
}

const ROUTE_KINDS = new Set(['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute']);
const MAX_WHY = 400;

// A strict-encoder path: a type name, then fields, indexes, map keys and Any bodies (`<Type>`).
const PATH = /^[A-Za-z_]\w*(?:\.[\w@]+|\[\d+\]|\["(?:[^"\\]|\\.)*"\]|<[\w.]+>)*/;

/** An EncodeError message (`<path>: <why>`) as its parts. */
export function splitEncodeMessage(message: string): { path: string; why: string } {
  const m = PATH.exec(message);
  if (m && message.startsWith(': ', m[0].length)) return { path: m[0], why: message.slice(m[0].length + 2) };
  return { path: '(resource)', why: message };
}

/** The `name` of every object the path passes through (route and virtual host names), outermost first. */
function namesAlong(message: Record<string, unknown> | undefined, path: string): { names: string[]; last: unknown; named: object | undefined } {
  const names: string[] = [];
  let at: unknown = message;
  let named: object | undefined;
  const visit = () => {
    const n = (at as { name?: unknown } | null | undefined)?.name;
    if (typeof n === 'string') {
      names.push(n);
      named = at as object;
    }
  };
  visit();
  for (const step of path
    .slice(path.search(/[.[<]/) < 0 ? path.length : path.search(/[.[<]/))
    .matchAll(/\.([\w@]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|<[\w.]+>/g)) {
    if (at === null || typeof at !== 'object') break;
    const key = step[1] ?? step[2] ?? (step[3] !== undefined ? (JSON.parse(`"${step[3]}"`) as string) : undefined);
    if (key === undefined) continue; // an Any body is the same object
    at = (at as Record<string, unknown>)[key];
    visit();
  }
  return { names, last: at, named };
}

/** Every `name` under an object (bounded), for a failure above the route level. */
function namesUnder(o: unknown, out: string[] = [], budget = { left: 10_000 }): string[] {
  if (o === null || typeof o !== 'object' || --budget.left < 0) return out;
  if (Array.isArray(o)) for (const x of o) namesUnder(x, out, budget);
  else
    for (const [k, v] of Object.entries(o))
      if (k === 'name' && typeof v === 'string') out.push(v);
      else namesUnder(v, out, budget);
  return out;
}

/** Route names are `<namespace>/<name>/rule/<i>/match/<j>`: the source a name belongs to. */
function owns(ref: ResourceRef, name: string): boolean {
  return name.startsWith(`${ref.namespace}/${ref.name}/`);
}

/**
 * The sources to blame for a problem in one Envoy resource: the tenants (non-Gateway sources) whose routes lie on the
 * field path; else those under the deepest object on the path; for a cluster, the upstream's own sources rather than
 * the routes using it; else every tenant. No tenant: the Gateway, and the Envoy resource itself is left out.
 */
export function blame(
  provenance: Provenance,
  p: EnvoyProblem,
  message: Record<string, unknown> | undefined,
  gateway: ResourceRef,
): { refs: ResourceRef[]; scope: 'source' | 'envoy-resource' } {
  const sources = provenance.sources(p.typeUrl as XdsTypeUrl, p.name);
  const tenants = sources.filter((r) => r.kind !== 'Gateway' && r.kind !== 'ListenerSet');
  if (tenants.length === 0) return { refs: [sources.find((r) => r.kind === 'Gateway') ?? gateway], scope: 'envoy-resource' };
  const { names, last } = namesAlong(message, p.path);
  let refs = tenants.filter((t) => names.some((n) => owns(t, n)));
  if (refs.length === 0 && p.typeUrl === ROUTE_TYPE) {
    const under = namesUnder(last);
    refs = tenants.filter((t) => under.some((n) => owns(t, n)));
  }
  if (refs.length === 0 && (p.typeUrl === CLUSTER_TYPE || p.typeUrl === ENDPOINT_TYPE)) refs = tenants.filter((t) => !ROUTE_KINDS.has(t.kind));
  return { refs: refs.length ? refs : tenants, scope: 'source' };
}

/**
 * Plugins that shaped an Envoy resource, if the provenance records them (`shapedBy`). `element` is the innermost named
 * object on the failing path (a route, a virtual host, the resource): a provenance that can tell who shaped that
 * object answers for it alone; one that cannot ignores it and answers for the whole resource.
 */
export function shapedBy(provenance: Provenance, typeUrl: string, name: string, element?: object): string[] {
  const read = (provenance as { shapedBy?: (type: XdsTypeUrl, name: string, element?: object) => Iterable<string> | undefined }).shapedBy;
  if (typeof read !== 'function') return [];
  return [...new Set(read.call(provenance, typeUrl as XdsTypeUrl, name, element) ?? [])];
}

export function refusalMessage(ref: ResourceRef, p: EnvoyProblem, plugins: readonly string[]): string {
  const what = p.check === 'encoding' ? 'fails strict encoding' : 'fails the consistency check';
  const why = p.why.length > MAX_WHY ? `${p.why.slice(0, MAX_WHY)}…` : p.why;
  const by = plugins.length ? ` (shaped by plugin${plugins.length > 1 ? 's' : ''} ${plugins.map((n) => `"${n}"`).join(', ')})` : '';
  return `${describeRef(ref)}: ${describeEnvoy(p.typeUrl, p.name)} ${what} at ${p.path}: ${why}${by}`;
}

/** One refusal per blamed source. */
export function refusalsFor(
  gatewayKey: string,
  gateway: ResourceRef,
  provenance: Provenance,
  p: EnvoyProblem,
  message: Record<string, unknown> | undefined,
  reports: ReadonlyMap<string, ResourceReport>,
): EnvoyRefusal[] {
  const { refs, scope } = blame(provenance, p, message, gateway);
  const plugins = shapedBy(provenance, p.typeUrl, p.name, namesAlong(message, p.path).named);
  return refs.map((ref) => {
    const report = reports.get(resourceKey(ref));
    return {
      gateway: gatewayKey,
      ref,
      scope,
      typeUrl: p.typeUrl,
      envoyName: p.name,
      path: p.path,
      why: p.why,
      check: p.check,
      plugins,
      reason: plugins.length ? 'PluginError' : 'InvalidEnvoyConfig',
      message: refusalMessage(ref, p, plugins),
      ...(report ? { report } : {}),
    };
  });
}

/**
 * Reports with the refusals on them: each refused resource rejected with a `gatehouse.dev/Programmed` False condition
 * (reason PluginError or InvalidEnvoyConfig) and the message; on a route, every parent says Accepted False too. A
 * source left out of translation gets its report from the translation that still held it.
 */
export function annotateRefusals(reports: ResourceReport[], refusals: readonly EnvoyRefusal[]): ResourceReport[] {
  if (refusals.length === 0) return reports;
  const byKey = new Map(reports.map((r) => [resourceKey(r.ref), r]));
  const own = new Map<string, ResourceReport>();
  for (const f of refusals) {
    const key = resourceKey(f.ref);
    let r = own.get(key);
    if (!r) {
      const base = byKey.get(key) ?? f.report;
      r = base
        ? {
            ...base,
            messages: [...base.messages],
            conditions: [...base.conditions],
            ...(base.parents ? { parents: base.parents.map((p) => ({ ...p, conditions: [...p.conditions] })) } : {}),
          }
        : { ref: f.ref, state: 'rejected', messages: [], conditions: [] };
      own.set(key, r);
      byKey.set(key, r);
    }
    r.state = 'rejected';
    if (!r.messages.includes(f.message)) r.messages.push(f.message);
    const c: Condition = {
      type: 'gatehouse.dev/Programmed',
      status: 'False',
      reason: f.reason,
      message: r.messages.filter((m) => refusals.some((x) => x.message === m)).join('; '),
    };
    r.conditions = r.conditions.filter((x) => x.type !== c.type).concat(c);
    if (f.ref.kind === 'Gateway')
      r.conditions = r.conditions.filter((x) => x.type !== 'Programmed').concat({ type: 'Programmed', status: 'False', reason: 'Invalid', message: c.message });
    if (ROUTE_KINDS.has(f.ref.kind) && f.scope === 'source') {
      for (const p of r.parents ?? [])
        p.conditions = p.conditions.filter((x) => x.type !== 'Accepted').concat({ type: 'Accepted', status: 'False', reason: f.reason, message: f.message });
    }
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r);
}
