// The Envoy bootstrap that points a proxy at Gatehouse for one Gateway.

export interface BootstrapOptions {
  /** Gateway `namespace/name`: the node group whose snapshot this Envoy gets. */
  gateway: string;
  xdsHost: string;
  xdsPort: number;
  delta?: boolean;
  nodeId?: string;
  /** Envoy's admin interface; port 0 lets the OS pick (read it with --admin-address-path). */
  adminAddress?: string;
  adminPort?: number;
  /** Envoy's RE2 program-size bound; the control plane enforces the same one. */
  maxRegexProgramSize?: number;
}

export const DEFAULT_MAX_REGEX_PROGRAM_SIZE = 100;

export function envoyBootstrap(o: BootstrapOptions): Record<string, unknown> {
  const ads = { ads: {}, resourceApiVersion: 'V3' };
  const maxProgram = o.maxRegexProgramSize ?? DEFAULT_MAX_REGEX_PROGRAM_SIZE;
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
        grpcServices: [{ envoyGrpc: { clusterName: 'gatehouse-xds' } }],
      },
      cdsConfig: ads,
      ldsConfig: ads,
    },
    staticResources: {
      clusters: [
        {
          name: 'gatehouse-xds',
          type: 'STATIC',
          connectTimeout: '1s',
          typedExtensionProtocolOptions: {
            'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
              '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
              explicitHttpConfig: { http2ProtocolOptions: {} },
            },
          },
          loadAssignment: {
            clusterName: 'gatehouse-xds',
            endpoints: [{ lbEndpoints: [{ endpoint: { address: { socketAddress: { address: o.xdsHost, portValue: o.xdsPort } } } }] }],
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
