// ListenerSets: listeners other teams add to a shared Gateway. A Gateway allows them by namespace
// (spec.allowedListeners: None by default, Same, All, Selector); accepted ones merge into it in the spec's order of
// precedence — the Gateway's own listeners, then ListenerSets oldest first, then by namespace/name — and a listener
// that conflicts with one before it loses (so a new ListenerSet never displaces what is already served).
import {
  GATEWAY_GROUP,
  describeRef,
  resourcesOfKind,
  type Gateway,
  type ListenerSet,
  type ResourceRef,
  type ResourceSnapshot,
  type StoredResource,
} from '@gatehouse/api';
import type { FrontendValidation } from './gateway-tls.js';
import { portKey, setConflicted, safeSlot, type ListenerSlot } from './listener-slots.js';
import { labelsMatch, namespaceLabels } from './namespaces.js';
import { cond, type ReportBook } from './report-book.js';

export interface ListenerSetState {
  ref: ResourceRef;
  /** Whether the Gateway took it (allowed, and at least one listener valid). */
  accepted: boolean;
  slots: ListenerSlot[];
}

type StoredListenerSet = StoredResource & { object: ListenerSet };

/** Every ListenerSet by the Gateway (`namespace/name`) its parentRef names, in precedence order. */
export function listenerSetsByGateway(snapshot: ResourceSnapshot): Map<string, StoredListenerSet[]> {
  const out = new Map<string, StoredListenerSet[]>();
  for (const ls of resourcesOfKind<ListenerSet>(snapshot, 'ListenerSet')) {
    const p = ls.object.spec?.parentRef;
    if (!p || (p.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP || (p.kind ?? 'Gateway') !== 'Gateway') continue;
    const key = `${p.namespace ?? ls.ref.namespace}/${p.name}`;
    out.set(key, [...(out.get(key) ?? []), ls]);
  }
  for (const list of out.values())
    list.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out;
}

function allowedByGateway(snapshot: ResourceSnapshot, gw: StoredResource & { object: Gateway }, ns: string): boolean {
  const allowed = gw.object.spec.allowedListeners?.namespaces;
  switch (allowed?.from ?? 'None') {
    case 'All':
      return true;
    case 'Same':
      return ns === gw.ref.namespace;
    case 'Selector':
      return labelsMatch(allowed?.selector ?? {}, namespaceLabels(snapshot, ns));
    default:
      return false;
  }
}

/** ListenerSets of a Gateway that is not accepted: none of their listeners is served. */
export function refuseListenerSets(book: ReportBook, sets: readonly StoredListenerSet[], gateway: ResourceRef): void {
  for (const ls of sets) {
    const gen = ls.object.metadata.generation;
    const message = `parent ${describeRef(gateway)} is not accepted`;
    book.entry(ls.ref, gen);
    book.condition(ls.ref, cond('Accepted', false, 'ParentNotAccepted', message, gen));
    // Programmed's reason for this is ParentNotProgrammed (v1.7 ListenerSetConditionProgrammed).
    book.condition(ls.ref, cond('Programmed', false, 'ParentNotProgrammed', message, gen));
    book.warn(ls.ref, 'ParentNotAccepted', `${describeRef(ls.ref)}: spec.parentRef: ${message}`);
  }
}

/**
 * Merges the allowed ListenerSets' listeners after `own` (the Gateway's listeners, conflicts among them already
 * marked) and reports on each ListenerSet. Returns the merged slots and the ListenerSets' states.
 */
export function mergeListenerSets(
  snapshot: ResourceSnapshot,
  book: ReportBook,
  gw: StoredResource & { object: Gateway },
  sets: readonly StoredListenerSet[],
  own: ListenerSlot[],
  addresses: readonly string[],
  frontendFor: (port: number) => FrontendValidation | undefined,
): { slots: ListenerSlot[]; listenerSets: ListenerSetState[] } {
  const slots = [...own];
  const states: ListenerSetState[] = [];
  // What each port is claimed by so far: its protocol, and the hostnames served there.
  const ports = new Map<string, { protocol: string; by: string; hostnames: Map<string, string> }>();
  const claim = (s: ListenerSlot, by: string) => {
    let p = ports.get(portKey(s.listener));
    if (!p) ports.set(portKey(s.listener), (p = { protocol: s.listener.protocol, by, hostnames: new Map() }));
    if (!p.hostnames.has(s.listener.hostname ?? '')) p.hostnames.set(s.listener.hostname ?? '', by);
  };
  for (const s of own)
    if (!s.report.conditions.some((c) => c.type === 'Conflicted' && c.status === 'True')) claim(s, `${describeRef(gw.ref)} listener "${s.listener.name}"`);

  for (const ls of sets) {
    const gen = ls.object.metadata.generation;
    const ref = ls.ref;
    book.entry(ref, gen);
    if (!allowedByGateway(snapshot, gw, ref.namespace)) {
      const message = `${describeRef(gw.ref)} does not allow ListenerSets from namespace ${ref.namespace} (spec.allowedListeners)`;
      book.condition(ref, cond('Accepted', false, 'NotAllowed', message, gen));
      book.condition(ref, cond('Programmed', false, 'NotAllowed', message, gen));
      book.warn(ref, 'NotAllowed', `${describeRef(ref)}: ${message}`);
      states.push({ ref, accepted: false, slots: [] });
      continue;
    }
    const mine = (ls.object.spec?.listeners ?? []).map((l) => {
      const frontend = l.protocol === 'HTTPS' ? frontendFor(l.port) : undefined;
      return safeSlot(snapshot, {
        gatewayRef: gw.ref,
        owner: ref,
        key: `ls/${ref.namespace}/${ref.name}/${l.name}`,
        listener: l,
        addresses,
        gen,
        ...(frontend ? { frontend } : {}),
      });
    });
    for (const s of mine) {
      const p = ports.get(portKey(s.listener));
      const host = s.listener.hostname ?? '';
      if (p && p.protocol !== s.listener.protocol) {
        setConflicted(s, 'ProtocolConflict', `port ${s.listener.port} is already ${p.protocol} (${p.by})`, gen, true);
      } else if (p?.hostnames.has(host)) {
        setConflicted(s, 'HostnameConflict', `hostname "${host || '*'}" on port ${s.listener.port} is already served by ${p.hostnames.get(host)}`, gen, true);
      } else if (s.usable || s.report.conditions.some((c) => c.type === 'Accepted' && c.status === 'True')) {
        claim(s, `${describeRef(ref)} listener "${s.listener.name}"`);
      }
    }
    book.entry(ref).listeners = mine.map((s) => s.report);
    // A ListenerSet is accepted when at least one of its listeners can serve: one whose references do not resolve (a
    // certificate it may not use) does not count (conformance ListenerSetReferenceGrant), unlike on a Gateway.
    const invalid = mine.filter((s) => !s.usable).map((s) => s.listener.name);
    const accepted = invalid.length < mine.length;
    const why = `listeners not valid: ${invalid.join(', ')}`;
    book.condition(ref, cond('Accepted', accepted, accepted && !invalid.length ? 'Accepted' : 'ListenersNotValid', invalid.length ? why : '', gen));
    book.condition(ref, cond('Programmed', accepted, accepted ? 'Programmed' : 'ListenersNotValid', accepted ? '' : why, gen));
    for (const s of mine) {
      if (s.usable) continue;
      const bad = s.report.conditions.find((c) => c.status === (c.type === 'Conflicted' ? 'True' : 'False'));
      book.warn(ref, bad?.reason ?? 'Invalid', `${describeRef(ref)}: listener "${s.listener.name}": ${bad?.message ?? 'not usable'}`);
    }
    states.push({ ref, accepted, slots: mine });
    if (accepted) slots.push(...mine);
  }
  return { slots, listenerSets: states };
}
