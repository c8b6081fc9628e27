// GatewayClass and Gateway processing: which Gateways are ours, which of their listeners (and of the ListenerSets they
// take) are usable.
import {
  CONTROLLER_NAME,
  describeRef,
  resourcesOfKind,
  type Gateway,
  type GatewayClass,
  type ListenerSet,
  type ResourceSnapshot,
  type StoredResource,
} from '@gatehouse/api';
import type { SecretIR } from '@gatehouse/ir';
import { planAddresses } from './gateway-addresses.js';
import { backendClientCertificate, frontendValidation, type FrontendValidation } from './gateway-tls.js';
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
  /** spec.tls.backend: the client certificate presented to TLS backends. */
  backendClientCert?: SecretIR;
  /** spec.infrastructure labels and annotations. */
  infrastructure?: { labels: Record<string, string>; annotations: Record<string, string> };
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

export interface GatewayOptions {
  /** Where a Gateway without spec.addresses binds. */
  defaultBindAddress: string;
  /** Whether the proxy host has an IP address (AddressNotUsable otherwise); by default every address is usable. */
  addressUsable?: (address: string) => boolean;
  /** False: listeners bind the default address whatever spec.addresses says (Envoy provisioned behind a Service). */
  bindGatewayAddresses?: boolean;
}

export function processGateways(snapshot: ResourceSnapshot, book: ReportBook, classes: Set<string>, options: GatewayOptions): GatewayState[] {
  const out: GatewayState[] = [];
  const sets = listenerSetsByGateway(snapshot);
  for (const stored of resourcesOfKind<Gateway>(snapshot, 'Gateway')) {
    try {
      const state = processGateway(snapshot, book, classes, options, stored, sets.get(`${stored.ref.namespace}/${stored.ref.name}`) ?? []);
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
  options: GatewayOptions,
  stored: StoredResource & { object: Gateway },
  sets: ReadonlyArray<StoredResource & { object: ListenerSet }>,
): GatewayState | undefined {
  const gw = stored.object;
  const gen = gw.metadata.generation;
  if (!classes.has(gw.spec?.gatewayClassName)) {
    book.warn(
      stored.ref,
      'NotReconciled',
      `${describeRef(stored.ref)}: spec.gatewayClassName: GatewayClass "${gw.spec?.gatewayClassName}" does not exist or is not controlled by ${CONTROLLER_NAME}; the Gateway is ignored`,
    );
    return undefined;
  }
  book.entry(stored.ref, gen);
  for (const field of unimplementedGatewayFields(gw)) {
    book.warn(stored.ref, 'UnsupportedValue', `${describeRef(stored.ref)}: ${field} is not implemented by Gatehouse and has no effect`);
  }
  const plan =
    options.bindGatewayAddresses === false
      ? { bind: [options.defaultBindAddress], unusable: [] }
      : planAddresses(gw, options.defaultBindAddress, options.addressUsable ?? (() => true));
  if (plan.unsupported) {
    const what = `spec.addresses: type ${plan.unsupported.type.slice(0, 64)} is not supported (use IPAddress)`;
    book.condition(stored.ref, cond('Accepted', false, 'UnsupportedAddress', what, gen));
    book.condition(stored.ref, cond('Programmed', false, 'Invalid', 'Gateway not accepted', gen));
    book.warn(stored.ref, 'UnsupportedAddress', `${describeRef(stored.ref)}: ${what}`);
    refuseListenerSets(book, sets, stored.ref);
    return undefined;
  }
  if (plan.bind.length === 0) {
    const what = `spec.addresses: ${plan.unusable.join(', ')} ${plan.unusable.length > 1 ? 'are' : 'is'} not an address of the proxy's host`;
    book.condition(stored.ref, cond('Accepted', true, 'Accepted', '', gen));
    book.condition(stored.ref, cond('Programmed', false, 'AddressNotUsable', what, gen));
    book.warn(stored.ref, 'AddressNotUsable', `${describeRef(stored.ref)}: ${what}; nothing is served`);
    refuseListenerSets(book, sets, stored.ref);
    return undefined;
  }
  const frontends = new Map<number, FrontendValidation | undefined>();
  const frontendFor = (port: number) => {
    if (!frontends.has(port)) frontends.set(port, frontendValidation(snapshot, stored, port));
    return frontends.get(port);
  };
  const own: ListenerSlot[] = (gw.spec.listeners ?? []).map((listener) => {
    const frontend = listener.protocol === 'HTTPS' ? frontendFor(listener.port) : undefined;
    return safeSlot(snapshot, {
      gatewayRef: stored.ref,
      owner: stored.ref,
      key: listener.name,
      listener,
      addresses: plan.bind,
      gen,
      ...(frontend ? { frontend } : {}),
    });
  });
  markConflicts(own, gen);
  const { slots, listenerSets } = mergeListenerSets(snapshot, book, stored, sets, own, plan.bind, frontendFor);
  const entry = book.entry(stored.ref);
  entry.listeners = own.map((s) => s.report);
  entry.attachedListenerSets = listenerSets.filter((l) => l.accepted).length;
  const usable = slots.some((s) => s.usable);
  // A listener that is not accepted, conflicts or has unresolved references: the reason the spec gives for that
  // (ListenersNotValid), naming them. The Gateway is accepted when at least one of its listeners is (counting those
  // of the ListenerSets it took), not accepted when none is.
  const invalid = own.filter(
    (s) =>
      !s.usable ||
      s.report.conditions.some((c) =>
        c.type === 'Conflicted' ? c.status === 'True' : (c.type === 'Accepted' || c.type === 'ResolvedRefs') && c.status === 'False',
      ),
  );
  const anyAccepted = own.length === 0 || slots.some((s) => s.report.conditions.some((c) => c.type === 'Accepted' && c.status === 'True'));
  const notValid = `listener${invalid.length > 1 ? 's' : ''} ${invalid.map((s) => `"${s.listener.name}"`).join(', ')} ${invalid.length > 1 ? 'are' : 'is'} not valid (see status.listeners)`;
  book.condition(
    stored.ref,
    invalid.length
      ? cond('Accepted', anyAccepted, 'ListenersNotValid', anyAccepted ? notValid : `no listener is accepted: ${notValid}`, gen)
      : cond('Accepted', true, 'Accepted', '', gen),
  );
  if (plan.unusable.length) {
    const what = `spec.addresses: ${plan.unusable.join(', ')} ${plan.unusable.length > 1 ? 'are' : 'is'} not an address of the proxy's host (served on ${plan.bind.join(', ')} only)`;
    book.condition(stored.ref, cond('Programmed', false, 'AddressNotUsable', what, gen));
    book.warn(stored.ref, 'AddressNotUsable', `${describeRef(stored.ref)}: ${what}`);
  } else {
    book.condition(stored.ref, cond('Programmed', usable, usable ? 'Programmed' : 'Invalid', usable ? '' : 'no listener is usable', gen));
  }
  // AllowInsecureFallback weakens client validation: the Gateway says so (the spec's InsecureFrontendValidationMode).
  const insecurePorts = [...frontends].filter(([, f]) => f?.validation?.allowInsecure).map(([p]) => p);
  if (insecurePorts.length) {
    book.condition(
      stored.ref,
      cond(
        'InsecureFrontendValidationMode',
        true,
        'ConfigurationChanged',
        `client certificates are validated with AllowInsecureFallback on port ${insecurePorts.sort((a, b) => a - b).join(', ')}: connections without a valid certificate are let through`,
        gen,
      ),
    );
  }
  const backendCert = backendClientCertificate(snapshot, stored);
  if (backendCert) {
    const p = backendCert.problem;
    book.condition(stored.ref, p ? cond('ResolvedRefs', false, p.reason, p.message, gen) : cond('ResolvedRefs', true, 'ResolvedRefs', '', gen));
    if (p) book.warn(stored.ref, p.reason, `${describeRef(stored.ref)}: ${p.message}; backends are reached without a client certificate`);
  }
  for (const s of own) {
    if (!s.usable) {
      const why = s.report.conditions.find((c) => c.status === (c.type === 'Conflicted' ? 'True' : 'False'));
      book.warn(stored.ref, why?.reason ?? 'Invalid', `${describeRef(stored.ref)}: listener "${s.listener.name}": ${why?.message ?? 'not usable'}`);
    }
  }
  const infra = gw.spec.infrastructure;
  return {
    stored,
    key: `${stored.ref.namespace}/${stored.ref.name}`,
    slots,
    listenerSets: new Map(listenerSets.map((l) => [`${l.ref.namespace}/${l.ref.name}`, l])),
    ...(backendCert?.secret ? { backendClientCert: backendCert.secret } : {}),
    ...(infra?.labels || infra?.annotations ? { infrastructure: { labels: { ...infra.labels }, annotations: { ...infra.annotations } } } : {}),
  };
}

/** Valid Gateway fields Gatehouse does not implement: named in a warning, never silently ignored. */
function unimplementedGatewayFields(gw: Gateway): string[] {
  const spec = gw.spec as Gateway['spec'] & Record<string, unknown>;
  const out = ['backendTLS', 'defaultScope'].filter((f) => spec[f] !== undefined).map((f) => `spec.${f}`);
  if (gw.spec.infrastructure?.parametersRef) out.push('spec.infrastructure.parametersRef');
  if (gw.spec.infrastructure?.labels || gw.spec.infrastructure?.annotations) {
    out.push('spec.infrastructure.labels/annotations (standalone mode provisions no infrastructure to carry them; they are passed on in the IR)');
  }
  for (const [i, l] of (gw.spec.listeners ?? []).entries()) {
    if (l.tls?.options && Object.keys(l.tls.options).length) out.push(`spec.listeners[${i}].tls.options`);
  }
  return out;
}
