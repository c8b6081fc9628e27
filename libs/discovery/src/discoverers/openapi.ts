// Function discovery for HTTP Upstreams from their OpenAPI/Swagger document: the inline document, the document at
// spec.openapi.url, or the first of a list of paths that answers 200 on the upstream (its first static host, or the
// first ready endpoint of its Service port). An Upstream with spec.openapi asks for it; others only when opted in.
import { resourcesByLabel, SERVICE_NAME_LABEL, type StoredResource, type Upstream } from '@gatehouse/api';
import { DiscoveryError, type DiscoveryContext, type FunctionDiscoverer } from '@gatehouse/plugin-sdk';
import { documentFunctions, parseText } from './openapi-document.js';

export const OPENAPI_DISCOVERER = 'openapi';
export const DEFAULT_OPENAPI_PATHS = ['/openapi.json', '/openapi.yaml', '/v3/api-docs', '/swagger.json', '/swagger/v1/swagger.json'];
/** Documents larger than this are refused (a bound on memory, not a limit a real document meets). */
export const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

interface SliceLike {
  ports?: Array<{ name?: string; port?: number }>;
  endpoints?: Array<{ addresses?: string[]; conditions?: { ready?: boolean } }>;
}

/** Where the upstream answers HTTP: `http://host:port`, or undefined. */
function baseUrl(ctx: DiscoveryContext, upstream: StoredResource): string | undefined {
  const spec = (upstream.object as Upstream).spec;
  const host = spec.static?.hosts[0];
  if (host) return `${host.port === 443 ? 'https' : 'http'}://${host.address.includes(':') ? `[${host.address}]` : host.address}:${host.port}`;
  if (spec.kube) {
    const ns = upstream.ref.namespace;
    const svc = ctx.snapshot.resources.get(`Service/${ns}/${spec.kube.serviceName}`)?.object as
      { spec?: { ports?: Array<{ name?: string; port: number }> } } | undefined;
    const port = svc?.spec?.ports?.find((p) => p.port === spec.kube!.servicePort);
    if (!port) return undefined;
    for (const s of resourcesByLabel(ctx.snapshot, 'EndpointSlice', ns, SERVICE_NAME_LABEL, spec.kube.serviceName)) {
      const slice = s.object as SliceLike;
      const target = slice.ports?.find((p) => (p.name ?? '') === (port.name ?? ''))?.port;
      const ep = slice.endpoints?.find((e) => e.conditions?.ready !== false && e.addresses?.length);
      if (target && ep) return `http://${ep.addresses![0]!.includes(':') ? `[${ep.addresses![0]}]` : ep.addresses![0]}:${target}`;
    }
  }
  return undefined;
}

/** GET `url` → its text, or undefined on 404/405; bounded in size; errors name the URL. */
async function fetchText(url: string, signal: AbortSignal): Promise<string | undefined> {
  let res: Response;
  try {
    res = await fetch(url, { signal, headers: { accept: 'application/json, application/yaml;q=0.9, */*;q=0.1' }, redirect: 'follow' });
  } catch (err) {
    if ((err as Error).name === 'AbortError' || (err as Error).name === 'TimeoutError') throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new DiscoveryError('Unreachable', `GET ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, undefined, url);
  }
  if (res.status === 404 || res.status === 405) {
    await res.body?.cancel();
    return undefined;
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new DiscoveryError(`HTTP${res.status}`, `GET ${url} answered ${res.status}`, undefined, url);
  }
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > MAX_DOCUMENT_BYTES)
    throw new DiscoveryError('DocumentTooLarge', `GET ${url}: ${declared} bytes, more than ${MAX_DOCUMENT_BYTES}`, undefined, url);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_DOCUMENT_BYTES) throw new DiscoveryError('DocumentTooLarge', `GET ${url}: more than ${MAX_DOCUMENT_BYTES} bytes`, undefined, url);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export const openApiDiscoverer: FunctionDiscoverer = {
  name: OPENAPI_DISCOVERER,
  kind: 'functions',
  appliesTo: (u) => {
    const spec = (u.object as Upstream).spec;
    return !!spec && !spec.aws && (!!spec.openapi || !!spec.static || !!spec.kube);
  },
  explicit: (u) => !!(u.object as Upstream).spec?.openapi,
  async discover(ctx, upstream) {
    const o = (upstream.object as Upstream).spec.openapi ?? {};
    if (o.document !== undefined)
      return { functions: await documentFunctions(parseText(o.document, 'spec.openapi.document'), 'spec.openapi.document'), source: 'spec.openapi.document' };
    if (o.url) {
      const text = await fetchText(o.url, ctx.signal);
      if (text === undefined) throw new DiscoveryError('NoDocument', `GET ${o.url} answered 404`, undefined, o.url);
      return { functions: await documentFunctions(parseText(text, o.url), o.url), source: o.url };
    }
    const base = baseUrl(ctx, upstream);
    if (!base) throw new DiscoveryError('NoAddress', 'the upstream has no address to probe yet (no static host, or no ready endpoint of its Service port)');
    const paths = o.paths ?? DEFAULT_OPENAPI_PATHS;
    for (const p of paths) {
      const url = base + p;
      const text = await fetchText(url, ctx.signal);
      if (text === undefined) continue;
      return { functions: await documentFunctions(parseText(text, url), url), source: url };
    }
    throw new DiscoveryError(
      'NoDocument',
      `no OpenAPI document at ${base} (tried ${paths.join(', ')}); set spec.openapi.url or spec.openapi.paths`,
      undefined,
      base,
    );
  },
};
