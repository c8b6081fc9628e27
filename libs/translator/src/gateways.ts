// GatewayClass and Gateway processing: which Gateways are ours, which of their listeners (and of the ListenerSets they
// take) are usable.
import { CONTROLLER_NAME, describeRef, resourcesOfKind, type Gateway, type GatewayClass, type ListenerSet, type ResourceSnapshot, type StoredResource } from '@gatehouse/api';
import { internalError } from './internal-error.js';
import { listenerSetsByGateway, mergeListenerSets, refuseListenerSets, type ListenerSetState } from './listener-sets.js';
import { markConflicts, safeSlot, type ListenerSlot } from './listener-slots.js';
import { cond, type ReportBook } from './report-book.js';

export { SUPPORTED_ROUTE_KINDS, type ListenerSlot } from './listener-slots.js';
export type { ListenerSetState } from './listener-sets.js';

export interface GatewayState {
  stored: StoredResource & { object: Gateway };
  key: string;
  /** Every listener: the Gateway's own, then those of accepted ListenerSets, in precedence order. */
  slots: ListenerSlot[];
  /** ListenerSets attached to it (allowed or not), by `namespace/name`. */
  listenerSets: Map<string, ListenerSetState>;
}

export function acceptedClasses(snapshot: ResourceSnapshot, book: ReportBook): Set<string> {
  const ours = new Set<string>();
  for (const gc of resourcesOfKind<GatewayClass>(snapshot, 'GatewayClass')) {
    if (gc.object.spec?.controllerName !== CONTROLLER_NAME) continue;
    ours.add(gc.ref.name);
    book.entry(gc.ref, gc.object.metadata.generation);
    book.condition(gc.ref, cond('Accepted', true, 'Accepted', 'Handled by Gatehouse', gc.object.metadata.generation));
  }
  return ours;
}

function bindAddress(gw: Gateway, fallback: string): string {
  const ip = gw.spec.addresses?.find((a) => (a.type ?? 'IPAddress') === 'IPAddress');
  return ip?.value ?? fallback;
}

export function processGateways(snapshot: ResourceSnapshot, book: ReportBook, classes: Set<string>, defaultBindAddress: string): GatewayState[] {
  const out: GatewayState[] = [];
  const sets = listenerSetsByGateway(snapshot);
  for (const stored of resourcesOfKind<Gateway>(snapshot, 'Gateway')) {
    try {
      const state = processGateway(snapshot, book, classes, defaultBindAddress, stored, sets.get(`${stored.ref.namespace}/${stored.ref.name}`) ?? []);
      if (state) out.push(state);
    } catch (err) {
      // One Gateway that cannot be processed is rejected; the others are still served.
      book.reject(stored.ref, 'TranslationError', internalError(stored.ref, err));
    }
  }
  return out;
}

function processGateway(
  snapshot: ResourceSnapshot,
  book: ReportBook,
  classes: Set<string>,
  defaultBindAddress: string,
  stored: StoredResource & { object: Gateway },
  sets: ReadonlyArray<StoredResource & { object: ListenerSet }>,
): GatewayState | undefined {
  const gw = stored.object;
  const gen = gw.metadata.generation;
  if (!classes.has(gw.spec?.gatewayClassName)) {
    book.warn(stored.ref, 'NotReconciled', `${describeRef(stored.ref)}: spec.gatewayClassName: GatewayClass "${gw.spec?.gatewayClassName}" does not exist or is not controlled by ${CONTROLLER_NAME}; the Gateway is ignored`);
    return undefined;
  }
  book.entry(stored.ref, gen);
  for (const field of unimplementedGatewayFields(gw)) {
    book.warn(stored.ref, 'UnsupportedValue', `${describeRef(stored.ref)}: ${field} is not implemented by Gatehouse and has no effect`);
  }
  const unsupportedAddress = gw.spec.addresses?.find((a) => (a.type ?? 'IPAddress') !== 'IPAddress');
  if (unsupportedAddress) {
    book.condition(stored.ref, cond('Accepted', false, 'UnsupportedAddress', `spec.addresses: type ${unsupportedAddress.type} is not supported (use IPAddress)`, gen));
    book.condition(stored.ref, cond('Programmed', false, 'Invalid', 'Gateway not accepted', gen));
    refuseListenerSets(book, sets, stored.ref);
    return undefined;
  }
  const address = bindAddress(gw, defaultBindAddress);
  const own: ListenerSlot[] = (gw.spec.listeners ?? []).map((listener) => safeSlot(snapshot, stored.ref, stored.ref, listener.name, listener, address, gen));
  markConflicts(own, gen);
  const { slots, listenerSets } = mergeListenerSets(snapshot, book, stored, sets, own, address);
  const entry = book.entry(stored.ref);
  entry.listeners = own.map((s) => s.report);
  entry.attachedListenerSets = listenerSets.filter((l) => l.accepted).length;
  const usable = slots.some((s) => s.usable);
  book.condition(stored.ref, cond('Accepted', true, 'Accepted', '', gen));
  book.condition(stored.ref, cond('Programmed', usable, usable ? 'Programmed' : 'Invalid', usable ? '' : 'no listener is usable', gen));
  for (const s of own) {
    if (!s.usable) {
      const why = s.report.conditions.find((c) => c.status === (c.type === 'Conflicted' ? 'True' : 'False'));
      book.warn(stored.ref, why?.reason ?? 'Invalid', `${describeRef(stored.ref)}: listener "${s.listener.name}": ${why?.message ?? 'not usable'}`);
    }
  }
  return { stored, key: `${stored.ref.namespace}/${stored.ref.name}`, slots, listenerSets: new Map(listenerSets.map((l) => [`${l.ref.namespace}/${l.ref.name}`, l])) };
}

/** Valid Gateway fields Gatehouse does not implement: named in a warning, never silently ignored. */
function unimplementedGatewayFields(gw: Gateway): string[] {
  const spec = gw.spec as Gateway['spec'] & Record<string, unknown>;
  const out = ['infrastructure', 'backendTLS', 'tls'].filter((f) => spec[f] !== undefined).map((f) => `spec.${f}`);
  for (const [i, l] of (gw.spec.listeners ?? []).entries()) {
    if (l.tls?.options && Object.keys(l.tls.options).length) out.push(`spec.listeners[${i}].tls.options`);
  }
  return out;
}

