// RouteIR → envoy.config.route.v3.Route.
import { msToProtoDuration, type EnvoyMessage, type RouteIR, type StringMatchIR } from '@gatehouse/plugin-sdk';

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
  return out;
}

export function envoyRoute(r: RouteIR): EnvoyMessage {
  const out: EnvoyMessage = { name: r.name, match: routeMatch(r) };
  const a = r.action;
  if (a.kind === 'direct') {
    out['directResponse'] = a.body !== undefined ? { status: a.status, body: { inlineString: a.body } } : { status: a.status };
    return out;
  }
  const action: EnvoyMessage =
    a.backends.length === 1
      ? { cluster: a.backends[0]!.clusterName }
      : { weightedClusters: { clusters: a.backends.map((b) => ({ name: b.clusterName, weight: b.weight })) } };
  // A share whose backend could not be resolved names no cluster: Gateway API wants 500 for it.
  action['clusterNotFoundResponseCode'] = 'INTERNAL_SERVER_ERROR';
  if (a.timeoutMs !== undefined) action['timeout'] = msToProtoDuration(a.timeoutMs);
  out['route'] = action;
  return out;
}
