// UpstreamIR → Cluster and ClusterLoadAssignment.
import { msToProtoDuration, typed, type UpstreamTlsIR, type EndpointIR, type EnvoyMessage, type UpstreamIR } from '@gatehouse/plugin-sdk';

// Shared by every resource that points at ADS: frozen, so a plugin hook cannot change it for all of them.
export const ADS_CONFIG_SOURCE: EnvoyMessage = Object.freeze({ ads: Object.freeze({}), resourceApiVersion: 'V3' });

export function loadAssignment(u: UpstreamIR): EnvoyMessage {
  const ready = u.endpoints.filter((e) => e.ready);
  if (ready.length === 0) return { clusterName: u.clusterName };
  return { clusterName: u.clusterName, endpoints: [{ lbEndpoints: ready.map(lbEndpoint) }] };
}

function lbEndpoint(e: EndpointIR): EnvoyMessage {
  const out: EnvoyMessage = { endpoint: { address: { socketAddress: { address: e.address, portValue: e.port } } } };
  if (e.weight !== undefined) out['loadBalancingWeight'] = e.weight;
  return out;
}

// Envoy allows 3 concurrent retries per cluster by default: under load, retries a route asks for (connection errors
// included) would overflow and fail. Envoy Gateway's default is 1024 as well.
const CIRCUIT_BREAKERS: EnvoyMessage = Object.freeze({ thresholds: Object.freeze([Object.freeze({ maxRetries: 1024 })]) });

/** The well-known CAs (BackendTLSPolicy wellKnownCACertificates: System): the bundle Debian, Ubuntu and Alpine ship. */
export const SYSTEM_CA_FILE = '/etc/ssl/certs/ca-certificates.crt';

/** TLS to the backend: SNI, the trusted CAs, and the names its certificate must carry one of. */
export function upstreamTls(tls: UpstreamTlsIR, h2: boolean): EnvoyMessage {
  const context: EnvoyMessage = {
    commonTlsContext: {
      validationContext: {
        trustedCa: tls.trustedCa === 'system' ? { filename: SYSTEM_CA_FILE } : { inlineString: tls.trustedCa },
        matchTypedSubjectAltNames: tls.subjectAltNames.map((s) => ({ sanType: s.type, matcher: { exact: s.value } })),
      },
      ...(h2 ? { alpnProtocols: ['h2'] } : {}),
    },
  };
  if (tls.sni) context['sni'] = tls.sni;
  return { name: 'envoy.transport_sockets.tls', typedConfig: typed('envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext', context) };
}

const HTTP_PROTOCOL_OPTIONS = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

export function envoyCluster(u: UpstreamIR): EnvoyMessage {
  const base: EnvoyMessage = { name: u.clusterName, connectTimeout: msToProtoDuration(u.connectTimeoutMs), circuitBreakers: CIRCUIT_BREAKERS };
  // appProtocol h2c: HTTP/2 with prior knowledge (or, over TLS, negotiated by ALPN).
  if (u.appProtocol === 'h2c')
    base['typedExtensionProtocolOptions'] = { [HTTP_PROTOCOL_OPTIONS]: typed(HTTP_PROTOCOL_OPTIONS, { explicitHttpConfig: { http2ProtocolOptions: {} } }) };
  if (u.tls) base['transportSocket'] = upstreamTls(u.tls, u.appProtocol === 'h2c');
  if (u.discovery === 'eds') return { ...base, type: 'EDS', edsClusterConfig: { edsConfig: ADS_CONFIG_SOURCE } };
  return { ...base, type: 'STRICT_DNS', dnsLookupFamily: 'V4_PREFERRED', loadAssignment: loadAssignment(u) };
}
