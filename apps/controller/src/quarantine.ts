// NACK quarantine: what Envoy refused is traced back to its sources and left out of the next snapshot, so one
// tenant's bad config never blocks the others. An entry lasts until its source changes.
import { createHash } from 'node:crypto';
import { describeRef, resourceKey, type Condition, type ResourceRef, type ResourceSnapshot, type StoredResource } from '@gatehouse/api';
import type { Translation } from '@gatehouse/engine';
import type { ResourceReport, XdsTypeUrl } from '@gatehouse/plugin-sdk';

export interface QuarantineEntry {
  /** A source resource left out of translation (`source`), or one Envoy resource left out of one Gateway's snapshot. */
  kind: 'source' | 'envoy-resource';
  ref: ResourceRef;
  gateway: string;
  typeUrl: string;
  envoyResources: string[];
  message: string;
  since: string;
  /** Content hash of the source when quarantined: a change releases it. */
  hash: string;
  /** True once a proxy ACKed a snapshot built without it. */
  confirmed: boolean;
}

export interface NackEvent {
  gateway: string;
  typeUrl: string;
  message: string;
  /** Delta: the resources sent under the NACKed nonce. SotW: empty. */
  resourceNames: string[];
}

// Source objects are immutable and kept while unchanged, so a hash is computed once per object.
const hashes = new WeakMap<object, string>();

export function contentHash(r: StoredResource | undefined): string {
  if (!r) return 'gone';
  let h = hashes.get(r.object);
  if (!h) hashes.set(r.object, (h = createHash('sha256').update(JSON.stringify(r.object)).digest('hex').slice(0, 16)));
  return h;
}

export class Quarantine {
  private readonly entries = new Map<string, QuarantineEntry>();

  list(): QuarantineEntry[] {
    return [...this.entries.values()];
  }

  /** Drops entries whose source changed or disappeared. Returns true when anything was released. */
  release(snapshot: ResourceSnapshot): QuarantineEntry[] {
    const released: QuarantineEntry[] = [];
    for (const [id, e] of this.entries) {
      if (contentHash(snapshot.resources.get(resourceKey(e.ref))) !== e.hash) {
        this.entries.delete(id);
        released.push(e);
      }
    }
    return released;
  }

  /** The snapshot without quarantined sources. */
  filter(snapshot: ResourceSnapshot): ResourceSnapshot {
    if (![...this.entries.values()].some((e) => e.kind === 'source')) return snapshot;
    const out = new Map(snapshot.resources);
    for (const e of this.entries.values()) if (e.kind === 'source') out.delete(resourceKey(e.ref));
    return { resources: out, problems: snapshot.problems };
  }

  /** Envoy resources to leave out of a gateway's snapshot, by type. */
  excludedEnvoyResources(gateway: string): Array<{ typeUrl: string; name: string }> {
    return this.list()
      .filter((e) => e.kind === 'envoy-resource' && e.gateway === gateway)
      .flatMap((e) => e.envoyResources.map((name) => ({ typeUrl: e.typeUrl, name })));
  }

  confirm(gateway: string): QuarantineEntry[] {
    const now: QuarantineEntry[] = [];
    for (const e of this.entries.values()) {
      if (e.gateway !== gateway || e.confirmed) continue;
      e.confirmed = true;
      now.push(e);
    }
    return now;
  }

  /**
   * Attributes a NACK to sources using the translation's provenance, and quarantines them. `changed` lists the
   * Envoy resources (of the NACKed type) that differ from what the proxy last ACKed; `sourceChanged` tells whether a
   * source resource changed since the proxy's last ACK.
   */
  onNack(
    nack: NackEvent,
    translation: Translation,
    snapshot: ResourceSnapshot,
    changed: string[],
    sourceChanged: (key: string) => boolean,
    now: string,
  ): QuarantineEntry[] {
    const gx = translation.gateways[nack.gateway];
    if (!gx) return [];
    const type = nack.typeUrl as XdsTypeUrl;
    const names = gx.provenance.names(type);
    // Which Envoy resources: named by the protocol (delta), else by Envoy's message, else the changed ones.
    let culprits = nack.resourceNames.filter((n) => names.includes(n));
    if (culprits.length === 0) culprits = names.filter((n) => mentions(nack.message, n));
    if (culprits.length === 0) culprits = changed.filter((n) => names.includes(n));
    if (culprits.length === 0) culprits = names;
    const added: QuarantineEntry[] = [];
    for (const envoyName of culprits) {
      const sources = gx.provenance.sources(type, envoyName);
      const gatewayRef = sources.find((r) => r.kind === 'Gateway');
      const tenants = sources.filter((r) => r.kind !== 'Gateway');
      if (tenants.length === 0 && gatewayRef) {
        added.push(
          this.add({
            kind: 'envoy-resource',
            ref: gatewayRef,
            gateway: nack.gateway,
            typeUrl: nack.typeUrl,
            envoyResources: [envoyName],
            message: nack.message,
            since: now,
            hash: contentHash(snapshot.resources.get(resourceKey(gatewayRef))),
            confirmed: false,
          }),
        );
        continue;
      }
      for (const ref of narrow(tenants, nack.message, snapshot, sourceChanged)) {
        added.push(
          this.add({
            kind: 'source',
            ref,
            gateway: nack.gateway,
            typeUrl: nack.typeUrl,
            envoyResources: [envoyName],
            message: nack.message,
            since: now,
            hash: contentHash(snapshot.resources.get(resourceKey(ref))),
            confirmed: false,
          }),
        );
      }
    }
    return added;
  }

  private add(e: QuarantineEntry): QuarantineEntry {
    const id = `${e.kind}:${e.gateway}:${resourceKey(e.ref)}:${e.envoyResources.join(',')}`;
    const prev = this.entries.get(id);
    if (prev) return prev;
    this.entries.set(id, e);
    return e;
  }

  /** Adds quarantine conditions to the reports (sources left out; gateways not fully programmed). */
  annotate(reports: ResourceReport[]): ResourceReport[] {
    if (this.entries.size === 0) return reports;
    // Reports are copied before they are changed: the translation's own stay as they are.
    const byKey = new Map(reports.map((r) => [resourceKey(r.ref), r]));
    const copied = new Set<ResourceReport>();
    const own = (r: ResourceReport) => {
      if (copied.has(r)) return r;
      const copy = { ...r, messages: [...r.messages], conditions: [...r.conditions] };
      copied.add(copy);
      byKey.set(resourceKey(r.ref), copy);
      return copy;
    };
    for (const e of this.entries.values()) {
      const c: Condition = {
        type: 'gatehouse.dev/Programmed',
        status: 'False',
        reason: 'RejectedByEnvoy',
        message: `Envoy rejected ${e.envoyResources.join(', ')}: ${e.message}`,
      };
      const key = resourceKey(e.ref);
      const found = byKey.get(key);
      const r = found ? own(found) : { ref: e.ref, state: 'rejected' as const, messages: [], conditions: [] };
      r.state = 'rejected';
      r.conditions = r.conditions.filter((x) => x.type !== c.type).concat(c);
      const msg = `${describeRef(e.ref)}: quarantined: ${c.message}`;
      if (!r.messages.includes(msg)) r.messages.push(msg);
      byKey.set(key, r);
      const [ns, name] = e.gateway.split('/');
      const gwReport = byKey.get(`Gateway/${ns}/${name}`);
      if (gwReport) {
        const gw = own(gwReport);
        gw.conditions = gw.conditions
          .filter((x) => x.type !== 'Programmed')
          .concat({
            type: 'Programmed',
            status: 'False',
            reason: 'Invalid',
            message: `Envoy rejected configuration from ${describeRef(e.ref)}; it is left out until it changes`,
          });
        if (gw.state === 'accepted') gw.state = 'warning';
      }
    }
    return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r);
  }
}

/** Envoy's messages name resources bare or quoted; match whole names only. */
function mentions(message: string, name: string): boolean {
  const i = message.indexOf(name);
  if (i < 0) return false;
  const after = message[i + name.length];
  return after === undefined || !/[\w-]/.test(after);
}

/**
 * Among the sources of a refused resource, the ones to blame: those whose own strings Envoy's message quotes;
 * else those that changed since the last ACK; else all of them.
 */
function narrow(sources: ResourceRef[], message: string, snapshot: ResourceSnapshot, changed: (key: string) => boolean): ResourceRef[] {
  const recent = sources.filter((ref) => changed(resourceKey(ref)));
  const pool = recent.length ? recent : sources;
  const quoted = pool.filter((ref) => strings(snapshot.resources.get(resourceKey(ref))?.object).some((s) => s.length >= 3 && message.includes(s)));
  return quoted.length ? quoted : pool;
}

function strings(o: unknown, out: string[] = []): string[] {
  if (typeof o === 'string') out.push(o);
  else if (Array.isArray(o)) for (const x of o) strings(x, out);
  else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) if (k !== 'metadata' && k !== 'apiVersion' && k !== 'kind') strings(v, out);
  return out;
}
