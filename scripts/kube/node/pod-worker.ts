// One pod on this node, from binding to deletion, as the kubelet runs it: images resolved to local programs (an
// unmappable one leaves the pod Pending with a Warning event), a sandbox (network + mount namespace, pod IP), volumes,
// init containers in order, then the containers with their probes; status written back (phase, podIP, conditions,
// container statuses) so the EndpointSlice controller publishes the pod; on delete the containers get SIGTERM and the
// grace period, the sandbox and files go, and the pod object is removed.
import { mkdirSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { runFiles } from './container-logs.ts';
import { ContainerRunner, type Launch } from './container-runner.ts';
import { ConfigError, containerEnv, expand } from './env.ts';
import { now, type EventRecorder } from './events.ts';
import { resolveImage, type ImageRule } from './images.ts';
import { ApiError, type KubeClient } from './kube-client.ts';
import type { PodNetwork, Sandbox } from './pod-network.ts';
import type { ProbeTarget } from './probes.ts';
import type { Container, Pod, PodCondition, PodStatus } from './types.ts';
import { containerFs, materializeVolume, type ContainerFs, type VolumeSources } from './volumes.ts';

export interface NodeRuntime {
  client: KubeClient;
  nodeName: string;
  /** The node's address on the bridge (status.hostIP). */
  nodeIP: string;
  network: PodNetwork;
  images: readonly ImageRule[];
  sources: VolumeSources;
  /** Where pods keep their files (volumes, rootfs, logs). */
  podsDir: string;
  events: EventRecorder;
  log(line: string): void;
}

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const RETRY_MS = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class PodWorker {
  pod: Pod;
  readonly uid: string;
  readonly dir: string;
  private readonly rt: NodeRuntime;
  private sandbox: Sandbox | undefined;
  private readonly init: ContainerRunner[];
  private readonly main: ContainerRunner[];
  private initDone = false;
  private terminating: Promise<void> | undefined;
  private gone = false;
  private startTime: string | undefined;
  private readonly conditionTimes = new Map<string, { status: string; at: string }>();
  private writing: Promise<void> | undefined;
  private dirty = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly volumeDirs = new Map<string, string>();

  constructor(pod: Pod, rt: NodeRuntime) {
    this.pod = pod;
    this.rt = rt;
    this.uid = pod.metadata.uid ?? '';
    this.dir = join(rt.podsDir, `${pod.metadata.namespace}_${pod.metadata.name}_${this.uid.slice(0, 8)}`);
    const runner = (c: Container) =>
      new ContainerRunner(c, join(this.dir, 'logs', c.name), {
        changed: () => this.markDirty(),
        shouldRestart: (code) => this.shouldRestart(c, code),
        event: (type, reason, message) => void this.rt.events.record(this.podRef(), type, reason, message),
        probeTarget: () => this.probeTarget(c),
      });
    this.init = (pod.spec.initContainers ?? []).map(runner);
    this.main = pod.spec.containers.map(runner);
  }

  get key(): string {
    return `${this.pod.metadata.namespace}/${this.pod.metadata.name}`;
  }

  private podRef() {
    return { ...this.pod, kind: 'Pod', apiVersion: 'v1' };
  }

  /** A newer version of the pod from the informer. */
  update(pod: Pod): void {
    this.pod = pod;
    if (pod.metadata.deletionTimestamp) void this.terminate(pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30, true);
  }

  /** Starts the pod; resolves when every container has been started (or the pod is stopped first). */
  async run(): Promise<void> {
    try {
      await this.runSteps();
    } catch (err) {
      if (this.terminating) return;
      this.rt.log(`pod ${this.key}: ${(err as Error).stack ?? err}`);
      void this.rt.events.record(this.podRef(), 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${(err as Error).message}`);
    }
  }

  private async runSteps(): Promise<void> {
    mkdirSync(join(this.dir, 'logs'), { recursive: true });
    this.startTime = now();
    // Images first: a pod whose image this node cannot run stays Pending, saying why (checked again every 20 s:
    // a program may get built meanwhile).
    const launches = new Map<ContainerRunner, string[]>();
    for (;;) {
      let missing = false;
      for (const r of [...this.init, ...this.main]) {
        const res = resolveImage(this.rt.images, r.spec);
        if (res.ok) {
          launches.set(r, res.argv);
          continue;
        }
        missing = true;
        r.setWaiting(res.reason, res.message);
        void this.rt.events.record(this.podRef(), 'Warning', 'Failed', `Failed to pull image "${r.spec.image}": ${res.message}`);
      }
      if (!missing) break;
      this.markDirty();
      if (await this.waitOrStop(20_000)) return;
    }

    this.sandbox = await this.rt.network.createSandbox(this.key);
    if (this.terminating) return;
    this.markDirty();

    // Volumes (retried while a ConfigMap or Secret is missing, as the kubelet does).
    for (const v of this.pod.spec.volumes ?? []) {
      const dir = join(this.dir, 'volumes', v.name);
      for (;;) {
        try {
          await materializeVolume(this.statusPod(), v, dir, this.rt.sources);
          break;
        } catch (err) {
          if (!(err instanceof ConfigError) && !(err instanceof ApiError)) throw err;
          void this.rt.events.record(this.podRef(), 'Warning', 'FailedMount', `MountVolume.SetUp failed for volume "${v.name}" : ${err.message}`);
          if (await this.waitOrStop(RETRY_MS)) return;
        }
      }
      this.volumeDirs.set(v.name, dir);
    }

    for (const r of this.init) {
      for (;;) {
        if (!(await this.startContainer(r, launches.get(r) ?? []))) return;
        const code = await r.waitExit();
        if (this.terminating) return;
        if (code === 0) break;
        if ((this.pod.spec.restartPolicy ?? 'Always') === 'Never') {
          this.markDirty();
          return; // the pod has failed
        }
        if (await this.waitOrStop(RETRY_MS)) return;
      }
    }
    this.initDone = true;
    this.markDirty();
    for (const r of this.main) if (!(await this.startContainer(r, launches.get(r) ?? []))) return;
  }

  /** Sleeps `ms`; true when the pod is being stopped meanwhile. */
  private async waitOrStop(ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (this.terminating) return true;
      await sleep(Math.min(250, until - Date.now()));
    }
    return !!this.terminating;
  }

  /** Builds a container's environment, rootfs and argv, and starts it (retrying a config that is not there yet). */
  private async startContainer(r: ContainerRunner, argv: string[]): Promise<boolean> {
    const sb = this.sandbox;
    if (!sb) return false;
    for (;;) {
      if (this.terminating) return false;
      try {
        const fs = containerFs(r.spec, join(this.dir, 'containers', r.spec.name, 'rootfs'), this.volumeDirs);
        await this.bindRunMounts(r.spec, sb);
        const env = await containerEnv(this.statusPod(), r.spec, this.rt.sources);
        const launch = this.launchFor(r.spec, argv, env, fs, sb);
        r.start(launch);
        return true;
      } catch (err) {
        if (!(err instanceof ConfigError) && !(err instanceof ApiError)) throw err;
        r.setWaiting('CreateContainerConfigError', err.message);
        void this.rt.events.record(this.podRef(), 'Warning', 'Failed', `Error: ${err.message}`);
        if (await this.waitOrStop(RETRY_MS)) return false;
      }
    }
  }

  private launchFor(c: Container, argv: string[], env: Map<string, string>, fs: ContainerFs, sb: Sandbox): Launch {
    const vars = new Map(env);
    const out: Record<string, string> = { PATH, HOSTNAME: this.hostname() };
    for (const [k, v] of vars) out[k] = fs.rewrite(v);
    const [program, ...rest] = argv;
    return {
      argv: [program ?? '', ...rest.map((a) => fs.rewrite(expand(a, vars)))],
      env: out,
      cwd: fs.cwd,
      enter: sb.enter(fs.cwd),
      imageID: `gatehouse-node://${program}`,
    };
  }

  private hostname(): string {
    return (this.pod.spec.hostname ?? this.pod.metadata.name).slice(0, 63);
  }

  /** Volumes mounted under /run (or /var/run) are also bind-mounted there: in-cluster clients read fixed paths. */
  private async bindRunMounts(c: Container, sb: Sandbox): Promise<void> {
    for (const m of c.volumeMounts ?? []) {
      const target = m.mountPath.replace(/^\/var\/run\//, '/run/');
      if (m.subPath || !target.startsWith('/run/')) continue;
      const source = this.volumeDirs.get(m.name);
      if (source) await sb.bindMount(source, target);
    }
  }

  private probeTarget(c: Container): ProbeTarget {
    return {
      podIP: this.sandbox?.ip ?? '',
      container: c,
      exec: (command, timeoutMs) => this.exec(c, command, timeoutMs),
    };
  }

  /** Runs a command in the container's namespaces (exec probes); the exit code, 1 when it cannot run. */
  private exec(c: Container, command: string[], timeoutMs: number): Promise<number> {
    const sb = this.sandbox;
    const res = resolveImage(this.rt.images, { ...c, command, args: [] });
    if (!sb || !res.ok) return Promise.resolve(1);
    const fs = containerFs({ ...c, name: `${c.name}-exec` }, join(this.dir, 'containers', c.name, `exec-${Date.now().toString(36)}`), this.volumeDirs);
    return new Promise((resolve) => {
      const child = spawn('nsenter', [...sb.enter(fs.cwd), ...res.argv.map((a, i) => (i === 0 ? a : fs.rewrite(a)))], { stdio: 'ignore', env: { PATH } });
      const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', () => resolve(1));
      child.on('exit', (code) => {
        clearTimeout(t);
        rmSync(fs.rootfs, { recursive: true, force: true });
        resolve(code ?? 1);
      });
    });
  }

  private shouldRestart(c: Container, exitCode: number): boolean {
    if (this.terminating) return false;
    if (this.init.some((r) => r.spec === c)) return false; // init containers are retried by runSteps
    const policy = this.pod.spec.restartPolicy ?? 'Always';
    return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
  }

  /** The pod as the downward API sees it (this node's addresses in its status). */
  private statusPod(): Pod {
    const ip = this.sandbox?.ip;
    return {
      ...this.pod,
      status: { ...this.pod.status, hostIP: this.rt.nodeIP, hostIPs: [{ ip: this.rt.nodeIP }], ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}) },
    };
  }

  private condition(type: string, ok: boolean, reason?: string, message?: string): PodCondition {
    const status = ok ? 'True' : 'False';
    const prior = this.conditionTimes.get(type);
    const at = prior?.status === status ? prior.at : now();
    this.conditionTimes.set(type, { status, at });
    return { type, status, lastProbeTime: null, lastTransitionTime: at, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
  }

  /** The status this node reports for the pod now. */
  status(): PodStatus {
    const ip = this.sandbox?.ip;
    const policy = this.pod.spec.restartPolicy ?? 'Always';
    const mainDone = this.main.every((r) => r.exitedFor !== undefined && !r.isRunning);
    const initFailed = policy === 'Never' && this.init.some((r) => (r.exitedFor ?? 0) !== 0);
    let phase = 'Pending';
    if (initFailed) phase = 'Failed';
    else if (this.initDone && policy !== 'Always' && mainDone) phase = this.main.every((r) => r.exitedFor === 0) ? 'Succeeded' : 'Failed';
    else if (this.initDone && this.main.every((r) => r.startedOnce)) phase = 'Running';
    const notReady = this.main.filter((r) => !r.status().ready).map((r) => r.spec.name);
    const containersReady = notReady.length === 0 && phase === 'Running';
    const gates = (this.pod.spec.readinessGates ?? []).filter(
      (g) => !this.pod.status?.conditions?.some((c) => c.type === g.conditionType && c.status === 'True'),
    );
    const conditions: PodCondition[] = [
      this.condition('PodReadyToStartContainers', !!ip),
      this.condition(
        'Initialized',
        this.initDone,
        this.initDone ? undefined : 'ContainersNotInitialized',
        this.initDone
          ? undefined
          : `containers with incomplete status: [${this.init
              .filter((r) => r.exitedFor !== 0)
              .map((r) => r.spec.name)
              .join(' ')}]`,
      ),
      this.condition(
        'ContainersReady',
        containersReady,
        containersReady ? undefined : 'ContainersNotReady',
        containersReady ? undefined : `containers with unready status: [${notReady.join(' ')}]`,
      ),
      this.condition(
        'Ready',
        containersReady && gates.length === 0,
        containersReady ? (gates.length ? 'ReadinessGatesNotReady' : undefined) : 'ContainersNotReady',
        containersReady
          ? gates.length
            ? `corresponding condition of pod readiness gate "${gates[0]?.conditionType}" does not exist.`
            : undefined
          : `containers with unready status: [${notReady.join(' ')}]`,
      ),
    ];
    return {
      phase,
      conditions,
      hostIP: this.rt.nodeIP,
      hostIPs: [{ ip: this.rt.nodeIP }],
      ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
      ...(this.startTime ? { startTime: this.startTime } : {}),
      ...(this.init.length ? { initContainerStatuses: this.init.map((r) => r.status()) } : {}),
      containerStatuses: this.main.map((r) => r.status()),
    };
  }

  private markDirty(): void {
    if (this.gone) return;
    this.dirty = true;
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, 50);
  }

  /** Writes the status (one write at a time; changes meanwhile make one more). */
  async flush(): Promise<void> {
    if (this.writing) return this.writing;
    if (!this.dirty || this.gone) return;
    this.dirty = false;
    const { namespace, name } = this.pod.metadata;
    const body = { metadata: { uid: this.uid }, status: this.status() };
    this.writing = this.rt.client
      .request('PATCH', `/api/v1/namespaces/${namespace}/pods/${name}/status`, body, 'application/strategic-merge-patch+json')
      .then(
        () => undefined,
        (err: unknown) => {
          if (err instanceof ApiError && (err.status === 404 || err.status === 409)) return;
          this.rt.log(`pod ${this.key}: status not written: ${(err as Error).message}`);
          this.dirty = true;
        },
      )
      .finally(() => {
        this.writing = undefined;
        if (this.dirty) this.markDirty();
      });
    return this.writing;
  }

  /**
   * Stops the containers (SIGTERM, SIGKILL after `graceSeconds`), removes the sandbox and files; with `deleteObject`
   * the pod object is then removed for good (the kubelet's final delete with grace period 0).
   */
  terminate(graceSeconds: number, deleteObject: boolean): Promise<void> {
    this.terminating ??= (async () => {
      const graceMs = graceSeconds * 1000;
      await Promise.all([...this.main, ...this.init].map((r) => r.stop(graceMs)));
      await this.sandbox?.stop();
      this.sandbox = undefined;
      rmSync(this.dir, { recursive: true, force: true });
      if (deleteObject) {
        const { namespace, name } = this.pod.metadata;
        await this.rt.client
          .request('DELETE', `/api/v1/namespaces/${namespace}/pods/${name}`, {
            apiVersion: 'v1',
            kind: 'DeleteOptions',
            gracePeriodSeconds: 0,
            preconditions: { uid: this.uid },
          })
          .catch((err: unknown) => {
            if (!(err instanceof ApiError) || (err.status !== 404 && err.status !== 409))
              this.rt.log(`pod ${this.key}: final delete failed: ${(err as Error).message}`);
          });
      }
      this.gone = true;
      clearTimeout(this.flushTimer);
      this.rt.events.forget(this.uid);
    })();
    return this.terminating;
  }

  /** A container's log file: of its current run, or with `previous` of the run before (undefined: none). */
  logFile(container: string, previous: boolean): string | undefined {
    const r = [...this.main, ...this.init].find((x) => x.spec.name === container);
    if (!r) return undefined;
    const files = runFiles(r.logDir);
    return previous ? files.at(-2) : files.at(-1);
  }

  /** Whether the container's process runs now (a followed log ends when it does not). */
  running(container: string): boolean {
    return [...this.main, ...this.init].some((x) => x.spec.name === container && x.isRunning) && !this.terminating;
  }

  /** The containers, for a log request naming none: the only one. */
  containerNames(): string[] {
    return this.pod.spec.containers.map((c) => c.name);
  }

  /** SIGKILL everything now (the agent exits). */
  killNow(): void {
    for (const r of [...this.main, ...this.init]) r.killNow();
  }
}
