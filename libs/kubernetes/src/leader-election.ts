// Leader election on a coordination.k8s.io/v1 Lease, as client-go does it: the holder renews every `renewMs`; another
// replica takes over once the lease has not been renewed for `leaseDurationSeconds`. Every replica serves xDS; only
// the leader writes status (and provisions). A replica that cannot renew in time stops leading before another can
// start, and a replica that stops cleanly hands the lease back at once.
import type { KubeApi } from './kube-api.js';

export interface LeaderElectionOptions {
  api: KubeApi;
  namespace: string;
  name?: string;
  identity: string;
  leaseDurationSeconds?: number;
  renewMs?: number;
  onStartedLeading(): void;
  onStoppedLeading(): void;
  log?: { info(m: string): void; warn(m: string): void };
  /** For tests: the clock. */
  now?: () => number;
}

interface Lease {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

const microTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export class LeaderElector {
  private timer: NodeJS.Timeout | undefined;
  private leading = false;
  private lastRenew = 0;
  private stopped = false;
  private readonly name: string;
  private readonly duration: number;
  private readonly now: () => number;

  constructor(private readonly o: LeaderElectionOptions) {
    this.name = o.name ?? 'gatehouse-leader';
    this.duration = o.leaseDurationSeconds ?? 10;
    this.now = o.now ?? Date.now;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    const tick = async () => {
      if (this.stopped) return;
      await this.tryAcquireOrRenew().catch((err: Error) => this.o.log?.warn(`leader election: ${err.message}`));
      // Could not renew for a lease duration: someone else may lead by now.
      if (this.leading && this.now() - this.lastRenew > this.duration * 1000) this.setLeading(false);
      if (!this.stopped) this.timer = setTimeout(tick, this.o.renewMs ?? 2000);
    };
    void tick();
  }

  /** Stops electing; a leader hands the lease back so another replica takes over without waiting. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (!this.leading) return;
    this.setLeading(false);
    const lease = await this.get().catch(() => undefined);
    if (lease?.spec.holderIdentity === this.o.identity) {
      await this.o.api
        .request('PUT', this.path(), {
          body: { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(this.now()) } },
        })
        .catch(() => undefined);
    }
  }

  private path(name?: string): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${this.o.namespace}/leases${name === undefined ? `/${this.name}` : ''}`;
  }

  private get(): Promise<Lease | undefined> {
    return this.o.api.request<Lease>('GET', this.path()).catch((err: { status?: number }) => {
      if (err.status === 404) return undefined;
      throw err;
    });
  }

  private async tryAcquireOrRenew(): Promise<void> {
    const now = this.now();
    const lease = await this.get();
    const mine = { holderIdentity: this.o.identity, leaseDurationSeconds: this.duration, renewTime: microTime(now) };
    if (!lease) {
      await this.o.api.request('POST', this.path(''), {
        body: {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.name, namespace: this.o.namespace },
          spec: { ...mine, acquireTime: microTime(now), leaseTransitions: 0 },
        },
      });
      return this.renewed(now);
    }
    const holder = lease.spec.holderIdentity ?? '';
    if (holder === this.o.identity) {
      await this.o.api.request('PUT', this.path(), { body: { ...lease, spec: { ...lease.spec, ...mine } } });
      return this.renewed(now);
    }
    const renewed = lease.spec.renewTime ? Date.parse(lease.spec.renewTime) : 0;
    const expired = !holder || renewed + (lease.spec.leaseDurationSeconds ?? this.duration) * 1000 < now;
    if (!expired) {
      if (this.leading) this.setLeading(false);
      return;
    }
    // Take it over; a 409 means another replica was faster.
    await this.o.api.request('PUT', this.path(), {
      body: { ...lease, spec: { ...mine, acquireTime: microTime(now), leaseTransitions: (lease.spec.leaseTransitions ?? 0) + 1 } },
    });
    this.o.log?.info(`leader election: took over the lease ${this.o.namespace}/${this.name}${holder ? ` from ${holder}` : ''}`);
    this.renewed(now);
  }

  private renewed(at: number): void {
    this.lastRenew = at;
    if (!this.leading) this.setLeading(true);
  }

  private setLeading(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    this.o.log?.info(`leader election: ${this.o.identity} ${leading ? 'leads now' : 'no longer leads'} (lease ${this.o.namespace}/${this.name})`);
    if (leading) this.o.onStartedLeading();
    else this.o.onStoppedLeading();
  }
}
