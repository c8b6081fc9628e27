/** The subset of Kubernetes ObjectMeta Gatehouse reads. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  generation?: number;
  uid?: string;
  resourceVersion?: string;
}

/** Any Kubernetes-style object: apiVersion/kind/metadata plus an arbitrary body. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** A typed reference to a resource; `namespace` is empty for cluster-scoped kinds. */
export interface ResourceRef {
  kind: string;
  namespace: string;
  name: string;
}

/** `Kind/namespace/name` (or `Kind/name` for cluster-scoped kinds): the one key format used everywhere. */
export function resourceKey(ref: ResourceRef): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

/** The longest part of a reference a message quotes whole (the longest valid name); longer ones are cut. */
const MAX_QUOTED_PART = 253;

function quotePart(s: string): string {
  return s.length <= MAX_QUOTED_PART ? s : `${s.slice(0, MAX_QUOTED_PART)}…(${s.length - MAX_QUOTED_PART} more characters)`;
}

/** `Kind namespace/name`, the form user-facing messages use (each part quoted as a bounded prefix). */
export function describeRef(ref: ResourceRef): string {
  const kind = quotePart(ref.kind);
  const name = quotePart(ref.name);
  return ref.namespace ? `${kind} ${quotePart(ref.namespace)}/${name}` : `${kind} ${name}`;
}

export function refOf(obj: KubeObject): ResourceRef {
  return { kind: obj.kind, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name };
}

/** A Kubernetes status condition. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
}
