// The ADS gRPC server: one service, two streaming methods (state-of-the-world and delta). With TLS it requires a
// client certificate from the control-plane CA and binds each stream to the Gateway that certificate names.
import * as grpc from '@grpc/grpc-js';
import type { SnapshotCache } from '../cache/snapshot-cache.js';
import { envoyRoot } from '../codec/proto-root.js';
import { gatewayOfCertificate } from '../auth/identity.js';
import type { StreamContext } from './ads-stream.js';
import { DeltaStream, type DeltaDiscoveryRequest } from './delta-stream.js';
import { DEFAULT_STREAM_LIMITS, StreamError, type StreamLimits } from './limits.js';
import type { ProxyInfo, ServerCallbacks } from './proxy-state.js';
import { SotwStream, type DiscoveryRequest } from './sotw-stream.js';
import { XdsCodec } from './xds-codec.js';

const SERVICE = '/envoy.service.discovery.v3.AggregatedDiscoveryService';
/** Large configurations exceed grpc's 4 MiB default on the way out. */
const MAX_SEND_BYTES = 256 * 1024 * 1024;
/** Requests are small (names, versions, a node); a delta reconnect naming 100,000 resources fits. */
const MAX_RECEIVE_BYTES = 32 * 1024 * 1024;

/** The xDS server's TLS identity and the CA its clients' certificates must come from (all PEM). */
export interface XdsServerTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

export interface AdsServerOptions {
  cache: SnapshotCache;
  callbacks?: ServerCallbacks;
  /** Serve over mTLS: a client needs a certificate from `caPem`, and is served only the Gateway it names. */
  tls?: XdsServerTls;
  limits?: Partial<StreamLimits>;
}

type Stream = SotwStream | DeltaStream;

export class AdsServer {
  readonly codec = new XdsCodec(envoyRoot());
  readonly limits: StreamLimits;
  private readonly server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_RECEIVE_BYTES,
    'grpc.max_send_message_length': MAX_SEND_BYTES,
    'grpc.keepalive_permit_without_calls': 1,
  });
  private readonly streams = new Map<number, Stream>();
  private nextId = 0;
  private boundPort = 0;

  constructor(private readonly options: AdsServerOptions) {
    this.limits = { ...DEFAULT_STREAM_LIMITS, ...options.limits };
    const c = this.codec;
    const definition: grpc.ServiceDefinition = {
      StreamAggregatedResources: {
        path: `${SERVICE}/StreamAggregatedResources`,
        requestStream: true,
        responseStream: true,
        requestSerialize: c.encodeRequest,
        requestDeserialize: c.decodeRequest,
        responseSerialize: c.encodeResponse,
        responseDeserialize: c.decodeResponse,
      },
      DeltaAggregatedResources: {
        path: `${SERVICE}/DeltaAggregatedResources`,
        requestStream: true,
        responseStream: true,
        requestSerialize: c.encodeDeltaRequest,
        requestDeserialize: c.decodeDeltaRequest,
        responseSerialize: c.encodeDeltaResponse,
        responseDeserialize: c.decodeDeltaResponse,
      },
    };
    this.server.addService(definition, {
      StreamAggregatedResources: (call: grpc.ServerDuplexStream<DiscoveryRequest, Record<string, unknown>>) => this.serve(call, (ctx) => new SotwStream(ctx)),
      DeltaAggregatedResources: (call: grpc.ServerDuplexStream<DeltaDiscoveryRequest, Record<string, unknown>>) =>
        this.serve(call, (ctx) => new DeltaStream(ctx)),
    });
  }

  private serve<Req>(
    call: grpc.ServerDuplexStream<Req, Record<string, unknown>>,
    make: (context: StreamContext) => Stream & { onRequest(r: Req): void },
  ): void {
    const callbacks = this.options.callbacks ?? {};
    let ended = false;
    const refuse = (err: StreamError, proxy?: ProxyInfo) => {
      if (ended) return;
      ended = true;
      callbacks.onStreamRefused?.({ peer: call.getPeer(), code: grpc.status[err.code] ?? String(err.code), message: err.message, ...(proxy ? { proxy } : {}) });
      // grpc-js turns an 'error' event on a server stream into the call's status, then ends it.
      call.emit('error', { code: err.code, details: err.message });
    };
    if (this.streams.size >= this.limits.maxStreams) {
      return refuse(new StreamError(grpc.status.RESOURCE_EXHAUSTED, `${this.streams.size} xDS streams are open, the most this server serves; try again later`));
    }
    let identity: string | undefined;
    if (this.options.tls) {
      const cert = call.getAuthContext()?.sslPeerCertificate;
      identity = cert?.raw ? gatewayOfCertificate(cert.raw) : undefined;
      if (identity === undefined) {
        return refuse(
          new StreamError(
            grpc.status.PERMISSION_DENIED,
            'the client certificate names no Gateway: issue one with gatehouse bootstrap --xds-tls --gateway NAMESPACE/NAME',
          ),
        );
      }
    }
    const id = ++this.nextId;
    const send = (m: Record<string, unknown>) => {
      if (!ended && !call.writableEnded && !call.destroyed) call.write(m);
    };
    const stream = make({
      streamId: id,
      cache: this.options.cache,
      codec: this.codec,
      send,
      callbacks,
      limits: this.limits,
      ...(identity !== undefined ? { identity } : {}),
    });
    this.streams.set(id, stream);
    // Everything the stream holds is dropped with it (its watch included), however the call ends.
    const done = () => {
      if (!this.streams.delete(id)) return;
      stream.close();
    };
    call.on('data', (req: Req) => {
      if (ended) return;
      try {
        stream.onRequest(req);
      } catch (err) {
        const e = err instanceof StreamError ? err : new StreamError(grpc.status.INTERNAL, `internal error: ${(err as Error).message}`);
        refuse(e, stream.info());
        done();
      }
    });
    call.on('end', () => {
      done();
      if (!ended) call.end();
    });
    call.on('error', done);
    call.on('close', done);
    call.on('cancelled', done);
  }

  /** Binds to `host:port` (port 0 picks one) and returns the bound port; TLS when the server was given it. */
  async listen(host: string, port: number): Promise<number> {
    const tls = this.options.tls;
    const credentials = tls
      ? grpc.ServerCredentials.createSsl(Buffer.from(tls.caPem), [{ private_key: Buffer.from(tls.keyPem), cert_chain: Buffer.from(tls.certPem) }], true)
      : grpc.ServerCredentials.createInsecure();
    const address = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    this.boundPort = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`${address}:${port}`, credentials, (err, p) => (err ? reject(err) : resolve(p))),
    );
    return this.boundPort;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Whether clients must present a certificate from the control-plane CA. */
  get mutualTls(): boolean {
    return this.options.tls !== undefined;
  }

  /** Connected proxies, by stream. */
  proxies(): ProxyInfo[] {
    return [...this.streams.values()].flatMap((s) => s.info() ?? []);
  }

  /** Open streams (including ones whose first request has not come yet), for tests and diagnostics. */
  streamCount(): number {
    return this.streams.size;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }

  forceClose(): void {
    this.server.forceShutdown();
  }
}
