// A provisioned Envoy's readiness: a static listener of its own that answers GET /ready with 200 once Envoy has its
// first configuration (its listeners accept no connection before that) and 503 while it drains. The Gateway's
// listeners are no measure of it: a Gateway whose listeners are all invalid, or whose HTTPS certificates are missing,
// has an Envoy that is up and serving what it can (kgateway and Envoy Gateway probe a readiness listener too).

export const READINESS_PATH = '/ready';
/** The readiness port unless a Gateway listener takes it (then the next free one). */
export const DEFAULT_READINESS_PORT = 19001;
const LISTENER_NAME = 'gatehouse-readiness';

/** The port the readiness listener binds: the first from DEFAULT_READINESS_PORT that no listener of the Gateway uses. */
export function readinessPort(ports: ReadonlyArray<{ port: number }>): number {
  const used = new Set(ports.map((p) => p.port));
  let port = DEFAULT_READINESS_PORT;
  while (used.has(port)) port++;
  return port;
}

/** The static listener (Envoy bootstrap JSON) answering READINESS_PATH on `port`; anything else gets 404. */
export function readinessListener(port: number): Record<string, unknown> {
  return {
    name: LISTENER_NAME,
    address: { socketAddress: { address: '0.0.0.0', portValue: port } },
    filterChains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typedConfig: {
              '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
              statPrefix: LISTENER_NAME,
              routeConfig: { name: LISTENER_NAME, virtualHosts: [] },
              httpFilters: [
                {
                  name: 'envoy.filters.http.health_check',
                  typedConfig: {
                    '@type': 'type.googleapis.com/envoy.extensions.filters.http.health_check.v3.HealthCheck',
                    passThroughMode: false,
                    headers: [{ name: ':path', stringMatch: { exact: READINESS_PATH } }],
                  },
                },
                { name: 'envoy.filters.http.router', typedConfig: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } },
              ],
            },
          },
        ],
      },
    ],
  };
}
