// Gateway API v1.7.0 types, the fields Gatehouse reads (standard channel).
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

export interface Gateway extends KubeObject {
  kind: 'Gateway';
  spec: {
    gatewayClassName: string;
    listeners: Listener[];
    addresses?: Array<{ type?: string; value: string }>;
  };
  status?: { conditions?: Condition[] };
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
