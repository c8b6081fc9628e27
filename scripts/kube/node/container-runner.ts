// One container of a pod as a local process inside the pod's namespaces: started with its argv, env and working
// directory, output kept as the kubelet keeps it (CRI format, a file per run: logs/<container>/<restart>.log), restarted after it exits as the restart policy says (with a backoff),
// probed (startup, then liveness and readiness), and stopped with SIGTERM then SIGKILL after the grace period.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CriLogWriter } from './container-logs.ts';
import { now } from './events.ts';
import { ProbeLoop, type ProbeTarget } from './probes.ts';
import type { Container, ContainerState, ContainerStatus } from './types.ts';

export interface Launch {
  /** The local program and its arguments (paths already rewritten). */
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** nsenter arguments entering the pod (ending with --). */
  enter: string[];
  imageID: string;
}

export interface RunnerHooks {
  /** Something in this container's status changed. */
  changed(): void;
  /** The container exited; return whether to start it again (after the backoff). */
  shouldRestart(exitCode: number): boolean;
  event(type: 'Normal' | 'Warning', reason: string, message: string): void;
  probeTarget(): ProbeTarget;
}

const BACKOFF_START_MS = 1000;
const BACKOFF_MAX_MS = 60_000;

export class ContainerRunner {
  readonly spec: Container;
  restartCount = 0;
  state: ContainerState = { waiting: { reason: 'ContainerCreating' } };
  lastState: ContainerState = {};
  /** Whether it ever started (the pod's phase turns Running once every container has). */
  startedOnce = false;
  private ready = false;
  private startupDone: boolean;
  private launch: Launch | undefined;
  private proc: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private probes: ProbeLoop[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private backoffMs = BACKOFF_START_MS;
  private stopping = false;
  /** This container's log directory (a file per run). */
  readonly logDir: string;
  private readonly hooks: RunnerHooks;
  private containerId = '';

  constructor(spec: Container, logDir: string, hooks: RunnerHooks) {
    this.spec = spec;
    this.logDir = logDir;
    this.hooks = hooks;
    this.startupDone = !spec.startupProbe;
  }

  /** A container that cannot be created (image, config): waiting with a reason the pod status shows. */
  setWaiting(reason: string, message: string): void {
    this.state = { waiting: { reason, message: message.slice(0, 1000) } };
    this.hooks.changed();
  }

  get isRunning(): boolean {
    return !!this.state.running;
  }

  get exitedFor(): number | undefined {
    return this.state.terminated?.exitCode;
  }

  status(): ContainerStatus {
    return {
      name: this.spec.name,
      image: this.spec.image,
      imageID: this.launch?.imageID ?? '',
      ...(this.containerId ? { containerID: this.containerId } : {}),
      ready: this.ready && this.isRunning,
      started: this.isRunning && this.startupDone,
      restartCount: this.restartCount,
      state: this.state,
      lastState: this.lastState,
    };
  }

  start(launch: Launch): void {
    this.launch = launch;
    this.spawnOnce();
  }

  private spawnOnce(): void {
    const l = this.launch;
    if (!l || this.stopping) return;
    mkdirSync(this.logDir, { recursive: true });
    writeFileSync(join(this.logDir, `${this.restartCount}.cmd`), `${l.argv.join(' ')}\n`);
    const logs = new CriLogWriter(join(this.logDir, `${this.restartCount}.log`));
    const child: ChildProcess = spawn('nsenter', [...l.enter, ...l.argv], { env: l.env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.stdout) logs.attach(child.stdout, 'stdout');
    if (child.stderr) logs.attach(child.stderr, 'stderr');
    this.proc = child;
    this.containerId = `gatehouse-node://${child.pid ?? 0}`;
    const startedAt = now();
    this.state = { running: { startedAt } };
    this.startedOnce = true;
    this.ready = !this.spec.readinessProbe;
    this.startupDone = !this.spec.startupProbe;
    this.hooks.event('Normal', 'Started', `Started container ${this.spec.name}`);
    this.startProbes();
    this.hooks.changed();
    this.exited = new Promise((resolve) => {
      child.on('error', (err) => {
        this.hooks.event('Warning', 'Failed', `Error: failed to start container ${this.spec.name}: ${err.message}`);
      });
      // Output may still come (a child of the process holding the pipe): the file closes with the pipes.
      child.on('close', () => void logs.close());
      child.on('exit', (code, signal) => {
        this.stopProbes();
        const exitCode = code ?? 128 + (signal ? (({ SIGKILL: 9, SIGTERM: 15, SIGINT: 2 } as Record<string, number>)[signal] ?? 1) : 1);
        const terminated = {
          exitCode,
          reason: exitCode === 0 ? 'Completed' : 'Error',
          startedAt,
          finishedAt: now(),
          containerID: this.containerId,
          ...(signal ? { signal: exitCode - 128 } : {}),
        };
        this.proc = undefined;
        this.ready = false;
        if (!this.stopping && this.hooks.shouldRestart(exitCode)) {
          this.lastState = { terminated };
          this.state = {
            waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(this.backoffMs / 1000)}s restarting failed container=${this.spec.name}` },
          };
          this.hooks.event('Warning', 'BackOff', `Back-off restarting failed container ${this.spec.name}`);
          this.restartTimer = setTimeout(() => {
            this.restartCount++;
            this.spawnOnce();
          }, this.backoffMs);
          this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MAX_MS);
        } else {
          this.state = { terminated };
        }
        this.hooks.changed();
        resolve();
      });
    });
    // A container that ran 10 s counts as healthy again: its next crash starts the backoff from the beginning.
    setTimeout(() => {
      if (this.proc === child) this.backoffMs = BACKOFF_START_MS;
    }, 10_000).unref();
  }

  private startProbes(): void {
    const target = this.hooks.probeTarget();
    const { readinessProbe, livenessProbe, startupProbe } = this.spec;
    const afterStartup = () => {
      if (readinessProbe) {
        this.probes.push(
          new ProbeLoop(readinessProbe, target, (ok, message) => {
            this.ready = ok;
            if (!ok) this.hooks.event('Warning', 'Unhealthy', `Readiness probe failed: ${message}`);
            this.hooks.changed();
          }),
        );
      } else {
        this.ready = true;
      }
      if (livenessProbe) {
        this.probes.push(
          new ProbeLoop(livenessProbe, target, (ok, message) => {
            if (ok) return;
            this.hooks.event('Warning', 'Unhealthy', `Liveness probe failed: ${message}`);
            this.hooks.event('Normal', 'Killing', `Container ${this.spec.name} failed liveness probe, will be restarted`);
            this.proc?.kill('SIGTERM');
          }),
        );
      }
      for (const p of this.probes) p.start();
      this.hooks.changed();
    };
    if (startupProbe) {
      const loop = new ProbeLoop(startupProbe, target, (ok, message) => {
        if (!ok) {
          this.hooks.event('Warning', 'Unhealthy', `Startup probe failed: ${message}`);
          this.proc?.kill('SIGTERM');
          return;
        }
        loop.stop();
        this.startupDone = true;
        afterStartup();
      });
      this.probes.push(loop);
      loop.start();
    } else {
      afterStartup();
    }
  }

  private stopProbes(): void {
    for (const p of this.probes) p.stop();
    this.probes = [];
  }

  /** Waits for a container that runs to completion (init containers): resolves with its last exit code. */
  async waitExit(): Promise<number> {
    await this.exited;
    return this.state.terminated?.exitCode ?? -1;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; no restart afterwards. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.stopProbes();
    const p = this.proc;
    if (!p) return;
    this.hooks.event('Normal', 'Killing', `Stopping container ${this.spec.name}`);
    p.kill('SIGTERM');
    const kill = setTimeout(() => p.kill('SIGKILL'), Math.max(graceMs, 0));
    await this.exited;
    clearTimeout(kill);
  }

  /** SIGKILL now (the agent is exiting). */
  killNow(): void {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.stopProbes();
    this.proc?.kill('SIGKILL');
  }
}
