// Events about pods and nodes, as the kubelet and the scheduler write them (core/v1 Event): the same reason and
// message for the same object again bumps count and lastTimestamp instead of making a new Event.
import { randomBytes } from 'node:crypto';
import type { KubeClient, KubeObject } from './kube-client.ts';

export const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export class EventRecorder {
  private readonly seen = new Map<string, { name: string; namespace: string; count: number }>();
  private readonly client: KubeClient;
  private readonly host: string;
  private readonly log: (line: string) => void;

  constructor(client: KubeClient, host: string, log: (line: string) => void) {
    this.client = client;
    this.host = host;
    this.log = log;
  }

  /** Records an event; never throws (an event that cannot be written is logged). */
  async record(obj: KubeObject & { kind: string }, type: 'Normal' | 'Warning', reason: string, message: string, component = 'kubelet'): Promise<void> {
    const namespace = obj.metadata.namespace ?? 'default';
    const key = `${obj.metadata.uid}/${component}/${reason}/${message}`;
    const t = now();
    try {
      const prior = this.seen.get(key);
      if (prior) {
        prior.count++;
        await this.client.request(
          'PATCH',
          `/api/v1/namespaces/${prior.namespace}/events/${prior.name}`,
          { count: prior.count, lastTimestamp: t },
          'application/merge-patch+json',
        );
        return;
      }
      const name = `${obj.metadata.name}.${randomBytes(8).toString('hex')}`;
      await this.client.request('POST', `/api/v1/namespaces/${namespace}/events`, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: {
          apiVersion: obj.apiVersion ?? 'v1',
          kind: obj.kind,
          namespace: obj.metadata.namespace,
          name: obj.metadata.name,
          uid: obj.metadata.uid,
        },
        reason,
        message: message.slice(0, 1024),
        type,
        source: { component, host: this.host },
        reportingComponent: component,
        reportingInstance: this.host,
        firstTimestamp: t,
        lastTimestamp: t,
        count: 1,
      });
      this.seen.set(key, { name, namespace, count: 1 });
    } catch (err) {
      this.log(`event ${reason} for ${obj.kind} ${namespace}/${obj.metadata.name} not written: ${(err as Error).message}`);
    }
  }

  /** Forgets an object's events (it is gone). */
  forget(uid: string | undefined): void {
    for (const k of [...this.seen.keys()]) if (k.startsWith(`${uid}/`)) this.seen.delete(k);
  }
}
