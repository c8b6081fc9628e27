// Gateway API v1.7.0 types, the fields Gatehouse reads (standard channel).
// The Gateway API features and which Gatehouse claims travel with the types.
export * from './features.js';
import type { Condition, KubeObject } from './meta.js';

export interface GatewayClass extends KubeObject {
  kind: 'GatewayClass';
  spec: { controllerName: string; description?: string };
}

export type FromNamespaces = 'All' | 'Same' | 'Selector';

export interface Listener {
  name: string;
  hostname?: string;
  port: number;
  protocol: string; // HTTP | HTTPS | TLS | TCP | UDP | domain-prefixed custom
  tls?: {
    mode?: 'Terminate' | 'Passthrough';
    certificateRefs?: Array<{ group?: string; kind?: string; name: string; namespace?: string }>;
    options?: Record<string, string>;
  };
  allowedRoutes?: {
    namespaces?: { from?: FromNamespaces; selector?: LabelSelector };
    kinds?: Array<{ group?: string; kind: string }>;
  };
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

export interface ObjectReference {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
}

/** Client certificate validation for HTTPS listeners (Gateway spec.tls.frontend). */
export interface FrontendTLSValidation {
  caCertificateRefs: ObjectReference[];
  mode?: 'AllowValidOnly' | 'AllowInsecureFallback';
}

export interface Gateway extends KubeObject {
  kind: 'Gateway';
  spec: {
    gatewayClassName: string;
    listeners: Listener[];
    addresses?: Array<{ type?: string; value?: string }>;
    allowedListeners?: { namespaces?: { from?: FromNamespaces | 'None'; selector?: LabelSelector } };
    infrastructure?: { labels?: Record<string, string>; annotations?: Record<string, string>; parametersRef?: { group: string; kind: string; name: string } };
    tls?: {
      backend?: { clientCertificateRef?: ObjectReference };
      frontend?: { default: { validation?: FrontendTLSValidation }; perPort?: Array<{ port: number; tls: { validation?: FrontendTLSValidation } }> };
    };
  };
  status?: { conditions?: Condition[] };
}

/** Listeners a team adds to a shared Gateway (standard since v1.5). */
export interface ListenerSet extends KubeObject {
  kind: 'ListenerSet';
  spec: {
    parentRef: { group?: string; kind?: string; name: string; namespace?: string };
    listeners: Listener[];
  };
}

export interface ParentReference {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface BackendRef {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  port?: number;
  weight?: number;
}

export type PathMatchType = 'Exact' | 'PathPrefix' | 'RegularExpression';
export type StringMatchType = 'Exact' | 'RegularExpression';

export interface HTTPRouteMatch {
  path?: { type?: PathMatchType; value?: string };
  headers?: Array<{ type?: StringMatchType; name: string; value: string }>;
  queryParams?: Array<{ type?: StringMatchType; name: string; value: string }>;
  method?: string;
}

export interface HTTPRouteRule {
  name?: string;
  matches?: HTTPRouteMatch[];
  filters?: Array<{ type: string; [config: string]: unknown }>;
  backendRefs?: Array<BackendRef & { filters?: unknown[] }>;
  timeouts?: { request?: string; backendRequest?: string };
}

export interface HTTPRoute extends KubeObject {
  kind: 'HTTPRoute';
  spec: {
    parentRefs?: ParentReference[];
    hostnames?: string[];
    rules?: HTTPRouteRule[];
  };
}

export interface GRPCMethodMatch {
  type?: 'Exact' | 'RegularExpression';
  service?: string;
  method?: string;
}

export interface GRPCRouteRule {
  name?: string;
  matches?: Array<{ method?: GRPCMethodMatch; headers?: Array<{ type?: StringMatchType; name: string; value: string }> }>;
  filters?: Array<{ type: string; [config: string]: unknown }>;
  backendRefs?: Array<BackendRef & { filters?: unknown[] }>;
  sessionPersistence?: unknown;
}

export interface GRPCRoute extends KubeObject {
  kind: 'GRPCRoute';
  spec: { parentRefs?: ParentReference[]; hostnames?: string[]; rules?: GRPCRouteRule[] };
}

/** TLSRoute, TCPRoute and UDPRoute: connections (or datagrams) forwarded to weighted backends. */
export interface StreamRouteRule {
  name?: string;
  backendRefs?: BackendRef[];
}

export interface TLSRoute extends KubeObject {
  kind: 'TLSRoute';
  spec: { parentRefs?: ParentReference[]; hostnames?: string[]; rules?: StreamRouteRule[] };
}

export interface TCPRoute extends KubeObject {
  kind: 'TCPRoute';
  spec: { parentRefs?: ParentReference[]; rules?: StreamRouteRule[] };
}

export interface UDPRoute extends KubeObject {
  kind: 'UDPRoute';
  spec: { parentRefs?: ParentReference[]; rules?: StreamRouteRule[] };
}

/** Every route kind, as translation reads it. */
export type AnyRoute = HTTPRoute | GRPCRoute | TLSRoute | TCPRoute | UDPRoute;

/** Upstream TLS for a Service (or a port of it): CA, SNI and subject alternative names to validate. */
export interface BackendTLSPolicy extends KubeObject {
  kind: 'BackendTLSPolicy';
  spec: {
    targetRefs: Array<{ group?: string; kind: string; name: string; sectionName?: string }>;
    validation: {
      caCertificateRefs?: ObjectReference[];
      wellKnownCACertificates?: 'System';
      hostname: string;
      subjectAltNames?: Array<{ type: 'Hostname' | 'URI'; hostname?: string; uri?: string }>;
    };
    options?: Record<string, string>;
  };
}
