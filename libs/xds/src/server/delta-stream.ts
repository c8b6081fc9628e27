// Incremental (delta) ADS: send only resources whose version the proxy lacks, and names that went away.
import type { SnapshotCache } from '../cache/snapshot-cache.js';
import { ENDPOINT_TYPE, PUSH_ORDER, WILDCARD_TYPES, type Snapshot } from '../cache/snapshot.js';
import type { XdsCodec } from './xds-codec.js';
import type { ServerCallbacks } from './proxy-state.js';
import { AdsStream } from './ads-stream.js';

export interface DeltaDiscoveryRequest {
  node?: { id?: string; cluster?: string; metadata?: unknown };
  typeUrl?: string;
  resourceNamesSubscribe?: string[];
  resourceNamesUnsubscribe?: string[];
  initialResourceVersions?: Record<string, string>;
  responseNonce?: string;
  errorDetail?: { code?: number; message?: string };
}

interface Subscription {
  wildcard: boolean;
  names: Set<string>;
  /** What the proxy holds: name → version (optimistic: updated when sent). */
  has: Map<string, string>;
  /** Resource names sent under each outstanding nonce, for NACK attribution. */
  sentUnder: Map<string, string[]>;
}

export class DeltaStream extends AdsStream {
  private readonly subs = new Map<string, Subscription>();

  constructor(streamId: number, cache: SnapshotCache, codec: XdsCodec, send: (response: Record<string, unknown>) => void, callbacks: ServerCallbacks) {
    super(streamId, cache, codec, send, callbacks, 'delta');
  }

  onRequest(req: DeltaDiscoveryRequest): void {
    const { proxy, typeUrl, state } = this.begin(req);
    let sub = this.subs.get(typeUrl);
    const first = !sub;
    if (!sub) {
      sub = { wildcard: false, names: new Set(), has: new Map(Object.entries(req.initialResourceVersions ?? {})), sentUnder: new Map() };
      // An empty first subscription to a wildcard-capable type means "everything".
      sub.wildcard = (req.resourceNamesSubscribe ?? []).length === 0 && WILDCARD_TYPES.has(typeUrl);
      this.subs.set(typeUrl, sub);
    }
    if (req.responseNonce) {
      const names = sub.sentUnder.get(req.responseNonce) ?? [];
      sub.sentUnder.delete(req.responseNonce);
      // Per resource: Envoy applies delta resources one by one, so an ACK or NACK is about these names.
      const perResource = (state.resources ??= {});
      for (const n of names) if (perResource[n]) perResource[n].state = req.errorDetail ? 'nacked' : 'acked';
      if (req.errorDetail) {
        const message = req.errorDetail.message ?? '';
        state.lastNack = { nonce: req.responseNonce, message, at: new Date().toISOString() };
        this.callbacks.onNack?.(proxy, typeUrl, { message, resourceNames: names });
      } else {
        state.ackedVersion = state.sentVersion ?? '';
        this.callbacks.onAck?.(proxy, typeUrl, state.ackedVersion);
      }
    }
    let changed = false;
    for (const n of req.resourceNamesSubscribe ?? []) {
      if (n === '*') sub.wildcard = true;
      else if (!sub.names.has(n)) sub.names.add(n);
      else continue;
      changed = true;
    }
    for (const n of req.resourceNamesUnsubscribe ?? []) {
      if (n === '*') sub.wildcard = false;
      sub.names.delete(n);
      sub.has.delete(n);
    }
    if (first || changed) this.respond(typeUrl, first || changed);
  }

  protected onSnapshot(s: Snapshot): void {
    this.snapshot = s;
    this.proxy!.knownGateway = this.cache.has(this.proxy!.nodeGroup);
    for (const typeUrl of PUSH_ORDER) if (this.subs.has(typeUrl)) this.respond(typeUrl, false);
  }

  /** Sends what changed; `force` answers even when nothing did (a first request must be answered). */
  private respond(typeUrl: string, force: boolean): void {
    const sub = this.subs.get(typeUrl)!;
    const state = this.proxy!.types[typeUrl]!;
    const all = this.snapshot!.get(typeUrl);
    const resources: Array<Record<string, unknown>> = [];
    const names: string[] = [];
    const wanted = sub.wildcard ? [...new Set([...all.keys(), ...sub.names])] : [...sub.names];
    for (const name of wanted.sort()) {
      const r = all.get(name);
      if (r) {
        if (sub.has.get(name) === r.version) continue;
        resources.push({ name, version: r.version, resource: { type_url: typeUrl, value: r.bytes } });
        sub.has.set(name, r.version);
        names.push(name);
      } else if (typeUrl === ENDPOINT_TYPE && sub.names.has(name) && sub.has.get(name) !== 'empty') {
        resources.push({ name, version: 'empty', resource: { type_url: typeUrl, value: this.codec.emptyLoadAssignment(name) } });
        sub.has.set(name, 'empty');
        names.push(name);
      }
    }
    const removed: string[] = [];
    for (const name of [...sub.has.keys()].sort()) {
      const stillWanted = sub.wildcard || sub.names.has(name);
      if (!all.has(name) && !(typeUrl === ENDPOINT_TYPE && sub.names.has(name)) && stillWanted) {
        removed.push(name);
        sub.has.delete(name);
      }
    }
    if (!force && resources.length === 0 && removed.length === 0) return;
    const nonce = String(++this.nonce);
    const version = this.snapshot!.version(typeUrl);
    state.sentVersion = version;
    state.lastNonce = nonce;
    state.responses++;
    state.resourcesSent += resources.length;
    state.resourcesRemoved += removed.length;
    sub.sentUnder.set(nonce, names);
    const perResource = (state.resources ??= {});
    for (const r of resources) perResource[r['name'] as string] = { version: r['version'] as string, state: 'sent' };
    for (const n of removed) delete perResource[n];
    this.send({ systemVersionInfo: version, typeUrl, nonce, resources, removedResources: removed });
    this.callbacks.onStreamResponse?.(this.proxy!, typeUrl, names);
  }
}
