// The node agent's edge to kube-apiserver: JSON requests over HTTPS with the cluster's CA and a bearer token, and
// list+watch informers. Node's built-ins only (the agent runs with Node's type stripping, no build step).
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { parse } from 'yaml';

export interface KubeAccess {
  server: string;
  ca: string;
  token: string;
}

/** The server, CA and token of a kubeconfig's current context (token auth only: what scripts/kube/cluster.mjs writes). */
export function loadKubeconfig(path: string): KubeAccess {
  type Named<T> = { name: string } & T;
  const kc = parse(readFileSync(path, 'utf8')) as {
    'current-context'?: string;
    contexts?: Array<Named<{ context: { cluster: string; user: string } }>>;
    clusters?: Array<Named<{ cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string } }>>;
    users?: Array<Named<{ user: { token?: string; tokenFile?: string } }>>;
  };
  const ctx = kc.contexts?.find((c) => c.name === kc['current-context']) ?? kc.contexts?.[0];
  const cluster = kc.clusters?.find((c) => c.name === ctx?.context.cluster)?.cluster;
  const user = kc.users?.find((u) => u.name === ctx?.context.user)?.user;
  if (!cluster || !user) throw new Error(`kubeconfig ${path}: no cluster/user for context ${JSON.stringify(kc['current-context'])}`);
  const ca = cluster['certificate-authority-data']
    ? Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8')
    : cluster['certificate-authority']
      ? readFileSync(cluster['certificate-authority'], 'utf8')
      : '';
  const token = user.token ?? (user.tokenFile ? readFileSync(user.tokenFile, 'utf8').trim() : '');
  if (!token) throw new Error(`kubeconfig ${path}: the node agent needs a bearer token (users[].user.token)`);
  return { server: cluster.server, ca, token };
}

export class ApiError extends Error {
  readonly status: number;
  readonly reason: string;
  constructor(method: string, path: string, status: number, body: string) {
    let message = body.slice(0, 300);
    let reason = '';
    try {
      const s = JSON.parse(body) as { message?: string; reason?: string };
      message = s.message ?? message;
      reason = s.reason ?? '';
    } catch {
      // not a Status object
    }
    super(`${method} ${path}: ${status} ${message}`);
    this.status = status;
    this.reason = reason;
  }
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  creationTimestamp?: string;
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
}
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

export class KubeClient {
  readonly access: KubeAccess;
  private readonly agent: https.Agent;

  constructor(access: KubeAccess) {
    this.access = access;
    this.agent = new https.Agent({ keepAlive: true, ca: access.ca, maxSockets: 16 });
  }

  /** One request; resolves with the parsed JSON body, throws ApiError on a non-2xx answer. */
  async request<T = unknown>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const { status, text } = await this.raw(method, path, body, contentType);
    if (status < 200 || status > 299) throw new ApiError(method, path, status, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** The same, resolving with undefined on 404. */
  async get<T>(path: string): Promise<T | undefined> {
    try {
      return await this.request<T>('GET', path);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  private raw(method: string, path: string, body: unknown, contentType: string): Promise<{ status: number; text: string }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const url = new URL(path, this.access.server);
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${this.access.token}`, 'user-agent': 'gatehouse-node/0.1' };
    if (payload !== undefined) {
      headers['content-type'] = contentType;
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    return new Promise((resolve, reject) => {
      const req = https.request(url, { method, agent: this.agent, headers, timeout: 30_000 }, (res) => {
        let text = '';
        res
          .setEncoding('utf8')
          .on('data', (c: string) => (text += c))
          .on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${path}`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /**
   * A watch stream from `resourceVersion`: calls `onEvent` per event until the server ends the stream, then resolves
   * with the last resourceVersion seen; rejects with ApiError (410 Gone: list again) or a network error.
   */
  watchOnce(path: string, resourceVersion: string, onEvent: (type: string, obj: KubeObject) => void, signal: AbortSignal): Promise<string> {
    const sep = path.includes('?') ? '&' : '?';
    const url = new URL(
      `${path}${sep}watch=1&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(resourceVersion)}&timeoutSeconds=${240 + Math.floor(Math.random() * 60)}`,
      this.access.server,
    );
    let rv = resourceVersion;
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        { method: 'GET', agent: this.agent, signal, headers: { accept: 'application/json', authorization: `Bearer ${this.access.token}` } },
        (res) => {
          if (res.statusCode !== 200) {
            let text = '';
            res
              .setEncoding('utf8')
              .on('data', (c: string) => (text += c))
              .on('end', () => reject(new ApiError('WATCH', path, res.statusCode ?? 0, text)));
            return;
          }
          let partial = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            const lines = (partial + chunk).split('\n');
            partial = lines.pop() ?? '';
            for (const line of lines) {
              if (!line.trim()) continue;
              const ev = JSON.parse(line) as { type: string; object: KubeObject & { code?: number; message?: string } };
              if (ev.type === 'ERROR') {
                res.destroy();
                reject(new ApiError('WATCH', path, ev.object.code ?? 500, JSON.stringify(ev.object)));
                return;
              }
              rv = ev.object.metadata?.resourceVersion ?? rv;
              if (ev.type !== 'BOOKMARK') onEvent(ev.type, ev.object);
            }
          });
          res.on('end', () => resolve(rv));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }
}

export type Listener<T extends KubeObject> = (key: string, obj: T | undefined, old: T | undefined) => void;

/** `namespace/name` (or `name` for cluster-scoped objects). */
export const keyOf = (o: KubeObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);

/**
 * A cache of one collection kept current by list+watch (relists on 410 Gone, re-watches after a broken stream with a
 * short backoff). Listeners get every change as (key, new, old); a relist reports only what differs.
 */
export class Informer<T extends KubeObject> {
  readonly items = new Map<string, T>();
  private readonly listeners: Array<Listener<T>> = [];
  private readonly abort = new AbortController();
  private synced!: () => void;
  /** Resolves after the first list. */
  readonly ready = new Promise<void>((r) => (this.synced = r));
  private readonly client: KubeClient;
  private readonly path: string;
  private readonly log: (line: string) => void;

  constructor(client: KubeClient, path: string, log: (line: string) => void) {
    this.client = client;
    this.path = path;
    this.log = log;
  }

  on(listener: Listener<T>): void {
    this.listeners.push(listener);
  }

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.abort.abort();
  }

  private emit(key: string, obj: T | undefined, old: T | undefined): void {
    for (const l of this.listeners) {
      try {
        l(key, obj, old);
      } catch (err) {
        this.log(`informer ${this.path}: listener failed: ${(err as Error).stack ?? err}`);
      }
    }
  }

  private async list(): Promise<string> {
    const list = await this.client.request<{ metadata: { resourceVersion: string }; items: T[] }>('GET', this.path);
    const seen = new Set<string>();
    for (const item of list.items) {
      const key = keyOf(item);
      seen.add(key);
      const old = this.items.get(key);
      this.items.set(key, item);
      if (old?.metadata.resourceVersion !== item.metadata.resourceVersion) this.emit(key, item, old);
    }
    for (const [key, old] of [...this.items]) {
      if (seen.has(key)) continue;
      this.items.delete(key);
      this.emit(key, undefined, old);
    }
    this.synced();
    return list.metadata.resourceVersion;
  }

  private async loop(): Promise<void> {
    let rv: string | undefined;
    let backoff = 200;
    while (!this.abort.signal.aborted) {
      try {
        rv ??= await this.list();
        rv = await this.client.watchOnce(
          this.path,
          rv,
          (type, obj) => {
            const item = obj as T;
            const key = keyOf(item);
            const old = this.items.get(key);
            if (type === 'DELETED') {
              this.items.delete(key);
              this.emit(key, undefined, old ?? item);
            } else {
              this.items.set(key, item);
              this.emit(key, item, old);
            }
          },
          this.abort.signal,
        );
        backoff = 200;
      } catch (err) {
        if (this.abort.signal.aborted) return;
        if (err instanceof ApiError && err.status === 410) {
          rv = undefined; // too old: list again
          continue;
        }
        this.log(`informer ${this.path}: ${(err as Error).message}; retrying in ${backoff} ms`);
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 5000);
        if (err instanceof ApiError) rv = undefined;
      }
    }
  }
}
