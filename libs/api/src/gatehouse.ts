// Gatehouse's own kinds (gatehouse.dev/v1alpha1).
import type { KubeObject } from './meta.js';

export interface StaticHost {
  /** An IP address or a DNS name (DNS names are resolved by Envoy). */
  address: string;
  port: number;
  /** Relative load-balancing weight of this host (default 1). */
  weight?: number;
}

/** AWS Lambda: where the functions are and how to authenticate. */
export interface AwsUpstreamSpec {
  region: string;
  /** Overrides the regional endpoint (an emulator, a VPC endpoint): `https://host[:port]` or `http://host:port`. */
  endpoint?: string;
  /** A Secret (same namespace) with `aws_access_key_id`, `aws_secret_access_key`, optional `aws_session_token`; else the ambient AWS credential chain. */
  secretRef?: { name: string };
  /** A role to assume with STS (with the credentials above); the temporary credentials are rotated before they expire. */
  roleArn?: string;
}

/** Where the OpenAPI (or Swagger 2.0) document of an HTTP upstream is: probed paths, a URL, or the document itself. */
export interface OpenApiDiscoverySpec {
  /** Paths probed on the upstream's first host, in order (default: /openapi.json, /openapi.yaml, /v3/api-docs, /swagger.json, /swagger/v1/swagger.json). */
  paths?: string[];
  /** The document's URL. */
  url?: string;
  /** The document itself (JSON or YAML). */
  document?: string;
}

/** A function of an Upstream, found by discovery or written by hand; a route targets one by `name`. */
export interface UpstreamFunctionSpec {
  name: string;
  /** `arn`: the (qualified) function ARN, which Envoy invokes; discovery fills it in. */
  lambda?: { functionName: string; qualifier?: string; invocation?: 'Synchronous' | 'Asynchronous'; arn?: string };
  http?: { method: string; path: string; operationId?: string };
}

/** An upstream defined outside Kubernetes Services. One variant is set (static, kube or aws). */
export interface Upstream extends KubeObject {
  kind: 'Upstream';
  spec: {
    static?: { hosts: StaticHost[] };
    /** A Service port of the Upstream's namespace (what discovery creates for each Service port); endpoints by EDS. */
    kube?: { serviceName: string; servicePort: number };
    aws?: AwsUpstreamSpec;
    /** Discover this upstream's functions from its OpenAPI document. */
    openapi?: OpenApiDiscoverySpec;
    functions?: UpstreamFunctionSpec[];
    /** Connection timeout, a Go-style duration such as `2s` or `500ms` (default 5s). */
    connectTimeout?: string;
  };
}
