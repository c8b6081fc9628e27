// An immutable, encoded, versioned set of xDS resources for one node group.
import { createHash } from 'node:crypto';
import type { StrictEncoder } from '../codec/strict-encoder.js';

export const CLUSTER_TYPE = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
export const ENDPOINT_TYPE = 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment';
export const LISTENER_TYPE = 'type.googleapis.com/envoy.config.listener.v3.Listener';
export const ROUTE_TYPE = 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration';
export const SECRET_TYPE = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';

/** Push order that avoids traffic loss: clusters and endpoints before the listeners and routes that use them. */
export const PUSH_ORDER = [CLUSTER_TYPE, ENDPOINT_TYPE, SECRET_TYPE, LISTENER_TYPE, ROUTE_TYPE] as const;
/** Types Envoy subscribes to as a whole (wildcard); the others by name. */
export const WILDCARD_TYPES = new Set<string>([CLUSTER_TYPE, LISTENER_TYPE]);

export type Message = Record<string, unknown>;

export interface EncodedResource {
  name: string;
  typeUrl: string;
  message: Message;
  bytes: Uint8Array;
  /** Content hash: the per-resource version used by delta xDS. */
  version: string;
}

export interface EncodeFailure {
  typeUrl: string;
  name: string;
  message: string;
}

function hash(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

export class Snapshot {
  private readonly versions = new Map<string, string>();

  private constructor(readonly resources: ReadonlyMap<string, ReadonlyMap<string, EncodedResource>>) {
    for (const type of PUSH_ORDER) {
      const items = [...(resources.get(type)?.values() ?? [])].map((r) => `${r.name}=${r.version}`);
      this.versions.set(type, hash(items.join('\n')));
    }
  }

  static empty(): Snapshot {
    return new Snapshot(new Map());
  }

  /**
   * Encodes every resource through the strict encoder. A resource that fails to encode is left out and
   * returned in `failures` (its sources are rejected by the caller). Unchanged resources reuse `previous`'s bytes.
   */
  static build(input: Record<string, Record<string, Message>>, encoder: StrictEncoder, previous?: Snapshot): { snapshot: Snapshot; failures: EncodeFailure[] } {
    const failures: EncodeFailure[] = [];
    const out = new Map<string, Map<string, EncodedResource>>();
    for (const [typeUrl, byName] of Object.entries(input)) {
      const typed = new Map<string, EncodedResource>();
      for (const [name, message] of Object.entries(byName)) {
        const prev = previous?.resources.get(typeUrl)?.get(name);
        if (prev && prev.message === message) {
          typed.set(name, prev);
          continue;
        }
        try {
          const bytes = encoder.encode(typeUrl, message);
          typed.set(name, { name, typeUrl, message, bytes, version: hash(bytes) });
        } catch (err) {
          failures.push({ typeUrl, name, message: (err as Error).message });
        }
      }
      out.set(typeUrl, typed);
    }
    return { snapshot: new Snapshot(out), failures };
  }

  /** The version of one type: changes exactly when a resource of that type is added, removed or changed. */
  version(typeUrl: string): string {
    return this.versions.get(typeUrl) ?? hash('');
  }

  get(typeUrl: string): ReadonlyMap<string, EncodedResource> {
    return this.resources.get(typeUrl) ?? new Map();
  }

  /** Resource counts by type, for logs and the admin API. */
  counts(): Record<string, number> {
    return Object.fromEntries(PUSH_ORDER.map((t) => [t.split('.').pop()!, this.get(t).size]));
  }
}
