// UpstreamIR → Cluster and ClusterLoadAssignment.
import { msToProtoDuration, type EndpointIR, type EnvoyMessage, type UpstreamIR } from '@gatehouse/plugin-sdk';

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

export function envoyCluster(u: UpstreamIR): EnvoyMessage {
  const base: EnvoyMessage = { name: u.clusterName, connectTimeout: msToProtoDuration(u.connectTimeoutMs) };
  if (u.discovery === 'eds') return { ...base, type: 'EDS', edsClusterConfig: { edsConfig: ADS_CONFIG_SOURCE } };
  return { ...base, type: 'STRICT_DNS', dnsLookupFamily: 'V4_PREFERRED', loadAssignment: loadAssignment(u) };
}
