// GatewayClass and Gateway processing: which Gateways are ours, and which of their listeners are usable.
import {
  CONTROLLER_NAME,
  GATEWAY_GROUP,
  describeRef,
  resourcesOfKind,
  type Gateway,
  type GatewayClass,
  type Listener,
  type ResourceRef,
  type ResourceSnapshot,
  type StoredResource,
} from '@gatehouse/api';
import type { SecretIR } from '@gatehouse/ir';
import type { ListenerReport } from '@gatehouse/plugin-sdk';
import { resolveCertificates } from './certificates.js';
import { internalError } from './internal-error.js';
import { cond, type ReportBook } from './report-book.js';

const HTTP_KINDS = [{ group: GATEWAY_GROUP, kind: 'HTTPRoute' }, { group: GATEWAY_GROUP, kind: 'GRPCRoute' }];
export const SUPPORTED_ROUTE_KINDS: Record<string, Array<{ group: string; kind: string }>> = {
  HTTP: HTTP_KINDS,
  HTTPS: HTTP_KINDS,
};

/** A Gateway listener that routes can attach to. */
export interface ListenerSlot {
  gatewayRef: ResourceRef;
  listener: Listener;
  /** Envoy listener this slot is merged into (`http-<port>` or `https-<port>`). */
  envoyListener: string;
  /** HTTPS: the listener's certificates. */
  secrets: SecretIR[];
  address: string;
  allowedKinds: Array<{ group: string; kind: string }>;
  report: ListenerReport;
  /** False when the listener is invalid or conflicted: routes cannot attach. */
  usable: boolean;
}

export interface GatewayState {
  stored: StoredResource & { object: Gateway };
  key: string;
  slots: ListenerSlot[];
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
  for (const stored of resourcesOfKind<Gateway>(snapshot, 'Gateway')) {
    try {
      const state = processGateway(snapshot, book, classes, defaultBindAddress, stored);
      if (state) out.push(state);
    } catch (err) {
      // One Gateway that cannot be processed is rejected; the others are still served.
      book.reject(stored.ref, 'TranslationError', internalError(stored.ref, err));
    }
  }
  return out;
}

function processGateway(snapshot: ResourceSnapshot, book: ReportBook, classes: Set<string>, defaultBindAddress: string, stored: StoredResource & { object: Gateway }): GatewayState | undefined {
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
    return undefined;
  }
  const address = bindAddress(gw, defaultBindAddress);
  const slots: ListenerSlot[] = (gw.spec.listeners ?? []).map((listener) => safeSlot(snapshot, stored.ref, listener, address, gen));
  markConflicts(slots, gen);
  book.entry(stored.ref).listeners = slots.map((s) => s.report);
  const usable = slots.some((s) => s.usable);
  book.condition(stored.ref, cond('Accepted', true, 'Accepted', '', gen));
  book.condition(stored.ref, cond('Programmed', usable, usable ? 'Programmed' : 'Invalid', usable ? '' : 'no listener is usable', gen));
  for (const s of slots) {
    if (!s.usable) {
      const why = s.report.conditions.find((c) => c.status === (c.type === 'Conflicted' ? 'True' : 'False'));
      book.warn(stored.ref, why?.reason ?? 'Invalid', `${describeRef(stored.ref)}: listener "${s.listener.name}": ${why?.message ?? 'not usable'}`);
    }
  }
  return { stored, key: `${stored.ref.namespace}/${stored.ref.name}`, slots };
}

/** Valid Gateway fields Gatehouse does not implement: named in a warning, never silently ignored. */
function unimplementedGatewayFields(gw: Gateway): string[] {
  const spec = gw.spec as Gateway['spec'] & Record<string, unknown>;
  const out = ['infrastructure', 'backendTLS', 'allowedListeners', 'tls'].filter((f) => spec[f] !== undefined).map((f) => `spec.${f}`);
  for (const [i, l] of (gw.spec.listeners ?? []).entries()) {
    if (l.tls?.options && Object.keys(l.tls.options).length) out.push(`spec.listeners[${i}].tls.options`);
  }
  return out;
}

/** A listener whose processing throws is refused on its own; the Gateway's other listeners are still served. */
function safeSlot(snapshot: ResourceSnapshot, gatewayRef: ResourceRef, listener: Listener, address: string, gen?: number): ListenerSlot {
  try {
    return makeSlot(snapshot, gatewayRef, listener, address, gen);
  } catch (err) {
    const message = internalError(gatewayRef, err).replace(describeRef(gatewayRef), `listener "${listener.name}"`);
    const report: ListenerReport = { name: listener.name, attachedRoutes: 0, supportedKinds: [], conditions: [cond('Accepted', false, 'Invalid', message, gen), cond('Programmed', false, 'Invalid', message, gen)] };
    return { gatewayRef, listener, envoyListener: '', address, secrets: [], allowedKinds: [], report, usable: false };
  }
}

function makeSlot(snapshot: ResourceSnapshot, gatewayRef: ResourceRef, listener: Listener, address: string, gen?: number): ListenerSlot {
  const supported = SUPPORTED_ROUTE_KINDS[listener.protocol];
  const report: ListenerReport = { name: listener.name, attachedRoutes: 0, supportedKinds: [], conditions: [] };
  const envoyListener = `${listener.protocol === 'HTTPS' ? 'https' : 'http'}-${listener.port}`;
  const slot: ListenerSlot = { gatewayRef, listener, envoyListener, address, secrets: [], allowedKinds: [], report, usable: false };
  if (!supported) {
    report.conditions.push(
      cond('Accepted', false, 'UnsupportedProtocol', `protocol ${listener.protocol} is not supported yet (supported: ${Object.keys(SUPPORTED_ROUTE_KINDS).join(', ')})`, gen),
      cond('Programmed', false, 'Invalid', 'listener not accepted', gen),
    );
    return slot;
  }
  const requested = listener.allowedRoutes?.kinds;
  const allowed = requested
    ? supported.filter((s) => requested.some((r) => r.kind === s.kind && (r.group ?? GATEWAY_GROUP) === s.group))
    : supported;
  const invalidKinds = requested?.filter((r) => !supported.some((s) => s.kind === r.kind && s.group === (r.group ?? GATEWAY_GROUP))) ?? [];
  slot.allowedKinds = allowed;
  report.supportedKinds = allowed;
  let certProblem: { reason: string; message: string } | undefined;
  if (listener.protocol === 'HTTPS') {
    if ((listener.tls?.mode ?? 'Terminate') !== 'Terminate') {
      report.conditions.push(cond('Accepted', false, 'UnsupportedValue', 'tls.mode: HTTPS listeners terminate TLS (Passthrough needs protocol TLS and TLSRoutes)', gen), cond('Programmed', false, 'Invalid', 'listener not accepted', gen));
      return slot;
    }
    const certs = resolveCertificates(snapshot, gatewayRef, listener);
    slot.secrets = certs.secrets;
    certProblem = certs.problem;
    if (certProblem && certs.secrets.length === 0) {
      report.conditions.push(
        cond('ResolvedRefs', false, certProblem.reason, certProblem.message, gen),
        cond('Accepted', true, 'Accepted', '', gen),
        cond('Conflicted', false, 'NoConflicts', '', gen),
        cond('Programmed', false, 'Invalid', `no usable certificate: ${certProblem.message}`, gen),
      );
      return slot;
    }
  }
  // A certificate problem wins (the listener still serves with its usable certificates), then route kinds.
  if (certProblem) {
    report.conditions.push(cond('ResolvedRefs', false, certProblem.reason, certProblem.message, gen));
  } else if (invalidKinds.length > 0) {
    report.conditions.push(cond('ResolvedRefs', false, 'InvalidRouteKinds', `route kinds not supported on ${listener.protocol}: ${invalidKinds.map((k) => k.kind).join(', ')}`, gen));
  } else {
    report.conditions.push(cond('ResolvedRefs', true, 'ResolvedRefs', '', gen));
  }
  report.conditions.push(cond('Accepted', true, 'Accepted', '', gen), cond('Conflicted', false, 'NoConflicts', '', gen), cond('Programmed', true, 'Programmed', '', gen));
  slot.usable = allowed.length > 0;
  return slot;
}

/** Listeners on one port must agree on protocol, and HTTP listeners on one port need distinct hostnames. */
function markConflicts(slots: ListenerSlot[], gen?: number): void {
  const byPort = new Map<number, ListenerSlot[]>();
  for (const s of slots) byPort.set(s.listener.port, [...(byPort.get(s.listener.port) ?? []), s]);
  for (const group of byPort.values()) {
    const protocols = new Set(group.map((s) => s.listener.protocol));
    if (protocols.size > 1) {
      for (const s of group) setConflicted(s, 'ProtocolConflict', `port ${s.listener.port} is used with protocols ${[...protocols].join(', ')}`, gen);
      continue;
    }
    const seen = new Map<string, string>();
    for (const s of group) {
      const host = s.listener.hostname ?? '';
      const first = seen.get(host);
      if (first !== undefined) setConflicted(s, 'HostnameConflict', `listener "${first}" already serves hostname "${host || '*'}" on port ${s.listener.port}`, gen);
      else seen.set(host, s.listener.name);
    }
  }
}

function setConflicted(s: ListenerSlot, reason: string, message: string, gen?: number): void {
  s.usable = false;
  s.report.conditions = s.report.conditions
    .filter((c) => c.type !== 'Conflicted' && c.type !== 'Programmed')
    .concat(cond('Conflicted', true, reason, message, gen), cond('Programmed', false, 'Invalid', message, gen));
}
