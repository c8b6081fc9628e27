// A Gateway's Envoy shape: which Envoy listeners its usable listeners make, and which route table each feeds.
import type { HttpListenerIR, StreamChainIR, StreamListenerIR, VirtualHostIR } from '@gatehouse/ir';
import type { GatewayState } from './gateways.js';
import type { ListenerSlot } from './listener-slots.js';
import type { TableListeners } from './virtual-hosts.js';

export interface RouteTableRef {
  /** `http-8080` for an HTTP Envoy listener, `https-8443/<slot key>` for an HTTPS listener's chain. */
  key: string;
  routeConfigName: string;
  /** The Gateway listeners on its port, for listener isolation (and, for an HTTPS chain, misdirected requests). */
  listeners: TableListeners;
}

export interface GatewayLayout {
  tables: RouteTableRef[];
  /** The route table a slot's routes go to. */
  tableOf(slot: ListenerSlot): string;
  /** The listeners with their virtual hosts (by table key), in port order. */
  listeners(virtualHosts: (tableKey: string) => VirtualHostIR[]): HttpListenerIR[];
  /** Envoy stream listeners (TLS, TCP, UDP) by name: each has one StreamTable. */
  streamTables: string[];
  /** The stream listeners with their chains (by Envoy listener name), in port order. */
  streamListeners(chains: (name: string) => StreamChainIR[]): StreamListenerIR[];
}

const STREAM_PROTOCOLS = new Set(['TLS', 'TCP', 'UDP']);
const more = (slot: ListenerSlot) => (slot.additionalAddresses.length ? { additionalAddresses: slot.additionalAddresses } : {});

export function gatewayLayout(gw: GatewayState): GatewayLayout {
  const tableOf = (slot: ListenerSlot) => (slot.listener.protocol === 'HTTPS' ? `${slot.envoyListener}/${slot.key}` : slot.envoyListener);
  const skeleton = new Map<string, HttpListenerIR>();
  const tables: RouteTableRef[] = [];
  const byEnvoyListener = new Map<string, string[]>();
  for (const s of gw.slots) if (s.usable) byEnvoyListener.set(s.envoyListener, [...(byEnvoyListener.get(s.envoyListener) ?? []), s.listener.hostname ?? '*']);
  const hostnamesOn = (envoyListener: string) => [...new Set(byEnvoyListener.get(envoyListener))];
  // An HTTPS listener's table knows the other listeners a client could send it requests for: those its certificates
  // are valid for (a client reuses a connection only for names its certificate covers, RFC 9110 7.4) and a listener
  // without hostname. With a certificate per listener, that keeps each table small however many listeners share the
  // port; others' Hosts on such a connection get 404 instead of 421.
  const coalescable = (slot: ListenerSlot) =>
    hostnamesOn(slot.envoyListener).filter((h) => h === '*' || h === (slot.listener.hostname ?? '*') || slot.certNames.some((n) => certCovers(n, h)));
  const streams = new Map<string, StreamListenerIR>();
  for (const slot of gw.slots) {
    if (slot.dormant && !slot.usable) {
      // Its routes go to a table of their own that no Envoy listener serves: counted as attached, never reachable.
      tables.push({
        key: tableOf(slot),
        routeConfigName: `${slot.envoyListener}-${slot.key}`,
        listeners: { hostnames: [slot.listener.hostname ?? '*'], self: slot.listener.hostname ?? '*' },
      });
      continue;
    }
    if (!slot.usable) continue;
    if (STREAM_PROTOCOLS.has(slot.listener.protocol)) {
      let sl = streams.get(slot.envoyListener);
      if (!sl)
        streams.set(
          slot.envoyListener,
          (sl = {
            name: slot.envoyListener,
            protocol: slot.listener.protocol as StreamListenerIR['protocol'],
            address: slot.address,
            ...more(slot),
            port: slot.listener.port,
            sectionNames: [],
            chains: [],
          }),
        );
      sl.sectionNames.push(slot.listener.name);
      continue;
    }
    let l = skeleton.get(slot.envoyListener);
    if (!l) {
      const protocol = slot.listener.protocol === 'HTTPS' ? 'HTTPS' : 'HTTP';
      l = {
        name: slot.envoyListener,
        protocol,
        address: slot.address,
        ...more(slot),
        port: slot.listener.port,
        sectionNames: [],
        virtualHosts: [],
        policies: {},
        ...(protocol === 'HTTPS' ? { tlsChains: [] } : {}),
      };
      skeleton.set(slot.envoyListener, l);
      if (protocol === 'HTTP') tables.push({ key: l.name, routeConfigName: l.name, listeners: { hostnames: hostnamesOn(slot.envoyListener) } });
    }
    l.sectionNames.push(slot.listener.name);
    if (!l.tlsChains) continue;
    const routeConfigName = `${slot.envoyListener}-${slot.key}`;
    tables.push({ key: tableOf(slot), routeConfigName, listeners: { hostnames: coalescable(slot), self: slot.listener.hostname ?? '*' } });
    l.tlsChains.push({
      sectionName: slot.listener.name,
      key: slot.key,
      routeConfigName,
      serverNames: slot.listener.hostname ? [slot.listener.hostname] : [],
      secretNames: slot.secrets.map((s) => s.name),
      ...(slot.clientValidation ? { clientValidation: slot.clientValidation } : {}),
      virtualHosts: [],
    });
  }
  const ordered = [...skeleton.values()].sort((a, b) => a.port - b.port);
  const orderedStreams = [...streams.values()].sort((a, b) => a.port - b.port || (a.name < b.name ? -1 : 1));
  return {
    tables,
    tableOf,
    streamTables: orderedStreams.map((l) => l.name),
    streamListeners: (chains) => orderedStreams.map((l) => ({ ...l, chains: chains(l.name) })),
    listeners: (virtualHosts) =>
      ordered.map((l) =>
        l.tlsChains
          ? { ...l, tlsChains: l.tlsChains.map((c) => ({ ...c, virtualHosts: virtualHosts(`${l.name}/${c.key}`) })) }
          : { ...l, virtualHosts: virtualHosts(l.name) },
      ),
  };
}

/** Whether a certificate name (`a.example.com`, `*.example.com`) is valid for a listener hostname (exact or wildcard). */
function certCovers(certName: string, hostname: string): boolean {
  if (certName === hostname) return true;
  // A wildcard certificate covers one label: *.example.com covers a.example.com (not a.b.example.com, not *.example.com).
  if (!certName.startsWith('*.') || hostname.startsWith('*.')) return false;
  const dot = hostname.indexOf('.');
  return dot > 0 && hostname.slice(dot) === certName.slice(1);
}
