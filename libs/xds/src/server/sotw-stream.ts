// State-of-the-world ADS: every response carries the full set of a type (or of the requested names).
import { ENDPOINT_TYPE, PUSH_ORDER, WILDCARD_TYPES, type Snapshot } from '../cache/snapshot.js';
import { AdsStream, type StreamContext } from './ads-stream.js';
import { tooMany } from './limits.js';

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
  /** Resource names held in `watches`, all types together (bounded by the stream limit). */
  private nameCount = 0;

  constructor(context: StreamContext) {
    super(context, 'sotw');
  }

  onRequest(req: DiscoveryRequest): void {
    const { proxy, typeUrl, state } = this.begin(req);
    if (req.responseNonce && req.responseNonce !== state.lastNonce) return; // stale: answers an older response
    if (req.responseNonce) {
      if (req.errorDetail) {
        const message = this.nackMessage(req.errorDetail.message);
        state.lastNack = { nonce: state.lastNonce!, message, at: new Date().toISOString(), ...(state.sentVersion ? { version: state.sentVersion } : {}) };
        // SotW does not say which resources were refused (resource_names is the subscription): attribution uses the message.
        this.callbacks.onNack?.(proxy, typeUrl, { message, resourceNames: [], ...(state.sentVersion ? { version: state.sentVersion } : {}) });
      } else if (req.versionInfo) {
        // Only a version this stream sent is recorded (the nonce matched, so it is that response's).
        state.ackedVersion = state.sentVersion ?? '';
        this.callbacks.onAck?.(proxy, typeUrl, state.ackedVersion);
      }
    }
    const requested = req.resourceNames ?? [];
    const prev = this.watches.get(typeUrl);
    const total = this.nameCount - (prev?.names.size ?? 0) + requested.length;
    if (total > this.limits.maxNamesPerStream)
      throw tooMany(`${total} resource names subscribed`, this.limits.maxNamesPerStream, 'resource_names, all types together');
    const names = new Set<string>();
    for (const n of requested) names.add(this.checkName(n, typeUrl));
    const namesChanged = !prev || prev.names.size !== names.size || [...names].some((n) => !prev.names.has(n));
    this.nameCount += names.size - (prev?.names.size ?? 0);
    this.watches.set(typeUrl, { names, open: true });
    if (!this.snapshot) return; // held until the node group has a snapshot
    const version = this.snapshot.version(typeUrl);
    // Answer when Envoy lacks the current version (a NACKed version is not resent) or asks for other names.
    if (namesChanged || (state.sentVersion !== version && req.versionInfo !== version)) this.respond(typeUrl);
  }

  protected onSnapshot(s: Snapshot, previous: Snapshot | undefined): void {
    const types = [...PUSH_ORDER, ...[...this.watches.keys()].filter((t) => !(PUSH_ORDER as readonly string[]).includes(t)).sort()];
    for (const typeUrl of types) {
      const w = this.watches.get(typeUrl);
      // The first snapshot answers every request held until now.
      if (w?.open && (!previous || s.version(typeUrl) !== previous.version(typeUrl))) this.respond(typeUrl);
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
