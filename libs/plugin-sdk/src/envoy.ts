/**
 * An Envoy v3 message in protobuf-object form: camelCase field names as in Envoy's protos, nested
 * messages as objects, `google.protobuf.Any` as `{ '@type': 'type.googleapis.com/<full.Name>', ...fields }`,
 * durations as strings (`'1.5s'`). The strict encoder rejects any field the proto does not have.
 *
 * @example
 * const router: EnvoyMessage = {
 *   '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
 * };
 */
export type EnvoyMessage = { [field: string]: unknown };

export const TYPE_URL_PREFIX = 'type.googleapis.com/';

/** Wraps a message as a typed Any. */
export function typed(typeName: string, body: EnvoyMessage = {}): EnvoyMessage {
  return { '@type': TYPE_URL_PREFIX + typeName, ...body };
}

/** The four xDS resource types Gatehouse serves, by their type URLs. */
export const XdsType = {
  Cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  Endpoint: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  Listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  Route: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  Secret: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
} as const;
export type XdsTypeUrl = (typeof XdsType)[keyof typeof XdsType];

/** Envoy resources by xDS type, each keyed by resource name. */
export type XdsResources = Record<XdsTypeUrl, Record<string, EnvoyMessage>>;

export function emptyXdsResources(): XdsResources {
  return { [XdsType.Cluster]: {}, [XdsType.Endpoint]: {}, [XdsType.Listener]: {}, [XdsType.Route]: {}, [XdsType.Secret]: {} };
}
