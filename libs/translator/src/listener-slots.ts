// One Gateway or ListenerSet listener → a slot routes can attach to: which route kinds it allows, its certificates,
// its conditions; and the conflicts between listeners on one port.
import { GATEWAY_GROUP, describeRef, type Listener, type ResourceRef, type ResourceSnapshot } from '@gatehouse/api';
import type { ClientValidationIR, SecretIR } from '@gatehouse/ir';
import type { ListenerReport } from '@gatehouse/plugin-sdk';
import { resolveCertificates } from './certificates.js';
import type { FrontendValidation } from './gateway-tls.js';
import { internalError } from './internal-error.js';
import { cond } from './report-book.js';

const HTTP_KINDS = [
  { group: GATEWAY_GROUP, kind: 'HTTPRoute' },
  { group: GATEWAY_GROUP, kind: 'GRPCRoute' },
];
export const SUPPORTED_ROUTE_KINDS: Record<string, Array<{ group: string; kind: string }>> = {
  HTTP: HTTP_KINDS,
  HTTPS: HTTP_KINDS,
  TLS: [{ group: GATEWAY_GROUP, kind: 'TLSRoute' }],
  TCP: [{ group: GATEWAY_GROUP, kind: 'TCPRoute' }],
  UDP: [{ group: GATEWAY_GROUP, kind: 'UDPRoute' }],
};

/** Listeners on one port share a socket per transport: UDP listeners never conflict with TCP-based ones. */
export function portKey(listener: Listener): string {
  return `${listener.protocol === 'UDP' ? 'udp' : 'tcp'}/${listener.port}`;
}

/** Whether a listener's connections are decrypted by Envoy (HTTPS, TLS Terminate). */
export function terminatesTls(listener: Listener): boolean {
  return listener.protocol === 'HTTPS' || (listener.protocol === 'TLS' && listener.tls?.mode === 'Terminate');
}

/** A Gateway listener (its own, or one a ListenerSet adds) that routes can attach to. */
export interface ListenerSlot {
  gatewayRef: ResourceRef;
  /** Who declares the listener: the Gateway, or a ListenerSet attached to it. */
  owner: ResourceRef;
  /** Unique within the Gateway: the listener name, or `ls/<namespace>/<name>/<listener>` for a ListenerSet's. */
  key: string;
  listener: Listener;
  /** Envoy listener this slot is merged into (`<protocol>-<port>`: `http-80`, `https-443`, `tls-8443`, `udp-53`...). */
  envoyListener: string;
  /** HTTPS and TLS Terminate: the listener's certificates. */
  secrets: SecretIR[];
  address: string;
  /** More addresses it binds too. */
  additionalAddresses: string[];
  /** HTTPS: client certificate validation (Gateway spec.tls.frontend). */
  clientValidation?: ClientValidationIR;
  /** HTTPS and TLS Terminate: the DNS names its certificates are valid for. */
  certNames: string[];
  allowedKinds: Array<{ group: string; kind: string }>;
  report: ListenerReport;
  /** False when the listener is invalid or conflicted: routes cannot attach. */
  usable: boolean;
  /**
   * Accepted but not programmed: an HTTPS listener none of whose certificates resolve. Routes attach to it and count in
   * its attachedRoutes (the spec counts them whatever the listener's state), but nothing is served on it until a
   * certificate resolves.
   */
  dormant?: boolean;
}

/** What a slot is made from besides the snapshot. */
export interface SlotInput {
  gatewayRef: ResourceRef;
  owner: ResourceRef;
  key: string;
  listener: Listener;
  /** Where it binds: the first, then the others. */
  addresses: readonly string[];
  gen?: number;
  /** HTTPS: the Gateway's client certificate validation for this listener's port. */
  frontend?: FrontendValidation;
}

/** A listener whose processing throws is refused on its own; the other listeners are still served. */
export function safeSlot(snapshot: ResourceSnapshot, input: SlotInput): ListenerSlot {
  try {
    return makeSlot(snapshot, input);
  } catch (err) {
    const { owner, listener, gen } = input;
    const message = internalError(owner, err).replace(describeRef(owner), `listener "${listener.name}"`);
    const report: ListenerReport = {
      name: listener.name,
      attachedRoutes: 0,
      supportedKinds: [],
      conditions: [cond('Accepted', false, 'Invalid', message, gen), cond('Programmed', false, 'Invalid', message, gen)],
    };
    return {
      gatewayRef: input.gatewayRef,
      owner,
      key: input.key,
      listener,
      envoyListener: '',
      address: input.addresses[0] ?? '',
      additionalAddresses: [],
      certNames: [],
      secrets: [],
      allowedKinds: [],
      report,
      usable: false,
    };
  }
}

function makeSlot(snapshot: ResourceSnapshot, input: SlotInput): ListenerSlot {
  const { gatewayRef, owner, key, listener, gen } = input;
  const supported = SUPPORTED_ROUTE_KINDS[listener.protocol];
  const report: ListenerReport = { name: listener.name, attachedRoutes: 0, supportedKinds: [], conditions: [] };
  const envoyListener = `${listener.protocol.toLowerCase()}-${listener.port}`;
  const slot: ListenerSlot = {
    gatewayRef,
    owner,
    key,
    listener,
    envoyListener,
    address: input.addresses[0]!,
    additionalAddresses: input.addresses.slice(1),
    certNames: [],
    secrets: [],
    allowedKinds: [],
    report,
    usable: false,
  };
  if (!supported) {
    report.conditions.push(
      cond(
        'Accepted',
        false,
        'UnsupportedProtocol',
        `protocol ${listener.protocol} is not supported yet (supported: ${Object.keys(SUPPORTED_ROUTE_KINDS).join(', ')})`,
        gen,
      ),
      cond('Programmed', false, 'Invalid', 'listener not accepted', gen),
    );
    return slot;
  }
  const requested = listener.allowedRoutes?.kinds;
  const allowed = requested ? supported.filter((s) => requested.some((r) => r.kind === s.kind && (r.group ?? GATEWAY_GROUP) === s.group)) : supported;
  const invalidKinds = requested?.filter((r) => !supported.some((s) => s.kind === r.kind && s.group === (r.group ?? GATEWAY_GROUP))) ?? [];
  slot.allowedKinds = allowed;
  report.supportedKinds = allowed;
  let certProblem: { reason: string; message: string } | undefined;
  if (listener.protocol === 'HTTPS' && (listener.tls?.mode ?? 'Terminate') !== 'Terminate') {
    report.conditions.push(
      cond('Accepted', false, 'UnsupportedValue', 'tls.mode: HTTPS listeners terminate TLS (Passthrough needs protocol TLS and TLSRoutes)', gen),
      cond('Programmed', false, 'Invalid', 'listener not accepted', gen),
    );
    return slot;
  }
  if (terminatesTls(listener)) {
    const certs = resolveCertificates(snapshot, owner, listener);
    slot.secrets = certs.secrets;
    slot.certNames = certs.dnsNames;
    certProblem = certs.problem;
    if (certProblem && certs.secrets.length === 0) {
      report.conditions.push(
        cond('ResolvedRefs', false, certProblem.reason, certProblem.message, gen),
        cond('Accepted', true, 'Accepted', '', gen),
        cond('Conflicted', false, 'NoConflicts', '', gen),
        cond('Programmed', false, 'Invalid', `no usable certificate: ${certProblem.message}`, gen),
      );
      // TLS Terminate listeners share a stream table per port: only HTTPS ones (a route table each) can hold routes idle.
      slot.dormant = listener.protocol === 'HTTPS' && allowed.length > 0;
      return slot;
    }
  }
  // Client certificate validation (HTTPS): with no usable CA the listener cannot check anyone, so it is not accepted.
  const frontend = listener.protocol === 'HTTPS' ? input.frontend : undefined;
  if (frontend?.problem && !frontend.validation) {
    report.conditions.push(
      cond('ResolvedRefs', false, frontend.problem.reason, frontend.problem.message, gen),
      cond('Accepted', false, 'NoValidCACertificate', `no valid CA certificate for client validation: ${frontend.problem.message}`, gen),
      cond('Programmed', false, 'NoValidCACertificate', 'listener not accepted', gen),
    );
    return slot;
  }
  if (frontend?.validation) slot.clientValidation = frontend.validation;
  certProblem ??= frontend?.problem;
  // A certificate problem wins (the listener still serves with its usable certificates), then route kinds.
  if (certProblem) {
    report.conditions.push(cond('ResolvedRefs', false, certProblem.reason, certProblem.message, gen));
  } else if (invalidKinds.length > 0) {
    report.conditions.push(
      cond('ResolvedRefs', false, 'InvalidRouteKinds', `route kinds not supported on ${listener.protocol}: ${invalidKinds.map((k) => k.kind).join(', ')}`, gen),
    );
  } else {
    report.conditions.push(cond('ResolvedRefs', true, 'ResolvedRefs', '', gen));
  }
  report.conditions.push(
    cond('Accepted', true, 'Accepted', '', gen),
    cond('Conflicted', false, 'NoConflicts', '', gen),
    cond('Programmed', true, 'Programmed', '', gen),
  );
  slot.usable = allowed.length > 0;
  return slot;
}

/**
 * Conflicts among one Gateway's own listeners: listeners on one port must agree on protocol (all of them are
 * conflicted otherwise, none is picked as the winner; UDP and the TCP-based protocols do not share a socket), and
 * listeners on one port need distinct hostnames. TLS listeners of both modes may share a port (SNI tells them apart).
 */
export function markConflicts(slots: ListenerSlot[], gen?: number): void {
  const byPort = new Map<string, ListenerSlot[]>();
  for (const s of slots) byPort.set(portKey(s.listener), [...(byPort.get(portKey(s.listener)) ?? []), s]);
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
      if (first !== undefined)
        setConflicted(s, 'HostnameConflict', `listener "${first}" already serves hostname "${host || '*'}" on port ${s.listener.port}`, gen);
      else seen.set(host, s.listener.name);
    }
  }
}

export function setConflicted(s: ListenerSlot, reason: string, message: string, gen?: number, rejected = false): void {
  s.usable = false;
  s.dormant = false;
  s.report.conditions = s.report.conditions
    .filter((c) => c.type !== 'Conflicted' && c.type !== 'Programmed' && (!rejected || c.type !== 'Accepted'))
    .concat(
      ...(rejected ? [cond('Accepted', false, reason, message, gen)] : []),
      cond('Conflicted', true, reason, message, gen),
      cond('Programmed', false, reason, message, gen),
    );
}
