// The node agent: registers a Ready Node, binds unscheduled pods to it, runs the pods bound to it as local processes
// (PodWorker), and makes Service addresses work (ServiceProxy, ApiserverBridge). Everything is driven by list+watch.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ApiserverBridge } from './apiserver-bridge.ts';
import { EventRecorder } from './events.ts';
import { startKubeletServer } from './kubelet-server.ts';
import { defaultImageRules, type ImageRule, type LocalPrograms } from './images.ts';
import { Informer, KubeClient, loadKubeconfig } from './kube-client.ts';
import { NodeRegistration } from './node-registration.ts';
import { PodNetwork, sh } from './pod-network.ts';
import { PodWorker, type NodeRuntime } from './pod-worker.ts';
import { Binder } from './scheduler.ts';
import { ServiceProxy } from './service-proxy.ts';
import type { ConfigMap, EndpointSlice, Pod, Secret, Service } from './types.ts';
import type { VolumeSources } from './volumes.ts';

export interface AgentOptions {
  kubeconfig: string;
  /** The Node's name. */
  name: string;
  /** Where pods keep their files; emptied on start. */
  dir: string;
  /** The bridge of scripts/kube/in-netns.sh ($GATEHOUSE_NETNS). */
  bridge: string;
  podCidr: string;
  lbCidr: string;
  programs: LocalPrograms;
  /** Extra image rules, tried before the built-in ones. */
  images?: ImageRule[];
  kubeletVersion: string;
  /** The kubelet API port on the node's address (container logs); default 10250. */
  kubeletPort?: number;
  log(line: string): void;
}

export interface Agent {
  nodeName: string;
  nodeIP: string;
  /** Stops every pod (SIGTERM, `graceMs`), removes the Service rules, reports the Node NotReady. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL every pod process at once (process exit). */
  kill(): void;
}

export async function startAgent(o: AgentOptions): Promise<Agent> {
  const access = loadKubeconfig(o.kubeconfig);
  const client = new KubeClient(access);
  const network = new PodNetwork({ bridge: o.bridge, podCidr: o.podCidr, log: o.log });
  await network.setup();
  const nodeIP = network.gateway;
  const podsDir = join(o.dir, 'pods');
  rmSync(podsDir, { recursive: true, force: true });
  mkdirSync(podsDir, { recursive: true });

  const workers = new Map<string, PodWorker>();
  const workerOf = (ns: string, name: string) => [...workers.values()].find((w) => w.pod.metadata.namespace === ns && w.pod.metadata.name === name);
  const kubelet = await startKubeletServer({
    ip: nodeIP,
    port: o.kubeletPort ?? 10250,
    dir: o.dir,
    log: o.log,
    logs: {
      logFile: (ns, pod, container, previous) => {
        const w = workerOf(ns, pod);
        const c = container ?? (w?.containerNames().length === 1 ? w.containerNames()[0] : undefined);
        return w && c ? w.logFile(c, previous) : undefined;
      },
      running: (ns, pod, container) => !!workerOf(ns, pod)?.running(container ?? workerOf(ns, pod)?.containerNames()[0] ?? ''),
    },
  });
  const registration = new NodeRegistration(client, {
    name: o.name,
    podCidr: o.podCidr,
    nodeIP,
    kubeletPort: o.kubeletPort ?? 10250,
    kubeletVersion: o.kubeletVersion,
    log: o.log,
  });
  await registration.register();
  const events = new EventRecorder(client, o.name, o.log);

  const pods = new Informer<Pod>(client, '/api/v1/pods', o.log);
  const services = new Informer<Service>(client, '/api/v1/services', o.log);
  const slices = new Informer<EndpointSlice>(client, '/apis/discovery.k8s.io/v1/endpointslices', o.log);

  const sources: VolumeSources = {
    configMap: (ns, name) => client.get<ConfigMap>(`/api/v1/namespaces/${ns}/configmaps/${name}`),
    secret: (ns, name) => client.get<Secret>(`/api/v1/namespaces/${ns}/secrets/${name}`),
    services: (ns) =>
      [...services.items.values()].filter((s) => s.metadata.namespace === ns || (s.metadata.namespace === 'default' && s.metadata.name === 'kubernetes')),
    allocatable: registration.allocatable,
    token: async (pod, audience, expirationSeconds) => {
      const ns = pod.metadata.namespace ?? 'default';
      const sa = pod.spec.serviceAccountName ?? 'default';
      const r = await client.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`, {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: {
          audiences: audience ? [audience] : [],
          expirationSeconds: Math.max(600, expirationSeconds),
          boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid },
        },
      });
      return r.status.token;
    },
  };
  const rt: NodeRuntime = {
    client,
    nodeName: o.name,
    nodeIP,
    network,
    images: [...(o.images ?? []), ...defaultImageRules(o.programs)],
    sources,
    podsDir,
    events,
    log: o.log,
  };
  const binder = new Binder(client, o.name, registration.labels, events, o.log);

  const finalDelete = (pod: Pod) =>
    client
      .request('DELETE', `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`, {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        gracePeriodSeconds: 0,
        preconditions: { uid: pod.metadata.uid },
      })
      .catch(() => undefined);

  pods.on((_key, pod, old) => {
    if (!pod) {
      const w = old && workers.get(old.metadata.uid ?? '');
      if (w) void w.terminate(0, false).finally(() => workers.delete(w.uid));
      return;
    }
    if (Binder.wants(pod)) {
      void binder.consider(pod);
      return;
    }
    if (pod.spec.nodeName !== o.name) return;
    const uid = pod.metadata.uid ?? '';
    let w = workers.get(uid);
    if (!w) {
      const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
      if (pod.metadata.deletionTimestamp) {
        void finalDelete(pod); // nothing of it runs here
        return;
      }
      if (terminal) return;
      w = new PodWorker(pod, rt);
      workers.set(uid, w);
      o.log(`pod ${w.key}: starting`);
      void w.run();
    }
    w.update(pod);
    if (pod.metadata.deletionTimestamp) {
      const worker = w;
      void worker.terminate(pod.metadata.deletionGracePeriodSeconds ?? 30, true).finally(() => workers.delete(worker.uid));
    }
  });

  const proxy = new ServiceProxy({ client, services, slices, lbCidr: o.lbCidr, podCidr: o.podCidr, nodeIP, log: o.log });
  const server = new URL(access.server);
  const addrs = await execAddresses(o.bridge).catch(() => [] as string[]);
  const apiBridge = new ApiserverBridge({ host: server.hostname, port: Number(server.port || 443) }, () => addrs, o.log);
  apiBridge.watch(slices);
  proxy.start();
  for (const i of [services, slices, pods]) i.start();
  await Promise.all([services.ready, slices.ready, pods.ready]);

  return {
    nodeName: o.name,
    nodeIP,
    async stop(graceMs = 2000) {
      for (const i of [pods, services, slices]) i.stop();
      await Promise.all([...workers.values()].map((w) => w.terminate(graceMs / 1000, false)));
      await proxy.stop();
      apiBridge.stop();
      kubelet.close();
      await registration.stop();
      network.killAll();
    },
    kill() {
      for (const w of workers.values()) w.killNow();
      network.killAll();
    },
  };
}

async function execAddresses(bridge: string): Promise<string[]> {
  const out = await sh('ip', ['-o', '-4', 'addr', 'show', 'dev', bridge]);
  return [...out.matchAll(/\binet ([0-9.]+)\//g)].map((m) => m[1] ?? '');
}
