// An immutable, encoded, versioned set of xDS resources for one node group.
import { hash as digest } from 'node:crypto';
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
  return digest('sha256', data, 'hex').slice(0, 16);
}

function typeVersion(resources: ReadonlyMap<string, EncodedResource> | undefined): string {
  return hash([...(resources?.values() ?? [])].map((r) => `${r.name}=${r.version}`).join('\n'));
}

/** Large repeated fields encoded element by element, so an update re-encodes only the elements that changed. */
const SPLIT_FIELDS: Record<string, string> = { [ROUTE_TYPE]: 'virtualHosts' };
const partHashes = new WeakMap<Uint8Array, string>();

function encodeResource(encoder: StrictEncoder, typeUrl: string, name: string, message: Message): EncodedResource {
  const field = SPLIT_FIELDS[typeUrl];
  const elements = field ? message[field] : undefined;
  if (!field || !Array.isArray(elements) || elements.length < 2) {
    const bytes = encoder.encode(typeUrl, message);
    return { name, typeUrl, message, bytes, version: hash(bytes) };
  }
  const { [field]: _elements, ...rest } = message;
  const head = encoder.encode(typeUrl, rest);
  const parts = elements.map((e, i) => encoder.encodeElement(typeUrl, field, e as Message, i));
  const hashes = parts.map((p) => {
    let h = partHashes.get(p);
    if (!h) partHashes.set(p, (h = hash(p)));
    return h;
  });
  // The parts are joined when the bytes are first read (when a proxy is first sent this resource), once per resource.
  let bytes: Uint8Array | undefined;
  return {
    name,
    typeUrl,
    message,
    get bytes() {
      return (bytes ??= Buffer.concat([head, ...parts]));
    },
    version: hash(`${hash(head)}:${hashes.join(',')}`),
  };
}

export class Snapshot {
  private constructor(
    readonly resources: ReadonlyMap<string, ReadonlyMap<string, EncodedResource>>,
    private readonly versions: ReadonlyMap<string, string>,
    /** The input records each type was built from: the same record next time means the same resources. */
    private readonly inputs: ReadonlyMap<string, Record<string, Message>>,
  ) {}

  static empty(): Snapshot {
    return new Snapshot(new Map(), new Map(), new Map());
  }

  /**
   * Encodes every resource through the strict encoder. A resource that fails to encode is left out and
   * returned in `failures` (its sources are rejected by the caller). Unchanged resources reuse `previous`'s bytes,
   * and a type whose input record is the very same object as last time is reused whole.
   */
  static build(input: Record<string, Record<string, Message>>, encoder: StrictEncoder, previous?: Snapshot): { snapshot: Snapshot; failures: EncodeFailure[] } {
    const failures: EncodeFailure[] = [];
    const out = new Map<string, ReadonlyMap<string, EncodedResource>>();
    const versions = new Map<string, string>();
    const inputs = new Map<string, Record<string, Message>>();
    for (const [typeUrl, byName] of Object.entries(input)) {
      inputs.set(typeUrl, byName);
      const prevTyped = previous?.resources.get(typeUrl);
      if (prevTyped && previous!.inputs.get(typeUrl) === byName) {
        out.set(typeUrl, prevTyped);
        versions.set(typeUrl, previous!.version(typeUrl));
        continue;
      }
      const typed = new Map<string, EncodedResource>();
      let failed = false;
      for (const [name, message] of Object.entries(byName)) {
        const prev = prevTyped?.get(name);
        if (prev && prev.message === message) {
          typed.set(name, prev);
          continue;
        }
        try {
          typed.set(name, encodeResource(encoder, typeUrl, name, message));
        } catch (err) {
          failures.push({ typeUrl, name, message: (err as Error).message });
          failed = true;
        }
      }
      out.set(typeUrl, typed);
      versions.set(typeUrl, typeVersion(typed));
      // A record with a resource left out is not what it says: never reuse it whole.
      if (failed) inputs.delete(typeUrl);
    }
    for (const type of PUSH_ORDER) if (!versions.has(type)) versions.set(type, typeVersion(undefined));
    return { snapshot: new Snapshot(out, versions, inputs), failures };
  }

  /** The version of one type: changes exactly when a resource of that type is added, removed or changed. */
  version(typeUrl: string): string {
    return this.versions.get(typeUrl) ?? typeVersion(undefined);
  }

  get(typeUrl: string): ReadonlyMap<string, EncodedResource> {
    return this.resources.get(typeUrl) ?? new Map();
  }

  /** Resource counts by type, for logs and the admin API. */
  counts(): Record<string, number> {
    return Object.fromEntries(PUSH_ORDER.map((t) => [t.split('.').pop()!, this.get(t).size]));
  }
}
