// Local mode: each provisioned Gateway's Envoy runs as a process on this machine, from exactly the bootstrap written
// to its ConfigMap (and the credential in its Secret), in a directory of its own that plays the pod's working
// directory. A process that exits is started again (backing off); a changed bootstrap restarts it; a Gateway no longer
// provisioned stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BOOTSTRAP_FILE } from './bootstrap.js';

export interface LocalEnvoySpec {
  /** The ConfigMap's bootstrap text, byte for byte. */
  bootstrap: string;
  /** Files beside it (relative path → content): the Secret's credential. */
  files: Record<string, string>;
  logLevel?: string;
}

export interface LocalEnvoysOptions {
  /** Where each Gateway gets its directory (<data-dir>/local-envoys). */
  dir: string;
  envoyBinary: string;
  log?: { info(m: string): void; warn(m: string): void };
  /** A process's state changed (started, exited): addresses may have. */
  onChange?: (gateway: string) => void;
}

interface Running {
  spec: LocalEnvoySpec;
  hash: string;
  dir: string;
  child?: ChildProcess;
  /** Envoy's admin address once it is up (written by --admin-address-path). */
  admin?: string;
  backoffMs: number;
  timer?: NodeJS.Timeout;
  stopping: boolean;
  exited?: Promise<void>;
}

const hashOf = (s: LocalEnvoySpec) =>
  createHash('sha256')
    .update(JSON.stringify([s.bootstrap, Object.entries(s.files).sort(), s.logLevel ?? 'info']))
    .digest('hex');

export class LocalEnvoys {
  private readonly running = new Map<string, Running>();

  constructor(private readonly o: LocalEnvoysOptions) {}

  /** Makes the running set exactly `desired` (by `namespace/name`). */
  sync(desired: ReadonlyMap<string, LocalEnvoySpec>): void {
    for (const [gw, r] of this.running) if (!desired.has(gw)) void this.stop(gw, r);
    for (const [gw, spec] of desired) {
      const hash = hashOf(spec);
      const r = this.running.get(gw);
      if (r && r.hash === hash) continue;
      const next: Running = { spec, hash, dir: this.dirOf(gw), backoffMs: 1000, stopping: false };
      this.running.set(gw, next);
      if (r) {
        this.o.log?.info(`local Envoy for gateway ${gw}: its bootstrap changed, restarting it`);
        void this.stop(gw, r).then(() => this.launch(gw, next));
      } else this.launch(gw, next);
    }
  }

  /** Whether the Gateway's Envoy is up (its admin answered with an address). */
  isUp(gateway: string): boolean {
    return !!this.running.get(gateway)?.admin;
  }

  /** The directory a Gateway's Envoy runs in (its bootstrap, credential and log). */
  dirOf(gateway: string): string {
    return join(this.o.dir, gateway.replace('/', '_'));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map(([gw, r]) => this.stop(gw, r)));
  }

  /** Writes the Gateway's directory and starts its Envoy (unless it was replaced or stopped meanwhile). */
  private launch(gateway: string, r: Running): void {
    if (r.stopping || this.running.get(gateway) !== r) return;
    rmSync(r.dir, { recursive: true, force: true });
    mkdirSync(r.dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(r.dir, BOOTSTRAP_FILE), r.spec.bootstrap);
    for (const [rel, content] of Object.entries(r.spec.files)) {
      mkdirSync(dirname(join(r.dir, rel)), { recursive: true, mode: 0o700 });
      writeFileSync(join(r.dir, rel), content, { mode: 0o600 });
    }
    this.spawn(gateway, r);
  }

  private spawn(gateway: string, r: Running): void {
    const adminPath = join(r.dir, 'admin-address');
    rmSync(adminPath, { force: true });
    const args = [
      '-c',
      BOOTSTRAP_FILE,
      '--concurrency',
      '1',
      '--use-dynamic-base-id',
      '--admin-address-path',
      adminPath,
      '-l',
      r.spec.logLevel ?? 'info',
      '--drain-time-s',
      '1',
      '--parent-shutdown-time-s',
      '2',
    ];
    const log = createWriteStream(join(r.dir, 'envoy.log'), { flags: 'a' });
    const child = spawn(this.o.envoyBinary, args, { cwd: r.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    r.child = child;
    const startedAt = Date.now();
    this.o.log?.info(`local Envoy for gateway ${gateway} started (pid ${child.pid}; bootstrap, credential and envoy.log in ${r.dir})`);
    const poll = setInterval(() => {
      if (!r.admin && existsSync(adminPath)) {
        const admin = readFileSync(adminPath, 'utf8').trim();
        if (admin) {
          r.admin = admin;
          clearInterval(poll);
          this.o.onChange?.(gateway);
        }
      }
    }, 100);
    r.exited = new Promise((resolve) => {
      child.on('error', (err) =>
        this.o.log?.warn(`local Envoy for gateway ${gateway} could not start: ${err.message} (--provision-envoy-binary ${this.o.envoyBinary})`),
      );
      child.on('close', (code, signal) => {
        clearInterval(poll);
        log.end();
        const wasUp = !!r.admin;
        r.child = undefined;
        r.admin = undefined;
        if (wasUp) this.o.onChange?.(gateway);
        resolve();
        if (r.stopping || this.running.get(gateway) !== r) return;
        if (Date.now() - startedAt > 30_000) r.backoffMs = 1000;
        this.o.log?.warn(
          `local Envoy for gateway ${gateway} exited (${code ?? signal}); starting it again in ${r.backoffMs} ms (log: ${join(r.dir, 'envoy.log')})`,
        );
        r.timer = setTimeout(() => this.spawn(gateway, r), r.backoffMs);
        r.backoffMs = Math.min(r.backoffMs * 2, 30_000);
      });
    });
  }

  private async stop(gateway: string, r: Running): Promise<void> {
    r.stopping = true;
    clearTimeout(r.timer);
    if (this.running.get(gateway) === r) this.running.delete(gateway);
    if (r.child) {
      const child = r.child;
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      await r.exited;
      clearTimeout(kill);
      this.o.log?.info(`local Envoy for gateway ${gateway} stopped`);
    }
  }
}
