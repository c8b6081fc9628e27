// What both ADS flavours share: the proxy a stream serves (known from its first request), its node group's snapshot
// and the watch that brings the next one. A proxy is never answered before its node group has a snapshot: its
// requests are held (as go-control-plane's cache holds them), so a restart never serves it an empty configuration.
import { status } from '@grpc/grpc-js';
import type { SnapshotCache } from '../cache/snapshot-cache.js';
import type { Snapshot } from '../cache/snapshot.js';
import type { XdsCodec } from './xds-codec.js';
import { hasControl, safeClientString } from './client-strings.js';
import { MAX_NODE_GROUP_LENGTH, StreamError, tooMany, type StreamLimits } from './limits.js';
import { clientKeyed, newTypeState, nodeGroupOf, type ProxyInfo, type ServerCallbacks, type TypeState } from './proxy-state.js';

export interface StreamRequest {
  node?: { id?: string; cluster?: string; metadata?: unknown };
  typeUrl?: string;
}

/** What a stream is given by the server. */
export interface StreamContext {
  streamId: number;
  cache: SnapshotCache;
  codec: XdsCodec;
  send: (response: Record<string, unknown>) => void;
  callbacks: ServerCallbacks;
  limits: StreamLimits;
  /** With mTLS: the Gateway the client certificate names; the node must name the same one. */
  identity?: string;
}

/** Type URLs are ASCII without spaces (type.googleapis.com/<message>). */
const TYPE_URL = /^[\x21-\x7e]*$/;

export abstract class AdsStream {
  protected proxy?: ProxyInfo;
  /** Undefined until the node group has a snapshot (requests are held until then). */
  protected snapshot?: Snapshot;
  protected nonce = 0;
  protected readonly cache: SnapshotCache;
  protected readonly codec: XdsCodec;
  protected readonly send: (response: Record<string, unknown>) => void;
  protected readonly callbacks: ServerCallbacks;
  protected readonly limits: StreamLimits;
  private unwatch?: () => void;
  private typeCount = 0;

  constructor(
    private readonly context: StreamContext,
    private readonly protocol: ProxyInfo['protocol'],
  ) {
    this.cache = context.cache;
    this.codec = context.codec;
    this.send = context.send;
    this.callbacks = context.callbacks;
    this.limits = context.limits;
  }

  info(): ProxyInfo | undefined {
    return this.proxy;
  }

  close(): void {
    this.unwatch?.();
    this.unwatch = undefined;
    if (this.proxy) this.callbacks.onStreamClosed?.(this.proxy);
  }

  /**
   * The node group's snapshot changed (or, when `previous` is undefined, exists for the first time: every request
   * held so far is answered now).
   */
  protected abstract onSnapshot(s: Snapshot, previous: Snapshot | undefined): void;

  /** Every request starts here: the first one opens the stream; returns the proxy and its state for the type. */
  protected begin(req: StreamRequest): { proxy: ProxyInfo; typeUrl: string; state: TypeState } {
    const typeUrl = req.typeUrl ?? '';
    if (!this.proxy) this.open(req);
    const proxy = this.proxy!;
    let state = proxy.types[typeUrl];
    if (!state) {
      if (typeUrl.length > this.limits.maxTypeUrlLength || !TYPE_URL.test(typeUrl)) {
        throw new StreamError(
          status.INVALID_ARGUMENT,
          `type URL "${safeClientString(typeUrl, 100)}" is not a type URL (printable ASCII, at most ${this.limits.maxTypeUrlLength} characters)`,
        );
      }
      if (++this.typeCount > this.limits.maxTypesPerStream)
        throw tooMany(`${this.typeCount} resource types asked for`, this.limits.maxTypesPerStream, 'distinct type_url values');
      state = proxy.types[typeUrl] = newTypeState();
    }
    this.callbacks.onStreamRequest?.(proxy, typeUrl);
    return { proxy, typeUrl, state };
  }

  /** A resource name from the client, refused when longer than the limit. */
  protected checkName(name: string, typeUrl: string): string {
    if (name.length > this.limits.maxNameLength) {
      throw new StreamError(
        status.INVALID_ARGUMENT,
        `a ${typeUrl.split('.').pop()} resource name of ${name.length} characters ("${safeClientString(name, 60)}"): names are at most ${this.limits.maxNameLength}`,
      );
    }
    return name;
  }

  /** A NACK's message as kept: cut to the limit. */
  protected nackMessage(message: string | undefined): string {
    const m = message ?? '';
    return m.length <= this.limits.maxNackMessageLength ? m : `${m.slice(0, this.limits.maxNackMessageLength)}…(${m.length} chars)`;
  }

  private open(req: StreamRequest): void {
    const nodeGroup = nodeGroupOf(req.node);
    const nodeId = safeClientString(typeof req.node?.id === 'string' ? req.node.id : '', this.limits.maxNodeIdLength);
    if (nodeGroup.length > MAX_NODE_GROUP_LENGTH || hasControl(nodeGroup)) {
      throw new StreamError(
        status.INVALID_ARGUMENT,
        `node "${nodeId}" names gateway "${safeClientString(nodeGroup, 100)}", which is not a Gateway NAMESPACE/NAME`,
      );
    }
    const identity = this.context.identity;
    if (identity !== undefined && nodeGroup !== identity) {
      throw new StreamError(
        status.PERMISSION_DENIED,
        `node "${nodeId}" asks for gateway "${nodeGroup}" but its client certificate is for gateway ${identity}: a proxy is served only the Gateway its certificate names (issue one with gatehouse bootstrap --xds-tls --gateway ${nodeGroup || 'NAMESPACE/NAME'})`,
      );
    }
    this.proxy = {
      streamId: this.context.streamId,
      nodeId,
      nodeGroup,
      ...(identity !== undefined ? { identity } : {}),
      protocol: this.protocol,
      connectedAt: new Date().toISOString(),
      knownGateway: this.cache.has(nodeGroup),
      types: clientKeyed<TypeState>(),
    };
    this.snapshot = this.cache.servable(nodeGroup);
    this.unwatch = this.cache.watch(nodeGroup, (s) => {
      const previous = this.snapshot;
      this.snapshot = s;
      this.proxy!.knownGateway = this.cache.has(nodeGroup);
      this.onSnapshot(s, previous);
    });
    this.callbacks.onStreamOpen?.(this.proxy);
  }
}
