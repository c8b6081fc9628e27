// Real external authorization services for ExtAuthPolicy tests: an HTTP one (Envoy's ext_authz HTTP protocol: the
// request's method, path and allowed headers come in; 2xx allows, anything else is the answer) and a gRPC one
// implementing envoy.service.auth.v3.Authorization from the installed Envoy protos. Both allow a request carrying
// `x-token: let-me-in` (adding `x-user: <who>` for the backend) and deny the rest with 403.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoIncludeDirs } from '@gatehouse/xds';

export const ALLOW_TOKEN = 'let-me-in';

export interface AuthService {
  url: string;
  /** The paths (HTTP) or request paths (gRPC) asked about, in order. */
  checked: string[];
  close(): Promise<void>;
}

/** An HTTP auth service on `host`: allows with `x-user: <user>`, denies with 403 and a body. */
export async function startHttpAuthService(host: string, user: string): Promise<AuthService> {
  const checked: string[] = [];
  const server = http.createServer((req, res) => {
    checked.push(req.url ?? '');
    if (req.headers['x-token'] === ALLOW_TOKEN) {
      res.setHeader('x-user', user);
      res.statusCode = 200;
      res.end();
    } else {
      res.statusCode = 403;
      res.setHeader('content-type', 'text/plain');
      res.end('denied by the http auth service');
    }
  });
  await new Promise<void>((r, j) => server.once('error', j).listen(0, host, () => r()));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://${host}:${port}/check`, checked, close: () => new Promise((r) => server.close(() => r())) };
}

interface CheckRequest {
  attributes?: { request?: { http?: { path?: string; headers?: Record<string, string> } } };
}

/** A gRPC envoy.service.auth.v3.Authorization service on `host` (h2c). */
export async function startGrpcAuthService(host: string, user: string): Promise<AuthService> {
  const definition = protoLoader.loadSync('envoy/service/auth/v3/external_auth.proto', {
    includeDirs: protoIncludeDirs(),
    keepCase: false,
    defaults: false,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as { envoy: { service: { auth: { v3: { Authorization: grpc.ServiceClientConstructor } } } } };
  const checked: string[] = [];
  const server = new grpc.Server();
  server.addService(pkg.envoy.service.auth.v3.Authorization.service, {
    Check: (call: grpc.ServerUnaryCall<CheckRequest, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const req = call.request.attributes?.request?.http;
      checked.push(req?.path ?? '');
      if (req?.headers?.['x-token'] === ALLOW_TOKEN) {
        callback(null, { status: { code: grpc.status.OK }, okResponse: { headers: [{ header: { key: 'x-user', value: user } }] } });
      } else {
        callback(null, {
          status: { code: grpc.status.PERMISSION_DENIED },
          deniedResponse: { status: { code: 'Forbidden' }, body: 'denied by the grpc auth service' },
        });
      }
    },
  });
  const port = await new Promise<number>((r, j) => server.bindAsync(`${host}:0`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? j(err) : r(p))));
  return { url: `grpc://${host}:${port}`, checked, close: () => new Promise((r) => server.tryShutdown(() => r())) };
}
