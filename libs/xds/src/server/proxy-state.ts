// What the server knows about each connected proxy: per type, what was sent, ACKed and NACKed.
import { structToJson } from '../codec/strict-encoder.js';

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
  nodeId: string;
  nodeGroup: string;
  protocol: 'sotw' | 'delta';
  connectedAt: string;
  /** False when the node names a Gateway Gatehouse has no snapshot for (it is served an empty one). */
  knownGateway: boolean;
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
  const meta = node?.metadata ? structToJson(node.metadata) : {};
  const fromMeta = meta[NODE_GATEWAY_KEY];
  if (typeof fromMeta === 'string' && fromMeta) return fromMeta;
  return node?.cluster ?? '';
}

export function shortType(typeUrl: string): string {
  return typeUrl.split('.').pop() ?? typeUrl;
}

export function newTypeState(): TypeState {
  return { responses: 0, resourcesSent: 0, resourcesRemoved: 0 };
}

/** Server callbacks, named as go-control-plane names them. */
export interface ServerCallbacks {
  onStreamOpen?(proxy: ProxyInfo): void;
  onStreamClosed?(proxy: ProxyInfo): void;
  onStreamRequest?(proxy: ProxyInfo, typeUrl: string): void;
  onStreamResponse?(proxy: ProxyInfo, typeUrl: string, resourceNames: string[]): void;
  onAck?(proxy: ProxyInfo, typeUrl: string, version: string): void;
  onNack?(proxy: ProxyInfo, typeUrl: string, nack: { version?: string; message: string; resourceNames: string[] }): void;
}
