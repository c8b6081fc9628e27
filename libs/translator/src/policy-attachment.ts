// Policies of plugin-owned kinds, attached by spec.targetRefs (GEP-713 direct attachment) to a Gateway, one of its
// listeners (sectionName), a ListenerSet (or one of its listeners), an HTTPRoute/GRPCRoute or one of its named rules,
// always in the policy's own namespace. The effective policy of a kind at an IR node is the most specific one:
// rule > route > listener > gateway; within one target the oldest (then namespace/name) wins and the others are
// Conflicted. Pure: resolved once per full translation (what it reads is a full translation's dependency), status
// recorded per ancestor Gateway.
import {
  GATEWAY_GROUP,
  describeRef,
  resourceKey,
  resourcesOfKind,
  type KubeObject,
  type ResourceRef,
  type ResourceSnapshot,
  type StoredResource,
} from '@gatehouse/api';
import type { HttpListenerIR, RouteIR, VirtualHostIR } from '@gatehouse/ir';
import { policyKey, type AttachedPolicy, type PolicyScope } from '@gatehouse/plugin-sdk';
import type { GatewayState, ListenerSlot } from './gateways.js';
import type { ListenerSetState } from './listener-sets.js';
import { compareDomains, hostnameApplies } from './hostnames.js';
import { recordPolicyStatus, type Outcome } from './policy-status.js';
import type { ReportBook } from './report-book.js';

/** A policy kind (a plugin kind with `attach: 'targetRefs'`). */
export interface PolicyKindRef {
  group: string;
  kind: string;
}

/** The policy kinds of `plugins`: group and kind read from each CRD (already checked when the plugin was loaded). */
export function policyKinds(plugins: ReadonlyArray<{ kinds?: ReadonlyArray<{ crd: KubeObject; attach: string }> }>): PolicyKindRef[] {
  const out: PolicyKindRef[] = [];
  for (const p of plugins) {
    for (const k of p.kinds ?? []) {
      if (k.attach !== 'targetRefs') continue;
      const spec = k.crd['spec'] as { group?: unknown; names?: { kind?: unknown } } | undefined;
      if (typeof spec?.group === 'string' && typeof spec.names?.kind === 'string') out.push({ group: spec.group, kind: spec.names.kind });
    }
  }
  return out;
}

/** One policy that won a target. */
interface Applied {
  key: string;
  source: ResourceRef;
  spec: Record<string, unknown>;
  createdAt: string;
}

/** Target id → policy key (`Kind.group`) → the policies naming it, winner first. */
type Targets = Map<string, Map<string, Applied[]>>;

type Stored = StoredResource & { object: KubeObject & { spec?: { targetRefs?: unknown } } };
const TARGET_KINDS = ['Gateway', 'ListenerSet', 'HTTPRoute', 'GRPCRoute'];
const byAge = (a: { createdAt: string; key: string }, b: { createdAt: string; key: string }) =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

const gatewayId = (g: ResourceRef) => `gateway:${g.namespace}/${g.name}`;
const slotId = (s: ListenerSlot) => `listener:${s.gatewayRef.namespace}/${s.gatewayRef.name}/${s.key}`;
const routeId = (route: ResourceRef) => `route:${resourceKey(route)}`;
const ruleId = (route: ResourceRef, rule: number) => `rule:${resourceKey(route)}#${rule}`;

/** Attached policies by target, ready to be put into IR nodes. */
export class PolicyAttachment {
  private readonly routeCopies = new WeakMap<RouteIR, Map<string, RouteIR>>();

  private constructor(private readonly targets: Targets) {}

  static readonly NONE = new PolicyAttachment(new Map());

  /** Reads every policy of `kinds` from `snapshot`, settles conflicts and records each policy's status in `book`. */
  static resolve(snapshot: ResourceSnapshot, kinds: readonly PolicyKindRef[], gateways: readonly GatewayState[], book: ReportBook): PolicyAttachment {
    if (kinds.length === 0) return PolicyAttachment.NONE;
    const byKey = new Map(gateways.map((g) => [g.key, g]));
    const listenerSets = new Map(gateways.flatMap((g) => [...g.listenerSets].map(([k, set]) => [k, { gateway: g, set }] as const)));
    const claims = new Map<string, Array<{ policy: Stored; pkey: string; ancestor: ResourceRef; at: string }>>();
    const outcomes = new Map<string, Outcome[]>();
    const policies: Stored[] = [];
    const note = (p: Stored, o: Outcome) => outcomes.set(p.key, [...(outcomes.get(p.key) ?? []), o]);
    for (const { group, kind } of kinds) {
      const pkey = policyKey(group, kind);
      for (const p of resourcesOfKind(snapshot, kind) as Stored[]) {
        if (p.object.apiVersion.split('/')[0] !== group) continue;
        policies.push(p);
        const refs = Array.isArray(p.object.spec?.targetRefs) ? (p.object.spec.targetRefs as Array<Record<string, unknown>>) : [];
        if (refs.length === 0)
          note(p, { kind: 'invalid', at: 'spec.targetRefs', message: 'names no target: list the Gateway, listener, HTTPRoute or rule it applies to' });
        for (const [i, t] of refs.entries()) {
          const at = `spec.targetRefs[${i}]`;
          const tgroup = typeof t['group'] === 'string' ? t['group'] : '';
          const tkind = typeof t['kind'] === 'string' ? t['kind'] : '';
          const name = typeof t['name'] === 'string' ? t['name'] : '';
          const section = typeof t['sectionName'] === 'string' ? t['sectionName'] : undefined;
          if (tgroup !== GATEWAY_GROUP || !TARGET_KINDS.includes(tkind)) {
            note(p, {
              kind: 'invalid',
              at,
              message: `${`${tgroup}/${tkind}`.slice(0, 128)} is not a kind policies attach to (${TARGET_KINDS.join(', ')} of ${GATEWAY_GROUP})`,
            });
            continue;
          }
          const ns = p.ref.namespace;
          const target = { kind: tkind, namespace: ns, name };
          const found = locate(snapshot, byKey, listenerSets, target, section);
          if ('missing' in found) {
            note(p, { kind: 'notfound', at, message: found.missing, ancestor: found.ancestor ?? { kind: tkind, namespace: ns, name } });
            continue;
          }
          for (const id of found.ids) claims.set(id, [...(claims.get(id) ?? []), ...found.ancestors.map((ancestor) => ({ policy: p, pkey, ancestor, at }))]);
          if (found.ancestors.length === 0)
            note(p, { kind: 'unattached', at, message: `${describeRef(target)} is not attached to any Gateway Gatehouse serves` });
        }
      }
    }
    const targets: Targets = new Map();
    for (const [id, list] of claims) {
      const perKind = new Map<string, typeof list>();
      for (const c of list) perKind.set(c.pkey, [...(perKind.get(c.pkey) ?? []), c]);
      for (const [pkey, cs] of perKind) {
        const order = [...new Map(cs.map((c) => [c.policy.key, c.policy])).values()].sort(byAge);
        const winner = order[0]!;
        let m = targets.get(id);
        if (!m) targets.set(id, (m = new Map()));
        m.set(
          pkey,
          order.map((p) => ({ key: p.key, source: p.ref, spec: (p.object.spec ?? {}) as Record<string, unknown>, createdAt: p.createdAt })),
        );
        for (const c of cs)
          note(
            c.policy,
            c.policy === winner
              ? { kind: 'ok', at: c.at, ancestor: c.ancestor }
              : {
                  kind: 'conflicted',
                  at: c.at,
                  ancestor: c.ancestor,
                  message: `${describeRef(winner.ref)} applies to the same target and takes precedence (older, or first by namespace/name)`,
                },
          );
      }
    }
    for (const p of policies) recordPolicyStatus(book, p.ref, p.object.metadata.generation, outcomes.get(p.key) ?? []);
    return new PolicyAttachment(targets);
  }

  /** Whether any policy attached anywhere (when not, every node stays as it is). */
  get empty(): boolean {
    return this.targets.size === 0;
  }

  /** `route` with the policies effective for it where it attached through `slot` (the same object when none). */
  route(route: RouteIR, slot: ListenerSlot): RouteIR {
    if (this.empty) return route;
    const policies = this.effective([
      ['rule', [ruleId(route.source, route.ruleIndex)]],
      ['route', [routeId(route.source)]],
      ['listener', [slotId(slot)]],
      ['gateway', [gatewayId(slot.gatewayRef)]],
    ]);
    const sig = signature(policies);
    if (!sig) return route;
    let copies = this.routeCopies.get(route);
    if (!copies) this.routeCopies.set(route, (copies = new Map()));
    let copy = copies.get(sig);
    if (!copy) copies.set(sig, (copy = { ...route, policies: { ...route.policies, ...policies } }));
    return copy;
  }

  /**
   * `vhost` with the listener and gateway policies of the Gateway listener its domain belongs to. `tableKey` is the
   * route table it is in: an HTTP Envoy listener's name, or `<Envoy listener>/<slot key>` for an HTTPS listener;
   * without it, the most specific listener for the domain on any port.
   */
  virtualHost(vhost: VirtualHostIR, gateway: GatewayState, tableKey?: string): VirtualHostIR {
    if (this.empty) return vhost;
    const domain = vhost.domains[0] ?? '*';
    const slot =
      (tableKey !== undefined ? gateway.slots.find((s) => `${s.envoyListener}/${s.key}` === tableKey) : undefined) ?? ownerSlot(gateway, tableKey, domain);
    const policies = this.effective([
      ['listener', slot ? [slotId(slot)] : []],
      ['gateway', [gatewayId(gateway.stored.ref)]],
    ]);
    return signature(policies) ? { ...vhost, policies: { ...vhost.policies, ...policies } } : vhost;
  }

  /**
   * `listener` with its listener-scope policy (when one policy applies to every Gateway listener merged into this Envoy
   * listener: one on a single hostname's listener stays on that listener's virtual hosts), then the Gateway's.
   */
  listener(listener: HttpListenerIR, gateway: GatewayState): HttpListenerIR {
    if (this.empty) return listener;
    const slots = gateway.slots.filter((s) => s.usable && s.envoyListener === listener.name);
    const policies = this.effective(
      [
        ['listener', slots.map(slotId)],
        ['gateway', [gatewayId(gateway.stored.ref)]],
      ],
      true,
    );
    return signature(policies) ? { ...listener, policies: { ...listener.policies, ...policies } } : listener;
  }

  /**
   * Per policy kind: the winner of the most specific scope that has one; `merged` lists each scope's winner. A scope
   * with several targets has the oldest of their winners, or, with `unanimous`, a winner only when it wins them all.
   */
  private effective(scopes: Array<[PolicyScope, string[]]>, unanimous = false): Record<string, AttachedPolicy> {
    const merged = new Map<string, AttachedPolicy['merged']>();
    for (const [scope, ids] of scopes) {
      const winners = new Map<string, Applied>();
      const split = new Set<string>();
      for (const id of ids) {
        for (const [pkey, list] of this.targets.get(id) ?? []) {
          const w = list[0]!;
          const cur = winners.get(pkey);
          if (cur && cur.key !== w.key) split.add(pkey);
          if (!cur || byAge(w, cur) < 0) winners.set(pkey, w);
        }
      }
      if (unanimous) for (const [pkey] of winners) if (split.has(pkey) || ids.some((id) => !this.targets.get(id)?.has(pkey))) winners.delete(pkey);
      for (const [pkey, w] of winners) merged.set(pkey, [...(merged.get(pkey) ?? []), { spec: w.spec, source: w.source, scope }]);
    }
    const out: Record<string, AttachedPolicy> = {};
    for (const pkey of [...merged.keys()].sort()) {
      const list = merged.get(pkey)!;
      out[pkey] = { ...list[0]!, merged: list };
    }
    return out;
  }
}

/** The Gateway listener (among those on an HTTP Envoy listener, or all) whose hostname is the most specific for `domain`. */
function ownerSlot(gateway: GatewayState, envoyListener: string | undefined, domain: string): ListenerSlot | undefined {
  let best: ListenerSlot | undefined;
  for (const s of gateway.slots) {
    if (!s.usable || (envoyListener !== undefined ? s.envoyListener !== envoyListener : s.listener.protocol !== 'HTTP' && s.listener.protocol !== 'HTTPS'))
      continue;
    const h = s.listener.hostname ?? '*';
    if (hostnameApplies(h, domain) && (!best || compareDomains(h, best.listener.hostname ?? '*') < 0)) best = s;
  }
  return best;
}

function signature(policies: Record<string, AttachedPolicy>): string {
  return Object.entries(policies)
    .map(([k, p]) => `${k}=${p.merged.map((m) => `${m.scope}:${resourceKey(m.source)}`).join(',')}`)
    .join(';');
}

type Located = { ids: string[]; ancestors: ResourceRef[] } | { missing: string; ancestor?: ResourceRef };

/** The target ids a targetRef names, and the Gateways it reaches (its ancestors); or why it names nothing. */
function locate(
  snapshot: ResourceSnapshot,
  gateways: ReadonlyMap<string, GatewayState>,
  listenerSets: ReadonlyMap<string, { gateway: GatewayState; set: ListenerSetState }>,
  target: ResourceRef,
  section: string | undefined,
): Located {
  const key = `${target.namespace}/${target.name}`;
  if (target.kind === 'Gateway') {
    const gw = gateways.get(key);
    if (!gw) return { missing: `${describeRef(target)} not found (or not a Gateway Gatehouse serves)` };
    const ancestors = [gw.stored.ref];
    if (section === undefined) return { ids: [gatewayId(gw.stored.ref)], ancestors };
    const slot = gw.slots.find((s) => s.owner === gw.stored.ref && s.listener.name === section);
    return slot
      ? { ids: [slotId(slot)], ancestors }
      : { missing: `${describeRef(target)} has no listener named "${section.slice(0, 253)}"`, ancestor: gw.stored.ref };
  }
  if (target.kind === 'ListenerSet') {
    const ls = listenerSets.get(key);
    if (!ls?.set.accepted)
      return {
        missing: `${describeRef(target)} not found (or not accepted by a Gateway Gatehouse serves)`,
        ...(ls ? { ancestor: ls.gateway.stored.ref } : {}),
      };
    const slots = ls.set.slots.filter((s) => section === undefined || s.listener.name === section);
    if (slots.length === 0)
      return { missing: `${describeRef(target)} has no listener named "${String(section).slice(0, 253)}"`, ancestor: ls.gateway.stored.ref };
    return { ids: slots.map(slotId), ancestors: [ls.gateway.stored.ref] };
  }
  const route = snapshot.resources.get(resourceKey(target));
  if (!route) return { missing: `${describeRef(target)} not found` };
  const spec = (route.object['spec'] ?? {}) as {
    rules?: Array<{ name?: string }>;
    parentRefs?: Array<{ group?: string; kind?: string; namespace?: string; name: string }>;
  };
  const ancestors = new Map<string, ResourceRef>();
  for (const p of spec.parentRefs ?? []) {
    if ((p.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP) continue;
    const pk = `${p.namespace ?? target.namespace}/${p.name}`;
    const gw = (p.kind ?? 'Gateway') === 'Gateway' ? gateways.get(pk) : p.kind === 'ListenerSet' ? listenerSets.get(pk)?.gateway : undefined;
    if (gw) ancestors.set(gw.key, gw.stored.ref);
  }
  const list = [...ancestors.keys()].sort().map((k) => ancestors.get(k)!);
  if (section === undefined) return { ids: [routeId(target)], ancestors: list };
  const rule = (spec.rules ?? []).findIndex((r) => r.name === section);
  if (rule < 0) return { missing: `${describeRef(target)} has no rule named "${section.slice(0, 253)}"`, ...(list[0] ? { ancestor: list[0] } : {}) };
  return { ids: [ruleId(target, rule)], ancestors: list };
}
