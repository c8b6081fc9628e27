// The Envoy bootstrap that points a proxy at Gatehouse for one Gateway.
import { isIP } from 'node:net';
import { XDS_SERVER_NAME } from './auth/identity.js';

/** The client side of xDS mTLS: this proxy's certificate (naming its Gateway) and the CA the server's comes from. */
export interface BootstrapTls {
  certPem: string;
  keyPem: string;
  caPem: string;
}

export interface BootstrapOptions {
  /** Gateway `namespace/name`: the node group whose snapshot this Envoy gets. */
  gateway: string;
  /** An IP literal, or a host name (resolved by Envoy, IPv4 preferred). */
  xdsHost: string;
  xdsPort: number;
  delta?: boolean;
  nodeId?: string;
  /** Envoy's admin interface; port 0 lets the OS pick (read it with --admin-address-path). */
  adminAddress?: string;
  adminPort?: number;
  /** Envoy's RE2 program-size bound; the control plane enforces the same one. */
  maxRegexProgramSize?: number;
  /** Connect to xDS over mTLS with this client certificate. */
  tls?: BootstrapTls;
}

export const DEFAULT_MAX_REGEX_PROGRAM_SIZE = 100;

/**
 * How soon Envoy re-opens its ADS stream after losing it (a control-plane restart): jittered exponential backoff from
 * the base to the max. Envoy's default (0.5 s to 30 s) left proxies 5–10 s behind a restart; with these it resyncs
 * within about a second of the control plane being back.
 */
export const XDS_RETRY_BACKOFF = { baseInterval: '0.25s', maxInterval: '1s' } as const;
/** The xDS cluster's connect timeout: a control plane that does not answer is retried soon. */
export const XDS_CONNECT_TIMEOUT = '1s';

function upstreamTls(tls: BootstrapTls): Record<string, unknown> {
  return {
    name: 'envoy.transport_sockets.tls',
    typedConfig: {
      '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
      sni: XDS_SERVER_NAME,
      commonTlsContext: {
        alpnProtocols: ['h2'],
        tlsCertificates: [{ certificateChain: { inlineString: tls.certPem }, privateKey: { inlineString: tls.keyPem } }],
        validationContext: {
          trustedCa: { inlineString: tls.caPem },
          // The server's certificate is pinned by name, whatever address it is reached at.
          matchTypedSubjectAltNames: [{ sanType: 'DNS', matcher: { exact: XDS_SERVER_NAME } }],
        },
      },
    },
  };
}

export function envoyBootstrap(o: BootstrapOptions): Record<string, unknown> {
  const ads = { ads: {}, resourceApiVersion: 'V3' };
  const maxProgram = o.maxRegexProgramSize ?? DEFAULT_MAX_REGEX_PROGRAM_SIZE;
  const host = o.xdsHost.startsWith('[') && o.xdsHost.endsWith(']') ? o.xdsHost.slice(1, -1) : o.xdsHost;
  // A STATIC cluster takes IP literals only; a name (localhost, a DNS name) is resolved by Envoy.
  const discovery = isIP(host) ? { type: 'STATIC' } : { type: 'STRICT_DNS', dnsLookupFamily: 'V4_PREFERRED' };
  return {
    node: {
      id: o.nodeId ?? `envoy-${o.gateway.replace('/', '-')}`,
      cluster: o.gateway,
      metadata: { 'gatehouse.dev/gateway': o.gateway },
    },
    admin: { address: { socketAddress: { address: o.adminAddress ?? '127.0.0.1', portValue: o.adminPort ?? 0 } } },
    dynamicResources: {
      adsConfig: {
        apiType: o.delta ? 'DELTA_GRPC' : 'GRPC',
        transportApiVersion: 'V3',
        setNodeOnFirstMessageOnly: true,
        grpcServices: [{ envoyGrpc: { clusterName: 'gatehouse-xds', retryPolicy: { retryBackOff: XDS_RETRY_BACKOFF } } }],
      },
      cdsConfig: ads,
      ldsConfig: ads,
    },
    staticResources: {
      clusters: [
        {
          name: 'gatehouse-xds',
          ...discovery,
          connectTimeout: XDS_CONNECT_TIMEOUT,
          typedExtensionProtocolOptions: {
            'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
              '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
              explicitHttpConfig: { http2ProtocolOptions: {} },
            },
          },
          ...(o.tls ? { transportSocket: upstreamTls(o.tls) } : {}),
          loadAssignment: {
            clusterName: 'gatehouse-xds',
            endpoints: [{ lbEndpoints: [{ endpoint: { address: { socketAddress: { address: host, portValue: o.xdsPort } } } }] }],
          },
        },
      ],
    },
    layeredRuntime: {
      layers: [
        {
          name: 'gatehouse',
          staticLayer: {
            // Regexes over this bound are refused by Gatehouse with a message, never by Envoy with a NACK.
            're2.max_program_size.error_level': maxProgram,
            're2.max_program_size.warn_level': maxProgram,
          },
        },
      ],
    },
  };
}
