// The scheduler of a one-node cluster: a pod for the default scheduler that has no node is bound to this one when its
// nodeSelector and required node affinity match the node's labels; otherwise it stays Pending with PodScheduled=False
// and a FailedScheduling event, as kube-scheduler reports it.
import type { EventRecorder } from './events.ts';
import { ApiError, type KubeClient } from './kube-client.ts';
import type { NodeSelectorTerm, Pod } from './types.ts';

function termMatches(term: NodeSelectorTerm, labels: Record<string, string>, nodeName: string): boolean {
  const expr = (key: string, op: string, values: string[] | undefined, value: string | undefined) => {
    switch (op) {
      case 'In':
        return value !== undefined && (values ?? []).includes(value);
      case 'NotIn':
        return value === undefined || !(values ?? []).includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      case 'Gt':
        return value !== undefined && Number(value) > Number(values?.[0]);
      case 'Lt':
        return value !== undefined && Number(value) < Number(values?.[0]);
      default:
        return false;
    }
  };
  return (
    (term.matchExpressions ?? []).every((e) => expr(e.key, e.operator, e.values, labels[e.key])) &&
    (term.matchFields ?? []).every((f) => expr(f.key, f.operator, f.values, f.key === 'metadata.name' ? nodeName : undefined))
  );
}

/** Why the pod does not fit this node, or undefined when it does. */
export function unfit(pod: Pod, nodeName: string, labels: Record<string, string>): string | undefined {
  for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) {
    if (labels[k] !== v) return `0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector (nodeSelector ${k}=${v}).`;
  }
  const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms?.length && !terms.some((t) => termMatches(t, labels, nodeName)))
    return "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.";
  return undefined;
}

export class Binder {
  private readonly pending = new Set<string>();
  private readonly client: KubeClient;
  private readonly nodeName: string;
  private readonly labels: Record<string, string>;
  private readonly events: EventRecorder;
  private readonly log: (line: string) => void;

  constructor(client: KubeClient, nodeName: string, labels: Record<string, string>, events: EventRecorder, log: (line: string) => void) {
    this.client = client;
    this.nodeName = nodeName;
    this.labels = labels;
    this.events = events;
    this.log = log;
  }

  /** Whether this binder schedules the pod at all. */
  static wants(pod: Pod): boolean {
    return (
      !pod.spec.nodeName &&
      !pod.metadata.deletionTimestamp &&
      (pod.spec.schedulerName ?? 'default-scheduler') === 'default-scheduler' &&
      pod.status?.phase !== 'Succeeded' &&
      pod.status?.phase !== 'Failed'
    );
  }

  async consider(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    if (this.pending.has(uid)) return;
    this.pending.add(uid);
    const { namespace, name } = pod.metadata;
    const ref = { ...pod, kind: 'Pod', apiVersion: 'v1' };
    try {
      const why = unfit(pod, this.nodeName, this.labels);
      if (why) {
        const already = pod.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.message === why);
        if (already) return;
        await this.client.request(
          'PATCH',
          `/api/v1/namespaces/${namespace}/pods/${name}/status`,
          {
            status: {
              conditions: [
                {
                  type: 'PodScheduled',
                  status: 'False',
                  reason: 'Unschedulable',
                  message: why,
                  lastProbeTime: null,
                  lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
                },
              ],
            },
          },
          'application/strategic-merge-patch+json',
        );
        await this.events.record(ref, 'Warning', 'FailedScheduling', why, 'default-scheduler');
        return;
      }
      await this.client.request('POST', `/api/v1/namespaces/${namespace}/pods/${name}/binding`, {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, namespace, uid },
        target: { apiVersion: 'v1', kind: 'Node', name: this.nodeName },
      });
      await this.events.record(ref, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${this.nodeName}`, 'default-scheduler');
    } catch (err) {
      // 409: bound meanwhile or gone; anything else is retried on the pod's next change.
      if (!(err instanceof ApiError) || (err.status !== 409 && err.status !== 404)) this.log(`binding pod ${namespace}/${name}: ${(err as Error).message}`);
    } finally {
      this.pending.delete(uid);
    }
  }
}
