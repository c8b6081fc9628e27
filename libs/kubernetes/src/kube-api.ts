// A small typed client for the Kubernetes API: the authentication and TLS of @kubernetes/client-node's KubeConfig
// (kubeconfig files, in-cluster service accounts, exec plugins), plain JSON requests, and its list+watch cache.
import { HttpMethod, KubeConfig, ListWatch, RequestContext, Watch, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { fetch } from 'undici';

export interface KubeApiOptions {
  /** A kubeconfig file; without it, the in-cluster service account, then the usual defaults ($KUBECONFIG, ~/.kube/config). */
  kubeconfig?: string;
  /** The kubeconfig context (default: its current context). */
  context?: string;
}

/** An error the API server answered with (a Status object), or a transport error (status 0). */
export class KubeError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** For PATCH: `application/merge-patch+json` (default), `application/apply-patch+yaml`... */
  contentType?: string;
  timeoutMs?: number;
}

export class KubeApi {
  constructor(readonly config: KubeConfig) {}

  static load(o: KubeApiOptions = {}): KubeApi {
    const kc = new KubeConfig();
    if (o.kubeconfig) kc.loadFromFile(o.kubeconfig);
    else if (process.env['KUBERNETES_SERVICE_HOST']) kc.loadFromCluster();
    else kc.loadFromDefault();
    if (o.context) kc.setCurrentContext(o.context);
    if (!kc.getCurrentCluster()) throw new Error(`no cluster in ${o.kubeconfig ?? 'the default kubeconfig'}: pass --kubeconfig FILE, or run in a cluster`);
    return new KubeApi(kc);
  }

  get server(): string {
    return this.config.getCurrentCluster()!.server;
  }

  async request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, o: RequestOptions = {}): Promise<T> {
    const url = new URL(this.server.replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const ctx = new RequestContext(url.toString(), HttpMethod[method]);
    await this.config.applySecurityAuthentication(ctx);
    const headers: Record<string, string> = { ...ctx.getHeaders(), accept: 'application/json' };
    let body: string | undefined;
    if (o.body !== undefined) {
      headers['content-type'] = method === 'PATCH' ? (o.contentType ?? 'application/merge-patch+json') : 'application/json';
      body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    }
    let res;
    try {
      res = await fetch(url, {
        method,
        headers,
        dispatcher: ctx.getDispatcher(),
        signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
        ...(body !== undefined ? { body } : {}),
      });
    } catch (err) {
      throw new KubeError(0, 'Unreachable', `${method} ${path}: ${(err as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) {
      let status: { reason?: string; message?: string } = {};
      try {
        status = JSON.parse(text) as typeof status;
      } catch {
        // not a Status object
      }
      throw new KubeError(res.status, status.reason ?? res.statusText, `${method} ${path}: ${res.status} ${status.message ?? text.slice(0, 300)}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * A list+watch cache of `path` (a collection URL). It relists after an expired watch (410) by itself; on other
   * errors it stops and reports, and the caller restarts it (with backoff).
   */
  listWatch<T extends KubernetesObject>(path: string, selectors: { labelSelector?: string; fieldSelector?: string } = {}): ListWatch<T> {
    const list = () =>
      this.request<KubernetesListObject<T>>('GET', path, { query: { labelSelector: selectors.labelSelector, fieldSelector: selectors.fieldSelector } });
    return new ListWatch<T>(path, new Watch(this.config), list, false, selectors.labelSelector, selectors.fieldSelector);
  }
}
