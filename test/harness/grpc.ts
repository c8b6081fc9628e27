// Real gRPC peers (@grpc/grpc-js): a server answering every method it is given with who it is and what it saw, and a
// unary client that sets the authority (Envoy routes on it) and reports the status code and response metadata.
// Messages are JSON-encoded: the framing, HTTP/2 and status handling are gRPC's own.
import * as grpc from '@grpc/grpc-js';

const json = {
  serialize: (v: unknown) => Buffer.from(JSON.stringify(v)),
  deserialize: (b: Buffer) => JSON.parse(b.toString('utf8')) as unknown,
};

export interface GrpcReply {
  backend: string;
  path: string;
  metadata: Record<string, string>;
}

export interface GrpcBackend {
  host: string;
  port: number;
  seen: GrpcReply[];
  close(): Promise<void>;
}

/** A gRPC server on `host` (h2c, or TLS with `tls`) serving `methods` (full paths, `/pkg.Service/Method`). */
export async function startGrpcBackend(name: string, host: string, methods: readonly string[], tls?: { crt: string; key: string }): Promise<GrpcBackend> {
  const server = new grpc.Server();
  const seen: GrpcReply[] = [];
  const definition: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  const handlers: grpc.UntypedServiceImplementation = {};
  for (const path of methods) {
    definition[path] = {
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: json.serialize,
      requestDeserialize: json.deserialize,
      responseSerialize: json.serialize,
      responseDeserialize: json.deserialize,
      originalName: path,
    };
    handlers[path] = (call: grpc.ServerUnaryCall<unknown, GrpcReply>, callback: grpc.sendUnaryData<GrpcReply>) => {
      const metadata = Object.fromEntries(Object.entries(call.metadata.getMap()).map(([k, v]) => [k, String(v)]));
      const reply = { backend: name, path, metadata };
      seen.push(reply);
      call.sendMetadata(new grpc.Metadata());
      callback(null, reply);
    };
  }
  server.addService(definition as grpc.ServiceDefinition, handlers);
  const creds = tls
    ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(tls.crt), private_key: Buffer.from(tls.key) }], false)
    : grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) => server.bindAsync(`${host}:0`, creds, (err, p) => (err ? reject(err) : resolve(p))));
  return { host, port, seen, close: () => new Promise((r) => server.tryShutdown(() => r())) };
}

export interface GrpcResult {
  code: number;
  details: string;
  reply?: GrpcReply;
  /** Response headers (initial metadata). */
  headers: Record<string, string>;
}

/** One unary call through `target` (`address:port`) with `:authority` set to `authority`. */
export function grpcCall(
  target: string,
  authority: string,
  path: string,
  o: { metadata?: Record<string, string>; tls?: { ca: string; servername: string } } = {},
): Promise<GrpcResult> {
  const creds = o.tls ? grpc.credentials.createSsl(Buffer.from(o.tls.ca)) : grpc.credentials.createInsecure();
  const client = new grpc.Client(target, creds, {
    'grpc.default_authority': authority,
    ...(o.tls ? { 'grpc.ssl_target_name_override': o.tls.servername } : {}),
  });
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(o.metadata ?? {})) md.set(k, v);
  return new Promise((resolve) => {
    const headers: Record<string, string> = {};
    const call = client.makeUnaryRequest<unknown, GrpcReply>(
      path,
      json.serialize,
      (b) => json.deserialize(b) as GrpcReply,
      {},
      md,
      { deadline: Date.now() + 5000 },
      (err, reply) => {
        client.close();
        if (err) resolve({ code: err.code, details: err.details, headers });
        else resolve({ code: grpc.status.OK, details: '', ...(reply ? { reply } : {}), headers });
      },
    );
    call.on('metadata', (m: grpc.Metadata) => {
      for (const [k, v] of Object.entries(m.getMap())) headers[k] = String(v);
    });
  });
}

export const GrpcStatus = grpc.status;
