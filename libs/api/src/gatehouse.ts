// Gatehouse's own kinds (gatehouse.dev/v1alpha1).
import type { KubeObject } from './meta.js';

export interface StaticHost {
  /** An IP address or a DNS name (DNS names are resolved by Envoy). */
  address: string;
  port: number;
  /** Relative load-balancing weight of this host (default 1). */
  weight?: number;
}

/** An upstream defined outside Kubernetes Services. One variant is set. */
export interface Upstream extends KubeObject {
  kind: 'Upstream';
  spec: {
    static?: { hosts: StaticHost[] };
    /** Connection timeout, a Go-style duration such as `2s` or `500ms` (default 5s). */
    connectTimeout?: string;
  };
}
