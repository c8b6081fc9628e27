// What both ADS flavours share: the proxy a stream serves (known from its first request), its node group's snapshot
// and the watch that brings the next one.
import type { SnapshotCache } from '../cache/snapshot-cache.js';
import type { Snapshot } from '../cache/snapshot.js';
import type { XdsCodec } from './xds-codec.js';
import { newTypeState, nodeGroupOf, type ProxyInfo, type ServerCallbacks, type TypeState } from './proxy-state.js';

export interface StreamRequest {
  node?: { id?: string; cluster?: string; metadata?: unknown };
  typeUrl?: string;
}

export abstract class AdsStream {
  protected proxy?: ProxyInfo;
  protected snapshot?: Snapshot;
  protected nonce = 0;
  private unwatch?: () => void;

  constructor(
    private readonly streamId: number,
    protected readonly cache: SnapshotCache,
    protected readonly codec: XdsCodec,
    protected readonly send: (response: Record<string, unknown>) => void,
    protected readonly callbacks: ServerCallbacks,
    private readonly protocol: ProxyInfo['protocol'],
  ) {}

  info(): ProxyInfo | undefined {
    return this.proxy;
  }

  close(): void {
    this.unwatch?.();
    if (this.proxy) this.callbacks.onStreamClosed?.(this.proxy);
  }

  /** A new snapshot for this stream's node group. */
  protected abstract onSnapshot(s: Snapshot): void;

  /** Every request starts here: the first one opens the stream; returns the proxy and its state for the type. */
  protected begin(req: StreamRequest): { proxy: ProxyInfo; typeUrl: string; state: TypeState } {
    const typeUrl = req.typeUrl ?? '';
    if (!this.proxy) this.open(req);
    const proxy = this.proxy!;
    const state = (proxy.types[typeUrl] ??= newTypeState());
    this.callbacks.onStreamRequest?.(proxy, typeUrl);
    return { proxy, typeUrl, state };
  }

  private open(req: StreamRequest): void {
    const nodeGroup = nodeGroupOf(req.node);
    this.proxy = {
      streamId: this.streamId,
      nodeId: req.node?.id ?? '',
      nodeGroup,
      protocol: this.protocol,
      connectedAt: new Date().toISOString(),
      knownGateway: this.cache.has(nodeGroup),
      types: {},
    };
    this.snapshot = this.cache.getSnapshot(nodeGroup);
    this.unwatch = this.cache.watch(nodeGroup, (s) => this.onSnapshot(s));
    this.callbacks.onStreamOpen?.(this.proxy);
  }
}
