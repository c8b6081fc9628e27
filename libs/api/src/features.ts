// Every Gateway API v1.7.0 conformance feature (sigs.k8s.io/gateway-api@v1.7.0 pkg/features, which the conformance
// module's suite uses) and whether Gatehouse supports it. `supported: true` is what Gatehouse claims (the conformance
// run's --supported-features); the README feature table is rendered from this list and a test keeps the two in agreement.

export type FeatureChannel = 'standard' | 'experimental';

export interface GatewayApiFeature {
  name: string;
  channel: FeatureChannel;
  /** The pkg/features file it is declared in. */
  area: 'Gateway' | 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute' | 'TCPRoute' | 'UDPRoute' | 'ReferenceGrant' | 'BackendTLSPolicy' | 'Mesh';
  supported: boolean;
  /** What it takes, or what is missing. */
  note: string;
}

const f = (name: string, area: GatewayApiFeature['area'], supported: boolean, note: string, channel: FeatureChannel = 'standard'): GatewayApiFeature => ({
  name,
  channel,
  area,
  supported,
  note,
});

export const GATEWAY_API_VERSION_FEATURES = 'v1.7.0';

export const GATEWAY_API_FEATURES: readonly GatewayApiFeature[] = [
  f('Gateway', 'Gateway', true, 'HTTP, HTTPS, TLS, TCP and UDP listeners; status as the spec says'),
  f('GatewayAddressEmpty', 'Gateway', true, 'an IPAddress without a value binds the default address'),
  f('GatewayAddressRoutability', 'Gateway', false, '', 'experimental'),
  f('GatewayAddressRoutabilityCluster', 'Gateway', false, '', 'experimental'),
  f('GatewayFrontendClientCertificateValidation', 'Gateway', true, 'spec.tls.frontend default and perPort, CA from a ConfigMap (or Secret)'),
  f('GatewayFrontendClientCertificateValidationInsecureFallback', 'Gateway', true, 'AllowInsecureFallback, with the InsecureFrontendValidationMode condition'),
  f('GatewayBackendClientCertificate', 'Gateway', true, 'spec.tls.backend.clientCertificateRef, presented to TLS backends (over SDS)'),
  f('GatewayHTTPListenerIsolation', 'Gateway', true, 'a request is served by the routes of its most specific listener only'),
  f(
    'GatewayHTTPSListenerDetectMisdirectedRequests',
    'Gateway',
    true,
    "421 when another HTTPS listener on the port serves the Host (a listener without hostname, or one the connection's certificate covers)",
  ),
  f('GatewayInfrastructure', 'Gateway', false, 'labels and annotations reach the GatewayIR; the Kubernetes provisioner does not apply them yet'),
  f('GatewayListenerFilters', 'Gateway', false, '', 'experimental'),
  f('GatewayPort8080', 'Gateway', true, 'any port'),
  f('GatewayRouteHostnameIntersectionPrecedence', 'Gateway', true, 'routes meeting on one intersected hostname rank by their own hostnames'),
  f(
    'GatewayStaticAddresses',
    'Gateway',
    false,
    'IPAddress values are bound (every listener on each); AddressNotUsable needs the control plane to pass TranslateOptions.addressUsable',
  ),
  f('ListenerSet', 'Gateway', true, 'allowedListeners None/Same/All/Selector, precedence and conflicts, ListenerSet status, routes by parentRef'),
  f('ClusterTrustBundle', 'Gateway', false, '', 'experimental'),
  f('HTTPRoute', 'HTTPRoute', true, 'matches, precedence, weights, filters'),
  f('HTTPRoute303RedirectStatusCode', 'HTTPRoute', true, ''),
  f('HTTPRoute307RedirectStatusCode', 'HTTPRoute', true, ''),
  f('HTTPRoute308RedirectStatusCode', 'HTTPRoute', true, ''),
  f('HTTPRouteBackendProtocolH2C', 'HTTPRoute', true, 'Service port appProtocol kubernetes.io/h2c'),
  f('HTTPRouteBackendProtocolWebSocket', 'HTTPRoute', true, 'WebSocket upgrades reach the backend (appProtocol kubernetes.io/ws)'),
  f('HTTPRouteBackendRequestHeaderModification', 'HTTPRoute', true, 'RequestHeaderModifier and ResponseHeaderModifier on a backendRef'),
  f('HTTPRouteBackendTimeout', 'HTTPRoute', true, 'timeouts.backendRequest'),
  f('HTTPRouteBackendURLRewrite', 'HTTPRoute', false, 'URLRewrite on a backendRef: not yet (a rule-level URLRewrite works)'),
  f('HTTPRouteCORS', 'HTTPRoute', true, 'preflights from origins not allowed are answered by Envoy'),
  f('HTTPRouteDestinationPortMatching', 'HTTPRoute', true, 'parentRef port selects the listener', 'experimental'),
  f('HTTPRouteHostRewrite', 'HTTPRoute', true, ''),
  f('HTTPRouteMethodMatching', 'HTTPRoute', true, ''),
  f('HTTPRouteNamedRouteRule', 'HTTPRoute', true, ''),
  f('HTTPRouteParentRefPort', 'HTTPRoute', true, ''),
  f('HTTPRoutePathRedirect', 'HTTPRoute', true, ''),
  f('HTTPRoutePathRewrite', 'HTTPRoute', true, ''),
  f('HTTPRoutePortRedirect', 'HTTPRoute', true, ''),
  f('HTTPRouteQueryParamMatching', 'HTTPRoute', true, ''),
  f('HTTPRouteRequestMirror', 'HTTPRoute', true, 'also to another namespace with a ReferenceGrant'),
  f('HTTPRouteRequestMultipleMirrors', 'HTTPRoute', true, ''),
  f('HTTPRouteRequestPercentageMirror', 'HTTPRoute', true, ''),
  f('HTTPRouteRequestTimeout', 'HTTPRoute', true, ''),
  f('HTTPRouteResponseHeaderModification', 'HTTPRoute', true, ''),
  f('HTTPRouteRetryCodes', 'HTTPRoute', true, 'codes 400-599, attempts, backoff'),
  f('HTTPRouteRetryConnectionError', 'HTTPRoute', true, 'connect failures and refused streams, on another endpoint; never after the request was sent'),
  f('HTTPRouteSchemeRedirect', 'HTTPRoute', true, ''),
  f('GRPCRoute', 'GRPCRoute', true, 'service/method (exact, regex) and header matches, weights, h2c and TLS'),
  f('GRPCRouteNamedRouteRule', 'GRPCRoute', true, ''),
  f('GRPCRouteRequestHeaderModifier', 'GRPCRoute', true, ''),
  f('TLSRoute', 'TLSRoute', true, 'SNI passthrough'),
  f('TLSRouteModeMixed', 'TLSRoute', true, 'Passthrough and Terminate listeners on one port'),
  f('TLSRouteModeTerminate', 'TLSRoute', true, ''),
  f('TCPRoute', 'TCPRoute', true, 'weights; the oldest of several routes on a listener is bound'),
  f('UDPRoute', 'UDPRoute', true, 'weights (as endpoint weights of one cluster)'),
  f('ReferenceGrant', 'ReferenceGrant', true, 'backends, mirrors, certificates (from Gateways and ListenerSets)'),
  f('BackendTLSPolicy', 'BackendTLSPolicy', true, 'CA from a ConfigMap or Secret or the system bundle, SNI, conflicts, ancestor status'),
  f('BackendTLSPolicySANValidation', 'BackendTLSPolicy', true, 'DNS and URI subject alternative names'),
  f('Mesh', 'Mesh', false, 'Gatehouse is not a mesh (GAMMA)'),
  f('MeshClusterIPMatching', 'Mesh', false, 'not a mesh'),
  f('MeshConsumerRoute', 'Mesh', false, 'not a mesh'),
  f('MeshHTTPRouteBackendRequestHeaderModification', 'Mesh', false, 'not a mesh'),
  f('MeshHTTPRouteNamedRouteRule', 'Mesh', false, 'not a mesh'),
  f('MeshHTTPRouteQueryParamMatching', 'Mesh', false, 'not a mesh'),
  f('MeshHTTPRouteRedirectPath', 'Mesh', false, 'not a mesh'),
  f('MeshHTTPRouteRedirectPort', 'Mesh', false, 'not a mesh'),
  f('MeshHTTPRouteRewritePath', 'Mesh', false, 'not a mesh'),
  f('MeshHTTPRouteSchemeRedirect', 'Mesh', false, 'not a mesh'),
];

/** The feature names Gatehouse claims, sorted: what a conformance run passes as --supported-features. */
export const SUPPORTED_FEATURES: readonly string[] = GATEWAY_API_FEATURES.filter((x) => x.supported)
  .map((x) => x.name)
  .sort();

/** The Markdown table the README holds (rendered, so the document never drifts from the claims). */
export function renderFeaturesTable(): string {
  const rows = [...GATEWAY_API_FEATURES].sort((a, b) => a.area.localeCompare(b.area) || a.name.localeCompare(b.name));
  const lines = [
    `# Gateway API ${GATEWAY_API_VERSION_FEATURES} features`,
    '',
    `Every feature of the Gateway API ${GATEWAY_API_VERSION_FEATURES} conformance suite (\`sigs.k8s.io/gateway-api@${GATEWAY_API_VERSION_FEATURES}\`, pkg/features) and`,
    'whether Gatehouse supports it. Generated from `libs/api/src/features.ts` (the list Gatehouse claims);',
    '`test/golden/features.spec.ts` fails when the two disagree (`make golden` rewrites this table).',
    '',
    `Supported: ${SUPPORTED_FEATURES.length} of ${GATEWAY_API_FEATURES.length}.`,
    '',
    '| Area | Feature | Channel | Gatehouse | Notes |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((x) => `| ${x.area} | \`${x.name}\` | ${x.channel} | ${x.supported ? 'supported' : 'not yet'} | ${x.note} |`),
    '',
  ];
  return lines.join('\n');
}
