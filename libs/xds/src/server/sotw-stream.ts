// State-of-the-world ADS: every response carries the full set of a type (or of the requested names).
import type { SnapshotCache } from '../cache/snapshot-cache.js';
import { ENDPOINT_TYPE, PUSH_ORDER, WILDCARD_TYPES, type Snapshot } from '../cache/snapshot.js';
import type { XdsCodec } from './xds-codec.js';
import type { ServerCallbacks } from './proxy-state.js';
import { AdsStream } from './ads-stream.js';

export interface DiscoveryRequest {
  versionInfo?: string;
  node?: { id?: string; cluster?: string; metadata?: unknown };
  resourceNames?: string[];
  typeUrl?: string;
  responseNonce?: string;
  errorDetail?: { code?: number; message?: string };
}

interface Watch {
  names: Set<string>;
  /** Envoy has a request open for this type (it always does after its first one). */
  open: boolean;
}

export class SotwStream extends AdsStream {
  private readonly watches = new Map<string, Watch>();

  constructor(streamId: number, cache: SnapshotCache, codec: XdsCodec, send: (response: Record<string, unknown>) => void, callbacks: ServerCallbacks) {
    super(streamId, cache, codec, send, callbacks, 'sotw');
  }

  onRequest(req: DiscoveryRequest): void {
    const { proxy, typeUrl, state } = this.begin(req);
    if (req.responseNonce && req.responseNonce !== state.lastNonce) return; // stale: answers an older response
    if (req.responseNonce) {
      if (req.errorDetail) {
        const message = req.errorDetail.message ?? '';
        state.lastNack = { nonce: req.responseNonce, message, at: new Date().toISOString(), ...(state.sentVersion ? { version: state.sentVersion } : {}) };
        // SotW does not say which resources were refused (resource_names is the subscription): attribution uses the message.
        this.callbacks.onNack?.(proxy, typeUrl, { message, resourceNames: [], ...(state.sentVersion ? { version: state.sentVersion } : {}) });
      } else if (req.versionInfo) {
        state.ackedVersion = req.versionInfo;
        this.callbacks.onAck?.(proxy, typeUrl, req.versionInfo);
      }
    }
    const names = new Set(req.resourceNames ?? []);
    const prev = this.watches.get(typeUrl);
    const namesChanged = !prev || prev.names.size !== names.size || [...names].some((n) => !prev.names.has(n));
    this.watches.set(typeUrl, { names, open: true });
    const version = this.snapshot!.version(typeUrl);
    // Answer when Envoy lacks the current version (a NACKed version is not resent) or asks for other names.
    if (namesChanged || (state.sentVersion !== version && req.versionInfo !== version)) this.respond(typeUrl);
  }

  protected onSnapshot(s: Snapshot): void {
    const previous = this.snapshot!;
    this.snapshot = s;
    this.proxy!.knownGateway = this.cache.has(this.proxy!.nodeGroup);
    for (const typeUrl of PUSH_ORDER) {
      const w = this.watches.get(typeUrl);
      if (w?.open && s.version(typeUrl) !== previous.version(typeUrl)) this.respond(typeUrl);
    }
  }

  private respond(typeUrl: string): void {
    const watch = this.watches.get(typeUrl)!;
    const state = this.proxy!.types[typeUrl]!;
    const all = this.snapshot!.get(typeUrl);
    const resources: Uint8Array[] = [];
    const names: string[] = [];
    const add = (name: string, bytes: Uint8Array) => {
      resources.push(bytes);
      names.push(name);
    };
    if (WILDCARD_TYPES.has(typeUrl) || watch.names.size === 0) {
      for (const r of all.values()) add(r.name, r.bytes);
    } else {
      for (const name of [...watch.names].sort()) {
        const r = all.get(name);
        if (r) add(name, r.bytes);
        // EDS must answer every cluster Envoy asks for, or its warming waits out initial_fetch_timeout.
        else if (typeUrl === ENDPOINT_TYPE) add(name, this.codec.emptyLoadAssignment(name));
      }
    }
    const version = this.snapshot!.version(typeUrl);
    const nonce = String(++this.nonce);
    state.sentVersion = version;
    state.lastNonce = nonce;
    state.responses++;
    state.resourcesSent += resources.length;
    watch.open = false;
    this.send({ versionInfo: version, typeUrl, nonce, resources: resources.map((value) => ({ type_url: typeUrl, value })) });
    this.callbacks.onStreamResponse?.(this.proxy!, typeUrl, names);
  }
}
