// The Node object of this agent: registered Ready with its pod CIDR, address and capacity, kept alive as the kubelet
// does (its Lease in kube-node-lease renewed every 10 s, status heartbeats every 30 s), and marked NotReady on stop.
import { readFileSync } from 'node:fs';
import { cpus, hostname, release, totalmem } from 'node:os';
import { now } from './events.ts';
import { ApiError, type KubeClient } from './kube-client.ts';

export interface NodeOptions {
  name: string;
  podCidr: string;
  nodeIP: string;
  /** Where kube-apiserver reaches this node's kubelet API (container logs). */
  kubeletPort: number;
  kubeletVersion: string;
  log(line: string): void;
}

const LEASE_SECONDS = 40;
const MAX_PODS = 250;

const bootId = () => {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
};

export class NodeRegistration {
  private readonly client: KubeClient;
  private readonly o: NodeOptions;
  private timers: NodeJS.Timeout[] = [];
  readonly labels: Record<string, string>;
  readonly allocatable: { cpu: string; memory: string; 'ephemeral-storage': string; pods: string };

  constructor(client: KubeClient, o: NodeOptions) {
    this.client = client;
    this.o = o;
    this.labels = {
      'kubernetes.io/hostname': o.name,
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': process.arch === 'x64' ? 'amd64' : process.arch,
      'node.kubernetes.io/instance-type': 'gatehouse-local',
    };
    this.allocatable = { cpu: String(cpus().length), memory: `${Math.floor(totalmem() / 1024)}Ki`, 'ephemeral-storage': '10Gi', pods: String(MAX_PODS) };
  }

  private status(ready: boolean, message: string) {
    const t = now();
    const cond = (type: string, status: string, reason: string, msg: string) => ({
      type,
      status,
      reason,
      message: msg,
      lastHeartbeatTime: t,
      lastTransitionTime: t,
    });
    return {
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', ready ? 'True' : 'False', ready ? 'KubeletReady' : 'KubeletNotReady', message),
      ],
      // No Hostname address: kube-apiserver would dial the node by a name nothing resolves.
      addresses: [{ type: 'InternalIP', address: this.o.nodeIP }],
      capacity: this.allocatable,
      allocatable: this.allocatable,
      daemonEndpoints: { kubeletEndpoint: { Port: this.o.kubeletPort } },
      nodeInfo: {
        machineID: '',
        systemUUID: '',
        bootID: bootId(),
        kernelVersion: release(),
        osImage: `gatehouse test node on ${hostname()}`,
        containerRuntimeVersion: 'gatehouse-node://local-processes',
        kubeletVersion: this.o.kubeletVersion,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: this.labels['kubernetes.io/arch'] ?? 'amd64',
      },
    };
  }

  /** Creates (or takes over) the Node, Ready; starts the heartbeats. */
  async register(): Promise<void> {
    const path = `/api/v1/nodes/${this.o.name}`;
    const existing = await this.client.get<{ spec?: { podCIDR?: string } }>(path);
    if (existing && existing.spec?.podCIDR !== this.o.podCidr) {
      // spec.podCIDR is immutable: a node registered with another CIDR is replaced.
      await this.client.request('DELETE', path);
    }
    if (!existing || existing.spec?.podCIDR !== this.o.podCidr) {
      for (let i = 0; ; i++) {
        try {
          await this.client.request('POST', '/api/v1/nodes', {
            apiVersion: 'v1',
            kind: 'Node',
            metadata: { name: this.o.name, labels: this.labels },
            spec: { podCIDR: this.o.podCidr, podCIDRs: [this.o.podCidr] },
          });
          break;
        } catch (err) {
          if (!(err instanceof ApiError) || err.status !== 409 || i > 50) throw err;
          await new Promise((r) => setTimeout(r, 100)); // the old one is still being deleted
        }
      }
    }
    await this.writeStatus(true, 'kubelet is posting ready status');
    await this.renewLease();
    this.timers.push(setInterval(() => void this.renewLease().catch((e: Error) => this.o.log(`lease: ${e.message}`)), 10_000));
    this.timers.push(
      setInterval(() => void this.writeStatus(true, 'kubelet is posting ready status').catch((e: Error) => this.o.log(`node status: ${e.message}`)), 30_000),
    );
  }

  private async writeStatus(ready: boolean, message: string): Promise<void> {
    await this.client.request('PATCH', `/api/v1/nodes/${this.o.name}/status`, { status: this.status(ready, message) }, 'application/merge-patch+json');
  }

  private async renewLease(): Promise<void> {
    const path = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${this.o.name}`;
    const spec = { holderIdentity: this.o.name, leaseDurationSeconds: LEASE_SECONDS, renewTime: new Date().toISOString().replace('Z', '000Z') };
    const lease = await this.client.get<{ metadata: Record<string, unknown> }>(path);
    if (!lease) {
      const node = await this.client.request<{ metadata: { uid: string } }>('GET', `/api/v1/nodes/${this.o.name}`);
      await this.client.request('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
          name: this.o.name,
          namespace: 'kube-node-lease',
          ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.o.name, uid: node.metadata.uid }],
        },
        spec,
      });
      return;
    }
    await this.client.request('PATCH', path, { spec }, 'application/merge-patch+json');
  }

  /** Stops the heartbeats and reports NotReady (the agent is going away). */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.writeStatus(false, 'the gatehouse node agent stopped').catch(() => undefined);
  }
}
