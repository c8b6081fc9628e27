// The intermediate representation: what the Gateway API resources mean, before any Envoy detail.
// Types only. The translator builds it; plugins decorate it; the xds-translator turns it into Envoy resources.
import type { ResourceRef } from '@gatehouse/api';

/** The whole IR: one entry per Gateway that Gatehouse controls, in key order. */
export interface IR {
  gateways: GatewayIR[];
  /** Every upstream referenced by any route, by cluster name (shared across gateways). */
  upstreams: Record<string, UpstreamIR>;
  /** TLS certificates referenced by HTTPS listeners, by SDS secret name. */
  secrets: Record<string, SecretIR>;
}

/** Upstream TLS from a BackendTLSPolicy. */
export interface UpstreamTlsIR {
  /** The SNI sent (and, without subjectAltNames, the name the certificate must carry). */
  sni: string;
  /** PEM bundle of trusted CAs, or `system` for the machine's well-known CAs. */
  trustedCa: string;
  /** The names the certificate must carry one of (DNS names or URIs); derived from `sni` when the policy names none. */
  subjectAltNames: Array<{ type: 'DNS' | 'URI'; value: string }>;
  /** The policy, for provenance. */
  policy: ResourceRef;
}

/** A certificate and key (PEM), served to Envoy over SDS. Never logged, redacted in admin output. */
export interface SecretIR {
  name: string;
  source: ResourceRef;
  certificateChain: string;
  privateKey: string;
}

/** One HTTPS Gateway listener: a filter chain selected by SNI, with its own routes. */
export interface TlsChainIR {
  /** The Gateway listener's section name. */
  sectionName: string;
  /** Unique within the Envoy listener: the section name, or `ls/<namespace>/<name>/<listener>` for a ListenerSet's. */
  key: string;
  /** Route configuration name for this chain. */
  routeConfigName: string;
  /** SNI names (empty: any). */
  serverNames: string[];
  /** SDS secret names of the certificates. */
  secretNames: string[];
  /** Client certificates validated against these CAs (Gateway spec.tls.frontend). */
  clientValidation?: ClientValidationIR;
  virtualHosts: VirtualHostIR[];
}

/** Frontend mTLS: the CA bundle client certificates are checked against. */
export interface ClientValidationIR {
  trustedCa: string;
  /** AllowInsecureFallback: a missing or failing client certificate is let through (to the backend to decide). */
  allowInsecure: boolean;
}

export interface GatewayIR {
  /** `namespace/name`, also the xDS node group. */
  key: string;
  ref: ResourceRef;
  /** One per distinct (address, port): Gateway listeners on the same port share an Envoy listener. */
  listeners: HttpListenerIR[];
  /** spec.infrastructure labels and annotations, for whatever provisions the proxy (Kubernetes mode). */
  infrastructure?: { labels: Record<string, string>; annotations: Record<string, string> };
  /** TLS (passthrough or terminated), TCP and UDP listeners: connections forwarded by TLSRoute/TCPRoute/UDPRoute. */
  streamListeners?: StreamListenerIR[]; /** SDS secret name of the client certificate its TLS backends are given (Gateway spec.tls.backend). */
  backendClientCert?: string;
}

/** An Envoy listener for TLS, TCP or UDP: filter chains forwarding whole connections (datagrams). */
export interface StreamListenerIR {
  /** Envoy listener name: `tls-<port>`, `tcp-<port>` or `udp-<port>`. */
  name: string;
  protocol: 'TLS' | 'TCP' | 'UDP';
  address: string;
  /** More addresses the listener binds too (a Gateway with several spec.addresses). */
  additionalAddresses?: string[];
  port: number;
  /** Gateway listener section names merged into this Envoy listener. */
  sectionNames: string[];
  /** TCP and UDP: one; TLS: one per SNI served (by the winning route). Empty: nothing is served on the port. */
  chains: StreamChainIR[];
}

export interface StreamChainIR {
  /** Unique within the listener. */
  name: string;
  /** TLS: the SNI names this chain serves (empty: any, including none). */
  serverNames: string[];
  /** TLS Terminate: SDS secret names of the certificates; absent for passthrough (and TCP/UDP). */
  secretNames?: string[];
  /** The route rule that serves it. */
  route: StreamRouteIR;
}

export interface HttpListenerIR {
  /** Envoy listener name, unique within a gateway, e.g. `http-8080` or `https-8443`. */
  name: string;
  protocol: 'HTTP' | 'HTTPS';
  address: string;
  /** More addresses the listener binds too (a Gateway with several spec.addresses). */
  additionalAddresses?: string[];
  port: number;
  /** Gateway listener section names merged into this Envoy listener. */
  sectionNames: string[];
  /** Virtual hosts, in a deterministic order (exact hostnames, then wildcards, then `*`). HTTP only. */
  virtualHosts: VirtualHostIR[];
  /** HTTPS: one filter chain per Gateway listener on this port. */
  tlsChains?: TlsChainIR[];
  /** Policies plugins attached at listener scope, by plugin name. */
  policies: Record<string, unknown>;
}

export interface VirtualHostIR {
  name: string;
  /** Envoy domain patterns (`foo.example.com`, `*.example.com`, `*`). */
  domains: string[];
  /** Routes in Gateway API precedence order (first match wins in Envoy). */
  routes: RouteIR[];
  policies: Record<string, unknown>;
  /** An HTTPS listener's domain that another listener on the port serves: answered 421 Misdirected Request. */
  misdirected?: boolean;
}

export type StringMatchIR = { type: 'Exact' | 'RegularExpression'; name: string; value: string };

export interface RouteMatchIR {
  path: { type: 'Exact' | 'PathPrefix' | 'RegularExpression'; value: string };
  headers: StringMatchIR[];
  queryParams: StringMatchIR[];
  method?: string;
  /**
   * GRPCRoute: the gRPC service and method the path was made from (their lengths rank gRPC routes); such a route
   * matches gRPC requests only.
   */
  grpc?: { service: string; method: string };
}

export interface WeightedBackendIR {
  /** The cluster that serves this share; for an invalid backend, a name no cluster has (Envoy answers 500). */
  clusterName: string;
  weight: number;
  /** False when the reference could not be resolved: its share of traffic gets HTTP 500 by design. */
  valid: boolean;
  /** Filters that apply only when this backend is chosen (HTTPBackendRef.filters): header modifiers. */
  filters?: BackendFilterIR[];
  /** What the backendRef names, defaults filled in (set on valid backends): plugins read it (e.g. which Upstream). */
  ref?: { group: string; kind: string; namespace: string; name: string };
}

/** Filters a backendRef may carry (applied only to requests sent to that backend). */
export type BackendFilterIR = Extract<RouteFilterIR, { type: 'RequestHeaderModifier' | 'ResponseHeaderModifier' }>;

export interface RetryIR {
  /** Retries after the first attempt (0 disables retries). */
  attempts: number;
  /** HTTP status codes that are retried (400-599); connection errors are always retried. */
  codes: number[];
  backoffMs?: number;
}

/** HTTPRoute sessionPersistence: requests of one session go to the same endpoint. */
export interface SessionPersistenceIR {
  type: 'Cookie' | 'Header';
  /** Cookie or header name. */
  name: string;
  /** Cookie Path attribute. */
  path?: string;
  /** Cookie lifetime (Permanent cookies); absent: a session cookie. */
  ttlSeconds?: number;
}

export type RouteActionIR =
  | {
      kind: 'forward';
      backends: WeightedBackendIR[];
      /** Whole-request timeout (HTTPRoute timeouts.request); 0 disables it. */
      timeoutMs?: number;
      /** Per backend attempt (timeouts.backendRequest). */
      backendTimeoutMs?: number;
      retry?: RetryIR;
      sessionPersistence?: SessionPersistenceIR;
    }
  | { kind: 'direct'; status: number; body?: string }
  | { kind: 'redirect'; redirect: RedirectIR };

export type PathModifierIR = { type: 'ReplaceFullPath'; value: string } | { type: 'ReplacePrefixMatch'; value: string };

export interface RedirectIR {
  scheme?: string;
  hostname?: string;
  port?: number;
  path?: PathModifierIR;
  statusCode: number;
}

export interface HeaderModifierIR {
  set: Array<{ name: string; value: string }>;
  add: Array<{ name: string; value: string }>;
  remove: string[];
}

export interface CorsIR {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  allowCredentials: boolean;
  maxAgeSeconds: number;
}

/** HTTPRoute filters, validated and resolved (mirror backends are cluster names). */
export type RouteFilterIR =
  | { type: 'RequestHeaderModifier'; modifier: HeaderModifierIR }
  | { type: 'ResponseHeaderModifier'; modifier: HeaderModifierIR }
  | { type: 'URLRewrite'; hostname?: string; path?: PathModifierIR }
  | { type: 'RequestMirror'; clusterName: string; valid: boolean; fraction?: { numerator: number; denominator: number } }
  | { type: 'CORS'; cors: CorsIR }
  /** A filter a plugin claimed (TranslatorPlugin.extensionRefs): it emits nothing itself; that plugin's hooks act on it. */
  | { type: 'ExtensionRef'; group: string; kind: string; name: string };

export interface RouteIR {
  /** Unique, stable name: `<ns>/<route>/rule/<i>/match/<j>`. */
  name: string;
  /** Provenance: the source resource and rule that produced this route. */
  source: ResourceRef;
  ruleIndex: number;
  matchIndex: number;
  match: RouteMatchIR;
  action: RouteActionIR;
  /** Filters in the order the rule lists them. */
  filters: RouteFilterIR[];
  /** Policies plugins attached at route scope, by plugin name. */
  policies: Record<string, unknown>;
}

/** A TLSRoute, TCPRoute or UDPRoute rule: connections (datagrams) go to weighted backends. */
export interface StreamRouteIR {
  /** Unique, stable name: `<ns>/<route>/rule/<i>`. */
  name: string;
  source: ResourceRef;
  ruleIndex: number;
  /** Empty or all invalid: connections are refused (closed). */
  backends: WeightedBackendIR[];
}

export interface EndpointIR {
  address: string;
  port: number;
  weight?: number;
  ready: boolean;
  zone?: string;
}

/** A resolved backend. `discovery: 'eds'` sends endpoints over EDS; `dns` lets Envoy resolve hostnames. */
export interface UpstreamIR {
  clusterName: string;
  /** The resources that produced it (a Service and its EndpointSlices, an Upstream...). */
  sources: ResourceRef[];
  discovery: 'eds' | 'dns';
  endpoints: EndpointIR[];
  connectTimeoutMs: number;
  /** Which plugin owns this upstream's cluster shape. */
  plugin: string;
  /**
   * The backend's application protocol (a Service port's appProtocol): HTTP/1.1 when absent; `h2c` speaks HTTP/2
   * without TLS (prior knowledge); `ws` is HTTP/1.1 with WebSocket upgrades.
   */
  appProtocol?: 'h2c' | 'ws';
  /** TLS to the backend (a BackendTLSPolicy): Envoy originates TLS and validates the backend's certificate. */
  tls?: UpstreamTlsIR;
  policies: Record<string, unknown>;
}
