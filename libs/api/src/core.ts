// The core Kubernetes subset Gatehouse reads: Services, EndpointSlices, Namespaces.
import type { KubeObject } from './meta.js';

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}

export interface Service extends KubeObject {
  kind: 'Service';
  spec: { ports?: ServicePort[]; selector?: Record<string, string>; type?: string; externalName?: string };
}

export interface EndpointSlice extends KubeObject {
  kind: 'EndpointSlice';
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints?: Array<{
    addresses: string[];
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
    zone?: string;
  }>;
  ports?: Array<{ name?: string; port?: number; protocol?: string }>;
}

export interface Namespace extends KubeObject {
  kind: 'Namespace';
}

export interface Secret extends KubeObject {
  kind: 'Secret';
  type?: string;
  /** Base64-encoded values. */
  data?: Record<string, string>;
  /** Plain values (merged over data, as the apiserver does). */
  stringData?: Record<string, string>;
}
