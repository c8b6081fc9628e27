// StreamListenerIR → Envoy Listener: TLS (tls_inspector, one filter chain per SNI name, terminated or passed through),
// TCP (tcp_proxy) and UDP (udp_proxy). Connections to an invalid backend's share name no cluster: Envoy closes them.
import { typed, type EnvoyMessage, type StreamChainIR, type StreamListenerIR, type StreamRouteIR } from '@gatehouse/plugin-sdk';
import { downstreamTls, listenerBase } from './listeners.js';

const INVALID_CLUSTER = 'gatehouse-invalid-backend';

/** The cluster a connection goes to (a weighted set as tcp_proxy takes it). */
function tcpProxy(statPrefix: string, route: StreamRouteIR): EnvoyMessage {
  const backends = route.backends.length ? route.backends : [{ clusterName: INVALID_CLUSTER, weight: 1, valid: false }];
  const target: EnvoyMessage =
    backends.length === 1
      ? { cluster: backends[0]!.clusterName }
      : { weightedClusters: { clusters: backends.map((b) => ({ name: b.clusterName, weight: b.weight })) } };
  return { name: 'envoy.filters.network.tcp_proxy', typedConfig: typed('envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', { statPrefix, ...target }) };
}

function tlsChain(l: StreamListenerIR, c: StreamChainIR): EnvoyMessage {
  const chain: EnvoyMessage = { name: c.name, filters: [tcpProxy(`${l.name}-${c.name}`, c.route)] };
  if (c.serverNames.length) chain['filterChainMatch'] = { serverNames: c.serverNames };
  if (c.secretNames)
    chain['transportSocket'] = {
      name: 'envoy.transport_sockets.tls',
      typedConfig: typed('envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext', downstreamTls(c.secretNames, [])),
    };
  return chain;
}

/**
 * UDP: udp_proxy routes every datagram session to one cluster (a weighted set of backends is one cluster whose
 * endpoints carry the weights, built by the translator).
 */
function udpProxy(l: StreamListenerIR, c: StreamChainIR): EnvoyMessage {
  const cluster = c.route.backends.find((b) => b.valid)?.clusterName ?? INVALID_CLUSTER;
  return {
    name: 'envoy.filters.udp_listener.udp_proxy',
    typedConfig: typed('envoy.extensions.filters.udp.udp_proxy.v3.UdpProxyConfig', {
      statPrefix: l.name,
      matcher: { onNoMatch: { action: { name: 'route', typedConfig: typed('envoy.extensions.filters.udp.udp_proxy.v3.Route', { cluster }) } } },
    }),
  };
}

/** The Envoy listener, or undefined when it has nothing to serve (Envoy refuses a listener without filter chains). */
export function envoyStreamListener(l: StreamListenerIR): EnvoyMessage | undefined {
  if (l.chains.length === 0) return undefined;
  if (l.protocol === 'UDP') {
    return { ...listenerBase(l, 'UDP'), listenerFilters: [udpProxy(l, l.chains[0]!)] };
  }
  const base = listenerBase(l);
  if (l.protocol === 'TCP') return { ...base, filterChains: [{ name: l.chains[0]!.name, filters: [tcpProxy(l.name, l.chains[0]!.route)] }] };
  return {
    ...base,
    // SNI picks the chain: read from the ClientHello, whether Envoy terminates TLS or passes it through.
    listenerFilters: [{ name: 'envoy.filters.listener.tls_inspector', typedConfig: typed('envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector') }],
    filterChains: l.chains.map((c) => tlsChain(l, c)),
  };
}

/** Clusters a stream route sends to. */
export function streamClusters(r: StreamRouteIR): string[] {
  return r.backends.filter((b) => b.valid).map((b) => b.clusterName);
}
