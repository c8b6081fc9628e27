// Incremental (delta) ADS: send only resources whose version the proxy lacks, and names that went away.
import { ENDPOINT_TYPE, PUSH_ORDER, WILDCARD_TYPES, type Snapshot } from '../cache/snapshot.js';
import { AdsStream, type StreamContext } from './ads-stream.js';
import { tooMany } from './limits.js';
import { clientKeyed } from './proxy-state.js';

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
  /** Resource names sent under each outstanding nonce, for NACK attribution (the oldest forgotten past the limit). */
  sentUnder: Map<string, string[]>;
  /** Answered at least once (a first request held for a snapshot is answered when the snapshot comes). */
  answered: boolean;
}

/** Versions Gatehouse hands out are short hashes; a longer one from a client is not ours and is not kept. */
const MAX_VERSION_LENGTH = 64;

export class DeltaStream extends AdsStream {
  private readonly subs = new Map<string, Subscription>();
  /** Subscribed names, all types together (bounded by the stream limit). */
  private nameCount = 0;

  constructor(context: StreamContext) {
    super(context, 'delta');
  }

  onRequest(req: DeltaDiscoveryRequest): void {
    const { proxy, typeUrl, state } = this.begin(req);
    let sub = this.subs.get(typeUrl);
    if (!sub) {
      sub = { wildcard: false, names: new Set(), has: this.initialVersions(req.initialResourceVersions, typeUrl), sentUnder: new Map(), answered: false };
      // An empty first subscription to a wildcard-capable type means "everything".
      sub.wildcard = (req.resourceNamesSubscribe ?? []).length === 0 && WILDCARD_TYPES.has(typeUrl);
      this.subs.set(typeUrl, sub);
    }
    const names = req.responseNonce ? sub.sentUnder.get(req.responseNonce) : undefined;
    // A nonce this stream did not send (or has forgotten) is stale: nothing to record.
    if (names) {
      sub.sentUnder.delete(req.responseNonce!);
      // Per resource: Envoy applies delta resources one by one, so an ACK or NACK is about these names.
      const perResource = (state.resources ??= clientKeyed());
      for (const n of names) if (perResource[n]) perResource[n].state = req.errorDetail ? 'nacked' : 'acked';
      if (req.errorDetail) {
        const message = this.nackMessage(req.errorDetail.message);
        state.lastNack = { nonce: req.responseNonce!, message, at: new Date().toISOString() };
        this.callbacks.onNack?.(proxy, typeUrl, { message, resourceNames: names });
      } else {
        state.ackedVersion = state.sentVersion ?? '';
        this.callbacks.onAck?.(proxy, typeUrl, state.ackedVersion);
      }
    }
    let changed = false;
    const subscribe = req.resourceNamesSubscribe ?? [];
    if (this.nameCount + subscribe.length > this.limits.maxNamesPerStream) {
      const total = this.nameCount + subscribe.length;
      throw tooMany(`${total} resource names subscribed`, this.limits.maxNamesPerStream, 'resource_names_subscribe, all types together');
    }
    for (const n of subscribe) {
      if (n === '*') sub.wildcard = true;
      else if (!sub.names.has(this.checkName(n, typeUrl))) {
        sub.names.add(n);
        this.nameCount++;
      } else continue;
      changed = true;
    }
    for (const n of req.resourceNamesUnsubscribe ?? []) {
      if (n === '*') sub.wildcard = false;
      if (sub.names.delete(n)) this.nameCount--;
      sub.has.delete(n);
      if (state.resources) delete state.resources[n];
    }
    if (!sub.answered) {
      // What the proxy says it holds is kept only for what it subscribes to (or, wildcard, for what exists).
      if (!sub.wildcard) for (const n of sub.has.keys()) if (!sub.names.has(n)) sub.has.delete(n);
    }
    if (!this.snapshot) return; // held until the node group has a snapshot
    if (!sub.answered || changed) this.respond(typeUrl, true);
  }

  /** initial_resource_versions, bounded: a name or version that cannot be ours is left out (it is sent again). */
  private initialVersions(initial: Record<string, string> | undefined, typeUrl: string): Map<string, string> {
    const has = new Map<string, string>();
    if (!initial) return has;
    const entries = Object.entries(initial);
    if (entries.length > this.limits.maxNamesPerStream)
      throw tooMany(`${entries.length} initial resource versions`, this.limits.maxNamesPerStream, 'initial_resource_versions');
    for (const [name, version] of entries) {
      if (typeof version === 'string' && version.length <= MAX_VERSION_LENGTH) has.set(this.checkName(name, typeUrl), version);
    }
    return has;
  }

  protected onSnapshot(_s: Snapshot, previous: Snapshot | undefined): void {
    const types = [...PUSH_ORDER, ...[...this.subs.keys()].filter((t) => !(PUSH_ORDER as readonly string[]).includes(t)).sort()];
    // The first snapshot answers every request held until now.
    for (const typeUrl of types) if (this.subs.has(typeUrl)) this.respond(typeUrl, !previous);
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
    sub.answered = true;
    const nonce = String(++this.nonce);
    const version = this.snapshot!.version(typeUrl);
    state.sentVersion = version;
    state.lastNonce = nonce;
    state.responses++;
    state.resourcesSent += resources.length;
    state.resourcesRemoved += removed.length;
    sub.sentUnder.set(nonce, names);
    // A proxy that never ACKs does not make the server remember every response.
    if (sub.sentUnder.size > this.limits.maxPendingNonces) sub.sentUnder.delete(sub.sentUnder.keys().next().value!);
    const perResource = (state.resources ??= clientKeyed());
    for (const r of resources) perResource[r['name'] as string] = { version: r['version'] as string, state: 'sent' };
    for (const n of removed) delete perResource[n];
    this.send({ systemVersionInfo: version, typeUrl, nonce, resources, removedResources: removed });
    this.callbacks.onStreamResponse?.(this.proxy!, typeUrl, names);
  }
}
