// Loads Envoy's official v3 protos (shipped by @grpc/grpc-js-xds) into one protobufjs Root.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);

/** The proto files Gatehouse encodes; each pulls in its own imports. */
export const ENVOY_PROTO_FILES = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/cors/v3/cors.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/retry/host/previous_hosts/v3/previous_hosts.proto',
  'envoy/extensions/filters/http/stateful_session/v3/stateful_session.proto',
  'envoy/extensions/http/stateful_session/cookie/v3/cookie.proto',
  'envoy/extensions/http/stateful_session/header/v3/header.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/udp/udp_proxy/v3/udp_proxy.proto',
  'envoy/extensions/filters/udp/udp_proxy/v3/route.proto',
  // Routes that call one function (plugins/aws-lambda, plugins/openapi-functions).
  'envoy/extensions/filters/http/aws_lambda/v3/aws_lambda.proto',
  'envoy/extensions/filters/http/lua/v3/lua.proto',
];

export function protoIncludeDirs(): string[] {
  const xdsPkg = dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
  const pbPkg = dirname(require.resolve('protobufjs/package.json'));
  const deps = join(xdsPkg, 'deps');
  return [join(deps, 'envoy-api'), join(deps, 'xds'), join(deps, 'googleapis'), join(deps, 'protoc-gen-validate'), pbPkg];
}

let cached: protobuf.Root | undefined;

/** The shared Root (loaded once; a few hundred milliseconds). */
export function envoyRoot(): protobuf.Root {
  if (cached) return cached;
  const dirs = protoIncludeDirs();
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => {
    if (existsSync(target)) return target;
    for (const d of dirs) {
      const candidate = join(d, target);
      if (existsSync(candidate)) return candidate;
    }
    return target;
  };
  root.loadSync(ENVOY_PROTO_FILES, { keepCase: false });
  root.resolveAll();
  cached = root;
  return root;
}
