// A raw ADS client over real gRPC (grpc-js): sends whatever a test asks, keeps what comes back and how the stream
// ended. What an attacker's client or a misconfigured proxy would do, without Envoy's manners.
import * as grpc from '@grpc/grpc-js';
import { XDS_SERVER_NAME, XdsCodec, envoyRoot } from '@gatehouse/xds';

const SERVICE = '/envoy.service.discovery.v3.AggregatedDiscoveryService';
export const EDS = 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment';
export const CDS = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
export const LDS = 'type.googleapis.com/envoy.config.listener.v3.Listener';
export const SDS = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';

export interface ClientTls {
  caPem: string;
  certPem?: string;
  keyPem?: string;
}

export interface XdsResponse {
  typeUrl: string;
  nonce: string;
  versionInfo?: string;
  /** Resource names (decoded from each resource), in order. */
  names: string[];
  /** SotW: raw resources; delta: the resources' `resource` payloads. */
  raw: Array<{ typeUrl: string; value: Uint8Array }>;
  removed?: string[];
}

export interface RawXdsClient {
  send(request: Record<string, unknown>): void;
  responses: XdsResponse[];
  /** Resolves with the next response not yet taken, or undefined after `timeoutMs`. */
  next(timeoutMs?: number): Promise<XdsResponse | undefined>;
  /** Resolves when the stream ends: its gRPC status code and details. */
  ended: Promise<{ code: number; details: string }>;
  close(): void;
}

interface AnyMessage {
  type_url: string;
  value: Uint8Array;
}

let codec: XdsCodec | undefined;
const sharedCodec = () => (codec ??= new XdsCodec(envoyRoot()));

const NAME_FIELD: Record<string, string> = { [EDS]: 'clusterName' };

function resourceName(typeUrl: string, value: Uint8Array): string {
  const type = envoyRoot().lookupType(typeUrl.split('/').pop()!);
  const msg = type.toObject(type.decode(value)) as Record<string, unknown>;
  return String(msg[NAME_FIELD[typeUrl] ?? 'name'] ?? '');
}

/** Opens one ADS stream (SotW, or delta with `delta: true`) to `address` (host:port). */
export function rawXdsClient(address: string, options: { tls?: ClientTls; delta?: boolean } = {}): RawXdsClient {
  const c = sharedCodec();
  const tls = options.tls;
  const creds = tls
    ? grpc.credentials.createSsl(Buffer.from(tls.caPem), tls.keyPem ? Buffer.from(tls.keyPem) : null, tls.certPem ? Buffer.from(tls.certPem) : null)
    : grpc.credentials.createInsecure();
  const client = new grpc.Client(address, creds, {
    'grpc.max_receive_message_length': 256 * 1024 * 1024,
    ...(tls ? { 'grpc.ssl_target_name_override': XDS_SERVER_NAME, 'grpc.default_authority': XDS_SERVER_NAME } : {}),
  });
  const delta = options.delta ?? false;
  const call = client.makeBidiStreamRequest<Record<string, unknown>, Record<string, unknown>>(
    `${SERVICE}/${delta ? 'DeltaAggregatedResources' : 'StreamAggregatedResources'}`,
    delta ? c.encodeDeltaRequest : c.encodeRequest,
    delta ? c.decodeDeltaResponse : c.decodeResponse,
  );
  const responses: XdsResponse[] = [];
  let taken = 0;
  const waiters: Array<() => void> = [];
  call.on('data', (m: Record<string, unknown>) => {
    const typeUrl = String(m['typeUrl'] ?? '');
    // google.protobuf.Any keeps its proto field names (type_url) in protobufjs.
    const anys = delta
      ? ((m['resources'] as Array<{ resource?: AnyMessage }> | undefined) ?? []).flatMap((r) => (r.resource ? [r.resource] : []))
      : ((m['resources'] as AnyMessage[] | undefined) ?? []);
    const raw = anys.map((a) => ({ typeUrl: a.type_url, value: a.value }));
    responses.push({
      typeUrl,
      nonce: String(m['nonce'] ?? ''),
      versionInfo: String(m[delta ? 'systemVersionInfo' : 'versionInfo'] ?? ''),
      names: raw.map((r) => resourceName(typeUrl, r.value)),
      raw,
      ...(delta ? { removed: (m['removedResources'] as string[] | undefined) ?? [] } : {}),
    });
    waiters.splice(0).forEach((w) => w());
  });
  const ended = new Promise<{ code: number; details: string }>((resolve) => {
    call.on('status', (s: grpc.StatusObject) => resolve({ code: s.code, details: s.details }));
    call.on('error', () => {}); // the status event carries it
  });
  return {
    responses,
    send: (request) => call.write(request),
    async next(timeoutMs = 5000) {
      if (taken < responses.length) return responses[taken++];
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, timeoutMs);
        waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
      return taken < responses.length ? responses[taken++] : undefined;
    },
    ended,
    close() {
      call.cancel();
      client.close();
    },
  };
}

/** A node naming `gateway` the way Gatehouse bootstraps do. */
export function nodeFor(gateway: string, id = `raw-${gateway.replace('/', '-')}`): Record<string, unknown> {
  return { id, cluster: gateway, metadata: { fields: { 'gatehouse.dev/gateway': { stringValue: gateway } } } };
}
