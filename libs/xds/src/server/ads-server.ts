// The ADS gRPC server: one service, two streaming methods (state-of-the-world and delta).
import * as grpc from '@grpc/grpc-js';
import type { SnapshotCache } from '../cache/snapshot-cache.js';
import { envoyRoot } from '../codec/proto-root.js';
import { DeltaStream, type DeltaDiscoveryRequest } from './delta-stream.js';
import type { ProxyInfo, ServerCallbacks } from './proxy-state.js';
import { SotwStream, type DiscoveryRequest } from './sotw-stream.js';
import { XdsCodec } from './xds-codec.js';

const SERVICE = '/envoy.service.discovery.v3.AggregatedDiscoveryService';
/** Large configurations exceed grpc's 4 MiB default; both directions are raised. */
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export interface AdsServerOptions {
  cache: SnapshotCache;
  callbacks?: ServerCallbacks;
}

export class AdsServer {
  readonly codec = new XdsCodec(envoyRoot());
  private readonly server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    'grpc.keepalive_permit_without_calls': 1,
  });
  private readonly streams = new Map<number, SotwStream | DeltaStream>();
  private nextId = 0;
  private boundPort = 0;

  constructor(private readonly options: AdsServerOptions) {
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
      StreamAggregatedResources: (call: grpc.ServerDuplexStream<DiscoveryRequest, Record<string, unknown>>) =>
        this.serve(call, (id, send) => new SotwStream(id, this.options.cache, c, send, this.options.callbacks ?? {})),
      DeltaAggregatedResources: (call: grpc.ServerDuplexStream<DeltaDiscoveryRequest, Record<string, unknown>>) =>
        this.serve(call, (id, send) => new DeltaStream(id, this.options.cache, c, send, this.options.callbacks ?? {})),
    });
  }

  private serve<Req>(
    call: grpc.ServerDuplexStream<Req, Record<string, unknown>>,
    make: (id: number, send: (m: Record<string, unknown>) => void) => { onRequest(r: Req): void; close(): void },
  ): void {
    const id = ++this.nextId;
    const stream = make(id, (m) => {
      if (!call.writableEnded && !call.destroyed) call.write(m);
    });
    this.streams.set(id, stream as SotwStream | DeltaStream);
    const done = () => {
      if (!this.streams.delete(id)) return;
      stream.close();
    };
    call.on('data', (req: Req) => {
      try {
        stream.onRequest(req);
      } catch (err) {
        call.destroy(err as Error);
      }
    });
    call.on('end', () => {
      done();
      call.end();
    });
    call.on('error', done);
    call.on('close', done);
    call.on('cancelled', done);
  }

  /** Binds to `host:port` (port 0 picks one) and returns the bound port. */
  async listen(host: string, port: number): Promise<number> {
    this.boundPort = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    return this.boundPort;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Connected proxies, by stream. */
  proxies(): ProxyInfo[] {
    return [...this.streams.values()].flatMap((s) => s.info() ?? []);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }

  forceClose(): void {
    this.server.forceShutdown();
  }
}
