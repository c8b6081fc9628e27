// What the server knows about each connected proxy: per type, what was sent, ACKed and NACKed.

export interface TypeState {
  /** SotW: the version last sent; delta: the snapshot version last sent. */
  sentVersion?: string;
  ackedVersion?: string;
  lastNonce?: string;
  lastNack?: { version?: string; nonce: string; message: string; at: string };
  responses: number;
  resourcesSent: number;
  resourcesRemoved: number;
  /** Delta only: each resource's last sent version and whether the proxy ACKed or NACKed it. */
  resources?: Record<string, { version: string; state: 'sent' | 'acked' | 'nacked' }>;
}

export interface ProxyInfo {
  streamId: number;
  /** The node id as sent, control characters escaped and cut to a bounded length: safe in any log line. */
  nodeId: string;
  /** The Gateway `namespace/name` the node asks for (checked: no control characters, bounded length). */
  nodeGroup: string;
  /** With mTLS: the Gateway the client certificate names (the stream serves that Gateway only). */
  identity?: string;
  protocol: 'sotw' | 'delta';
  connectedAt: string;
  /**
   * False when the node names a Gateway Gatehouse has no snapshot for: its requests are held until there is one
   * (a Gateway deleted while the control plane runs is served an empty configuration instead).
   */
  knownGateway: boolean;
  /** By type URL (a null-prototype record: type URLs come from the client). */
  types: Record<string, TypeState>;
}

export interface DecodedNode {
  id?: string;
  cluster?: string;
  metadata?: unknown;
}

export const NODE_GATEWAY_KEY = 'gatehouse.dev/gateway';

/** The node group (Gateway `namespace/name`) a node asks for: its metadata key, else its cluster. */
export function nodeGroupOf(node: DecodedNode | undefined): string {
  // Only the one key is read: the rest of the metadata (any depth, any size) is the client's business.
  const fields = (node?.metadata as { fields?: Record<string, { stringValue?: unknown }> } | undefined)?.fields;
  const fromMeta = fields && Object.hasOwn(fields, NODE_GATEWAY_KEY) ? fields[NODE_GATEWAY_KEY]?.stringValue : undefined;
  if (typeof fromMeta === 'string' && fromMeta) return fromMeta;
  return typeof node?.cluster === 'string' ? node.cluster : '';
}

export function shortType(typeUrl: string): string {
  return typeUrl.split('.').pop() ?? typeUrl;
}

/** A record keyed by client strings: no prototype, so `__proto__` or `constructor` are plain keys. */
export function clientKeyed<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

export function newTypeState(): TypeState {
  return { responses: 0, resourcesSent: 0, resourcesRemoved: 0 };
}

/** A stream the server ended: who, with which gRPC status, and why. */
export interface StreamRefusal {
  /** The peer address as gRPC reports it. */
  peer: string;
  /** The gRPC status name (PERMISSION_DENIED, RESOURCE_EXHAUSTED, INVALID_ARGUMENT, INTERNAL). */
  code: string;
  message: string;
  /** The proxy, when the stream had opened before it was refused. */
  proxy?: ProxyInfo;
}

/** Server callbacks, named as go-control-plane names them. */
export interface ServerCallbacks {
  onStreamOpen?(proxy: ProxyInfo): void;
  onStreamClosed?(proxy: ProxyInfo): void;
  onStreamRequest?(proxy: ProxyInfo, typeUrl: string): void;
  onStreamResponse?(proxy: ProxyInfo, typeUrl: string, resourceNames: string[]): void;
  onAck?(proxy: ProxyInfo, typeUrl: string, version: string): void;
  onNack?(proxy: ProxyInfo, typeUrl: string, nack: { version?: string; message: string; resourceNames: string[] }): void;
  /** A stream ended by the server: a certificate naming another Gateway, a bound exceeded, a malformed request. */
  onStreamRefused?(refusal: StreamRefusal): void;
}
