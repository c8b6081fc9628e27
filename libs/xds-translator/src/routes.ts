// RouteIR → envoy.config.route.v3.Route.
import {
  headerValueOptions,
  msToProtoDuration,
  replacePrefix,
  typed,
  type EnvoyMessage,
  type RedirectIR,
  type RouteIR,
  type StringMatchIR,
  type WeightedBackendIR,
} from '@gatehouse/plugin-sdk';

const REDIRECT_CODES: Record<number, string> = {
  301: 'MOVED_PERMANENTLY',
  302: 'FOUND',
  303: 'SEE_OTHER',
  307: 'TEMPORARY_REDIRECT',
  308: 'PERMANENT_REDIRECT',
};
const WELL_KNOWN_PORTS: Record<string, number> = { http: 80, https: 443 };

function stringMatch(m: StringMatchIR): EnvoyMessage {
  return m.type === 'Exact' ? { exact: m.value } : { safeRegex: { regex: m.value } };
}

export function routeMatch(r: RouteIR): EnvoyMessage {
  const { path, headers, queryParams, method } = r.match;
  const out: EnvoyMessage = {};
  if (path.type === 'Exact') out['path'] = path.value;
  else if (path.type === 'RegularExpression') out['safeRegex'] = { regex: path.value };
  else {
    // Gateway API prefixes match whole path elements and ignore a trailing slash: Envoy's path_separated_prefix.
    const trimmed = path.value.replace(/\/+$/, '');
    if (trimmed === '') out['prefix'] = '/';
    else out['pathSeparatedPrefix'] = trimmed;
  }
  const hdrs: EnvoyMessage[] = headers.map((h) => ({ name: h.name, stringMatch: stringMatch(h) }));
  if (method) hdrs.push({ name: ':method', stringMatch: { exact: method } });
  if (hdrs.length) out['headers'] = hdrs;
  if (queryParams.length) out['queryParameters'] = queryParams.map((q) => ({ name: q.name, stringMatch: stringMatch(q) }));
  // GRPCRoute rules answer gRPC requests only (content-type application/grpc*).
  if (r.match.grpc) out['grpc'] = {};
  return out;
}

/** Where a route is served: redirects derive their port from it. */
/** A request on an HTTPS connection whose Host another listener on the port serves (RFC 9110 421). */
export const MISDIRECTED_ROUTE: EnvoyMessage = Object.freeze({
  name: 'misdirected-request',
  match: Object.freeze({ prefix: '/' }),
  directResponse: Object.freeze({ status: 421 }),
});

export interface ServedAt {
  port: number;
  scheme: 'http' | 'https';
}

export function envoyRoute(r: RouteIR, at: ServedAt): EnvoyMessage {
  const out: EnvoyMessage = { name: r.name, match: routeMatch(r) };
  const a = r.action;
  if (a.kind === 'redirect') {
    out['redirect'] = redirectAction(a.redirect, r, at);
    return out;
  }
  if (a.kind === 'direct') {
    out['directResponse'] = a.body !== undefined ? { status: a.status, body: { inlineString: a.body } } : { status: a.status };
    return out;
  }
  const action: EnvoyMessage =
    a.backends.length === 1 && !a.backends[0]!.filters
      ? { cluster: a.backends[0]!.clusterName }
      : { weightedClusters: { clusters: a.backends.map(clusterWeight) } };
  // A share whose backend could not be resolved names no cluster: Gateway API wants 500 for it (UNAVAILABLE for gRPC,
  // which Envoy's gRPC local reply makes of a 503).
  action['clusterNotFoundResponseCode'] = r.match.grpc ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR';
  if (a.timeoutMs !== undefined) action['timeout'] = msToProtoDuration(a.timeoutMs);
  if (a.retry || a.backendTimeoutMs !== undefined) {
    const policy: EnvoyMessage = {};
    if (a.retry) {
      // Gateway API v1.7: retry when no connection could be made or the backend refused the request before
      // processing it, and on the listed codes; never on a reset after the request was sent (it may have been
      // processed). A retry goes to another endpoint when there is one.
      policy['numRetries'] = a.retry.attempts;
      policy['retryOn'] = (a.retry.codes.length ? ['retriable-status-codes', ...CONNECTION_RETRIES] : CONNECTION_RETRIES).join(',');
      if (a.retry.codes.length) policy['retriableStatusCodes'] = a.retry.codes;
      if (a.retry.backoffMs !== undefined) policy['retryBackOff'] = { baseInterval: msToProtoDuration(a.retry.backoffMs) };
      if (a.retry.attempts > 0) {
        policy['retryHostPredicate'] = [
          { name: 'envoy.retry_host_predicates.previous_hosts', typedConfig: typed('envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate') },
        ];
        policy['hostSelectionRetryMaxAttempts'] = 5;
      }
    } else {
      policy['numRetries'] = 0;
    }
    if (a.backendTimeoutMs !== undefined) policy['perTryTimeout'] = msToProtoDuration(a.backendTimeoutMs);
    action['retryPolicy'] = policy;
  }
  out['route'] = action;
  return out;
}

const CONNECTION_RETRIES = ['connect-failure', 'refused-stream', 'reset-before-request'];

/** One share of a weighted set, with the header modifiers of its backendRef. */
function clusterWeight(b: WeightedBackendIR): EnvoyMessage {
  const out: EnvoyMessage = { name: b.clusterName, weight: b.weight };
  for (const f of b.filters ?? []) {
    const [add, remove] =
      f.type === 'RequestHeaderModifier' ? ['requestHeadersToAdd', 'requestHeadersToRemove'] : ['responseHeadersToAdd', 'responseHeadersToRemove'];
    const options = headerValueOptions(f.modifier);
    if (options.length) out[add] = [...((out[add] as EnvoyMessage[] | undefined) ?? []), ...options];
    if (f.modifier.remove.length) out[remove] = [...((out[remove] as string[] | undefined) ?? []), ...f.modifier.remove];
  }
  return out;
}

function redirectAction(rd: RedirectIR, r: RouteIR, at: ServedAt): EnvoyMessage {
  const out: EnvoyMessage = { responseCode: REDIRECT_CODES[rd.statusCode] };
  if (rd.scheme) out['schemeRedirect'] = rd.scheme;
  if (rd.hostname) out['hostRedirect'] = rd.hostname;
  // Gateway API: an explicit port; else the scheme's well-known port; else the listener's port.
  const scheme = rd.scheme ?? at.scheme;
  const port = rd.port ?? (rd.scheme ? WELL_KNOWN_PORTS[rd.scheme]! : at.port);
  // A well-known port is left out of Location when Envoy allows: hostRedirect drops the request's port, and a
  // request that arrived on that very port carries no other. Otherwise it is explicit (right target, ":443").
  const wellKnown = port === WELL_KNOWN_PORTS[scheme];
  if (!(wellKnown && (rd.hostname || at.port === port))) out['portRedirect'] = port;
  if (rd.path?.type === 'ReplaceFullPath') out['pathRedirect'] = rd.path.value;
  else if (rd.path?.type === 'ReplacePrefixMatch') out['regexRewrite'] = replacePrefix(r.match.path.value, rd.path.value);
  return out;
}
