// HttpListenerIR → Listener (with an HTTP connection manager over RDS) and its RouteConfiguration.
import { typed, type EnvoyMessage, type HttpListenerIR, type StagedHttpFilter } from '@gatehouse/plugin-sdk';
import { sortHttpFilters } from '@gatehouse/plugin-sdk';
import { ADS_CONFIG_SOURCE } from './clusters.js';

export const HCM_TYPE = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

export function envoyListener(l: HttpListenerIR, filters: StagedHttpFilter[]): EnvoyMessage {
  const hcm = typed(HCM_TYPE, {
    statPrefix: l.name,
    rds: { routeConfigName: l.name, configSource: ADS_CONFIG_SOURCE },
    httpFilters: sortHttpFilters(filters).map((f) => f.filter),
    // Gateway API paths are matched on the normalized path.
    normalizePath: true,
    mergeSlashes: true,
  });
  return {
    name: l.name,
    address: { socketAddress: { address: l.address, portValue: l.port } },
    filterChains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typedConfig: hcm }] }],
  };
}

export function routeConfiguration(l: HttpListenerIR, virtualHosts: EnvoyMessage[]): EnvoyMessage {
  return {
    name: l.name,
    virtualHosts,
    // Hostnames in Gateway API never carry a port; `Host: a.example.com:8080` must match `a.example.com`.
    ignorePortInHostMatching: true,
    // Invalid backends deliberately name no cluster (→ 500); never refuse the whole table for that.
    validateClusters: false,
  };
}
