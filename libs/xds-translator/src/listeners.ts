// HttpListenerIR → Listener (with an HTTP connection manager over RDS) and its RouteConfiguration.
import { typed, type EnvoyMessage, type HttpListenerIR, type StagedHttpFilter } from '@gatehouse/plugin-sdk';
import { sortHttpFilters } from '@gatehouse/plugin-sdk';
import { ADS_CONFIG_SOURCE } from './clusters.js';

export const HCM_TYPE = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

function connectionManager(statPrefix: string, routeConfigName: string, filters: StagedHttpFilter[]): EnvoyMessage {
  const hcm = typed(HCM_TYPE, {
    statPrefix,
    rds: { routeConfigName, configSource: ADS_CONFIG_SOURCE },
    httpFilters: sortHttpFilters(filters).map((f) => f.filter),
    // Gateway API paths are matched on the normalized path.
    normalizePath: true,
    mergeSlashes: true,
    // WebSocket upgrades reach the backend (without this Envoy answers an upgrade with 403).
    upgradeConfigs: [{ upgradeType: 'websocket' }],
  });
  return { name: 'envoy.filters.network.http_connection_manager', typedConfig: hcm };
}

export function envoyListener(l: HttpListenerIR, filters: StagedHttpFilter[]): EnvoyMessage {
  const base: EnvoyMessage = { name: l.name, address: { socketAddress: { address: l.address, portValue: l.port } } };
  if (!l.tlsChains) return { ...base, filterChains: [{ filters: [connectionManager(l.name, l.name, filters)] }] };
  return {
    ...base,
    // SNI picks the Gateway listener's filter chain.
    listenerFilters: [{ name: 'envoy.filters.listener.tls_inspector', typedConfig: typed('envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector') }],
    filterChains: l.tlsChains.map((c) => ({
      name: c.key,
      ...(c.serverNames.length ? { filterChainMatch: { serverNames: c.serverNames } } : {}),
      filters: [connectionManager(c.routeConfigName, c.routeConfigName, filters)],
      transportSocket: {
        name: 'envoy.transport_sockets.tls',
        typedConfig: typed('envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext', {
          commonTlsContext: {
            tlsCertificateSdsSecretConfigs: c.secretNames.map((name) => ({ name, sdsConfig: ADS_CONFIG_SOURCE })),
            alpnProtocols: ['h2', 'http/1.1'],
          },
        }),
      },
    })),
  };
}

/** An SDS Secret with a certificate and key. */
export function tlsSecret(name: string, certificateChain: string, privateKey: string): EnvoyMessage {
  return { name, tlsCertificate: { certificateChain: { inlineString: certificateChain }, privateKey: { inlineString: privateKey } } };
}

export function routeConfiguration(name: string, virtualHosts: EnvoyMessage[]): EnvoyMessage {
  return {
    name,
    virtualHosts,
    // Hostnames in Gateway API never carry a port; `Host: a.example.com:8080` must match `a.example.com`.
    ignorePortInHostMatching: true,
    // Invalid backends deliberately name no cluster (→ 500); never refuse the whole table for that.
    validateClusters: false,
  };
}
