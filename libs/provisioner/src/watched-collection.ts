// A list+watch cache of one collection for the provisioner (its own objects by label, GatewayParameters), restarted
// with backoff after errors. A collection the cluster does not serve (a CRD not installed: 404) is looked for again
// every `rediscoverMs` and reads as empty meanwhile.
import type { KubernetesObject, ListWatch } from '@kubernetes/client-node';
import type { KubeApi } from '@gatehouse/kubernetes';

export interface WatchedCollectionOptions {
  api: KubeApi;
  path: string;
  labelSelector?: string;
  /** Any add, update or delete (after the first list). */
  onChange(kind: 'add' | 'update' | 'delete', o: KubernetesObject): void;
  log?: { warn(m: string): void; info(m: string): void };
  rediscoverMs?: number;
}

export class WatchedCollection<T extends KubernetesObject> {
  private informer: ListWatch<T> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private backoffMs = 500;
  private closed = false;
  private failures = 0;
  /** False while the cluster answers 404 for the collection. */
  served = true;

  constructor(private readonly o: WatchedCollectionOptions) {}

  async start(): Promise<void> {
    const informer = this.o.api.listWatch<T>(this.o.path, this.o.labelSelector ? { labelSelector: this.o.labelSelector } : {});
    this.informer = informer;
    for (const verb of ['add', 'update', 'delete'] as const) informer.on(verb, (obj) => this.o.onChange(verb, obj));
    informer.on('connect', () => (this.backoffMs = 500));
    informer.on('error', (err: { message?: string; statusCode?: number; code?: number }) => this.retry(err));
    await informer.start();
  }

  private retry(err: { message?: string; statusCode?: number; code?: number; status?: number }): void {
    if (this.closed) return;
    this.failures++;
    const status = err?.statusCode ?? err?.status ?? err?.code;
    clearTimeout(this.timer);
    if (status === 404) {
      if (this.served)
        this.o.log?.info(
          `provisioner: ${this.o.path} is not served (CRD not installed?); looked for again every ${Math.round((this.o.rediscoverMs ?? 30_000) / 1000)} s`,
        );
      this.served = false;
      this.timer = setTimeout(() => void this.restart(), this.o.rediscoverMs ?? 30_000);
    } else {
      this.o.log?.warn(`provisioner: watching ${this.o.path} failed (${status ?? ''} ${err?.message ?? String(err)}); retrying in ${this.backoffMs} ms`);
      this.timer = setTimeout(() => void this.restart(), this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 2, 30_000);
    }
    this.timer.unref();
  }

  private async restart(): Promise<void> {
    if (this.closed || !this.informer) return;
    const failures = this.failures;
    // A failing list reports through the error callback (retry) and resolves.
    await this.informer.start();
    if (this.failures !== failures || this.served) return;
    this.o.log?.info(`provisioner: ${this.o.path} is served now`);
    this.served = true;
    this.o.onChange('update', { metadata: {} });
  }

  list(): readonly T[] {
    return this.served && this.informer ? this.informer.list() : [];
  }

  get(name: string, namespace: string): T | undefined {
    return this.served ? this.informer?.get(name, namespace) : undefined;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    void this.informer?.stop();
  }
}
