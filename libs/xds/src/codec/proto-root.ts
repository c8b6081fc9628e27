// Loads Envoy's official v3 protos (shipped by @grpc/grpc-js-xds) into one protobufjs Root: the built-in set, plus
// what plugins declare (see plugin-protos.ts).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
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

/** The directory of the installed Envoy API set (`envoy/...` proto paths are relative to it). */
export function envoyApiDir(): string {
  return protoIncludeDirs()[0]!;
}

/**
 * A Root with the built-in files and `extra` files loaded. Imports resolve against the Envoy set, then `includeDirs`,
 * then the importing file's folder. Throws protobufjs's error (it names the file and line) when a file does not parse
 * or a type does not resolve.
 */
export function loadRoot(extra: readonly string[] = [], includeDirs: readonly string[] = []): protobuf.Root {
  const dirs = [...protoIncludeDirs(), ...includeDirs];
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => {
    if (isAbsolute(target)) return target;
    for (const d of dirs) {
      const candidate = join(d, target);
      if (existsSync(candidate)) return candidate;
    }
    if (origin) {
      const sibling = join(dirname(origin), target);
      if (existsSync(sibling)) return sibling;
    }
    return target;
  };
  root.loadSync([...ENVOY_PROTO_FILES, ...extra], { keepCase: false });
  root.resolveAll();
  return root;
}

let cached: protobuf.Root | undefined;

/** The shared Root of the built-in files (loaded once; about a hundred milliseconds). */
export function envoyRoot(): protobuf.Root {
  return (cached ??= loadRoot());
}
