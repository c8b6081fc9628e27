// A cluster for a service a filter calls by URL (an auth service, a JWKS endpoint), generated beside the gateway's
// own clusters: an IP address is a STATIC endpoint, a hostname is resolved by Envoy (STRICT_DNS); https and grpcs
// originate TLS, verifying the server against the system CA bundle and its hostname.
import { typed, type EnvoyMessage } from './envoy.js';

export interface ServiceUrl {
  scheme: 'http' | 'https' | 'grpc' | 'grpcs';
  host: string;
  port: number;
  /** The path (with query), `/` when absent. */
  path: string;
}

/** The system CA bundle on Debian-style hosts and in the Envoy images. */
const SYSTEM_CA = '/etc/ssl/certs/ca-certificates.crt';
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Parses `scheme://host[:port][/path]`; throws a message saying what is expected. */
export function parseServiceUrl(text: string, schemes: ReadonlyArray<ServiceUrl['scheme']>): ServiceUrl {
  const m = /^([a-z]+):\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(\/[^\s]*)?$/.exec(text);
  const scheme = m?.[1] as ServiceUrl['scheme'] | undefined;
  if (!m || !scheme || !schemes.includes(scheme))
    throw new Error(`"${text.slice(0, 100)}" is not a ${schemes.join(' or ')} URL (${schemes[0]}://host:port/path)`);
  const tls = scheme === 'https' || scheme === 'grpcs';
  const port = m[3] ? Number(m[3]) : tls ? 443 : 80;
  if (port < 1 || port > 65535) throw new Error(`"${text.slice(0, 100)}": port ${port} is out of range`);
  return { scheme, host: m[2]!.replace(/^\[|\]$/g, ''), port, path: m[4] ?? '/' };
}

/** The Cluster that reaches `url` (HTTP/2 for gRPC). */
export function serviceCluster(name: string, url: ServiceUrl, connectTimeout = '2s'): EnvoyMessage {
  const literal = IPV4.test(url.host) || url.host.includes(':');
  const cluster: EnvoyMessage = {
    name,
    connectTimeout,
    type: literal ? 'STATIC' : 'STRICT_DNS',
    loadAssignment: {
      clusterName: name,
      endpoints: [{ lbEndpoints: [{ endpoint: { address: { socketAddress: { address: url.host, portValue: url.port } } } }] }],
    },
  };
  if (url.scheme === 'grpc' || url.scheme === 'grpcs') {
    cluster['typedExtensionProtocolOptions'] = {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': typed('envoy.extensions.upstreams.http.v3.HttpProtocolOptions', {
        explicitHttpConfig: { http2ProtocolOptions: {} },
      }),
    };
  }
  if (url.scheme === 'https' || url.scheme === 'grpcs') {
    cluster['transportSocket'] = {
      name: 'envoy.transport_sockets.tls',
      typedConfig: typed('envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext', {
        sni: url.host,
        commonTlsContext: {
          validationContext: {
            trustedCa: { filename: SYSTEM_CA },
            matchTypedSubjectAltNames: [{ sanType: literal ? 'IP_ADDRESS' : 'DNS', matcher: { exact: url.host } }],
          },
        },
      }),
    };
  }
  return cluster;
}

/** A cluster name for a policy's service: `<prefix>_<namespace>_<name>[_<part>]`, Envoy-safe. */
export function serviceClusterName(prefix: string, namespace: string, name: string, part?: string): string {
  return [prefix, namespace, name, ...(part ? [part] : [])].join('_').replace(/[^A-Za-z0-9_.-]/g, '_');
}
