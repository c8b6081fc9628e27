// HttpListenerIR → Listener (with an HTTP connection manager over RDS) and its RouteConfiguration.
import { typed, type ClientValidationIR, type EnvoyMessage, type HttpListenerIR, type StagedHttpFilter } from '@gatehouse/plugin-sdk';
import { sortHttpFilters } from '@gatehouse/plugin-sdk';
import { ADS_CONFIG_SOURCE } from './clusters.js';

export const HCM_TYPE = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

function connectionManager(statPrefix: string, routeConfigName: string, filters: readonly RankedHttpFilter[]): EnvoyMessage {
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

/** The listener's name and addresses (a Gateway with several spec.addresses binds every listener on each). */
export function listenerBase(l: { name: string; address: string; additionalAddresses?: string[]; port: number }, protocol?: 'UDP'): EnvoyMessage {
  const socket = (address: string) => ({ socketAddress: { ...(protocol ? { protocol } : {}), address, portValue: l.port } });
  const base: EnvoyMessage = { name: l.name, address: socket(l.address) };
  if (l.additionalAddresses?.length) base['additionalAddresses'] = l.additionalAddresses.map((a) => ({ address: socket(a) }));
  return base;
}

/** Client certificate validation on a TLS chain: the CA bundle, and whether a failing certificate is let through. */
function clientValidation(c: ClientValidationIR): EnvoyMessage {
  return {
    requireClientCertificate: !c.allowInsecure,
    validationContext: { trustedCa: { inlineString: c.trustedCa }, ...(c.allowInsecure ? { trustChainVerification: 'ACCEPT_UNTRUSTED' } : {}) },
  };
}

/** A plugin's HTTP filter with the plugin's priority (orders filters within a stage and position). */
export type RankedHttpFilter = StagedHttpFilter & { priority?: number };

export function envoyListener(l: HttpListenerIR, filters: readonly RankedHttpFilter[]): EnvoyMessage {
  const base = listenerBase(l);
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
        typedConfig: typed(
          'envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
          downstreamTls(c.secretNames, ['h2', 'http/1.1'], c.clientValidation),
        ),
      },
    })),
  };
}

/** A DownstreamTlsContext: certificates over SDS, ALPN, and client certificate validation when configured. */
export function downstreamTls(secretNames: string[], alpn: string[], validation?: ClientValidationIR): EnvoyMessage {
  const v = validation ? clientValidation(validation) : undefined;
  const common: EnvoyMessage = { tlsCertificateSdsSecretConfigs: secretNames.map((name) => ({ name, sdsConfig: ADS_CONFIG_SOURCE })) };
  if (alpn.length) common['alpnProtocols'] = alpn;
  if (v) common['validationContext'] = v['validationContext'];
  return { commonTlsContext: common, ...(v ? { requireClientCertificate: v['requireClientCertificate'] } : {}) };
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
