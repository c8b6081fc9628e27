// Pod sandboxes: each pod gets a network namespace and a mount namespace of its own (a holder process made by
// `unshare`), a veth pair into the bridge of scripts/kube/in-netns.sh's namespace and an address from the node's pod
// CIDR on that bridge, so several pods listen on one port. The mount namespace gives the pod a private /dev/shm
// (Envoy's shared memory) and /run (where the service account token is bind-mounted, as in-cluster clients expect).
// Everything refuses to run outside the namespace in-netns.sh made: the machine's own network is never changed.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export async function sh(cmd: string, args: string[], timeoutMs = 15_000): Promise<string> {
  try {
    const { stdout } = await exec(cmd, args, { timeout: timeoutMs, encoding: 'utf8' });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${(e.stderr || e.message).trim()}`, { cause: err });
  }
}

/** IPv4 helpers for one /24-or-larger CIDR. */
export function parseCidr(cidr: string): { base: number; bits: number } {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const base = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  const bits = Number(m[5]);
  return { base: (base & (bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0)) >>> 0, bits };
}
export const ipString = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** Hands out addresses of a CIDR round-robin (a freed address is reused last: no stale endpoint points at a new pod). */
export class Ipam {
  private readonly used = new Set<number>();
  private next: number;
  private readonly first: number;
  private readonly last: number;

  constructor(cidr: string, reserved: string[] = []) {
    const { base, bits } = parseCidr(cidr);
    this.first = base + 2; // .0 network, .1 the bridge
    this.last = base + 2 ** (32 - bits) - 2; // .255 broadcast
    this.next = this.first;
    for (const r of reserved) this.used.add(parseCidr(`${r}/32`).base);
  }

  allocate(wanted?: string): string {
    if (wanted) {
      const n = parseCidr(`${wanted}/32`).base;
      if (n < this.first || n > this.last || this.used.has(n)) throw new Error(`address ${wanted} is not free`);
      this.used.add(n);
      return wanted;
    }
    const size = this.last - this.first + 1;
    for (let i = 0; i < size; i++) {
      const n = this.first + ((this.next - this.first + i) % size);
      if (this.used.has(n)) continue;
      this.used.add(n);
      this.next = n + 1 > this.last ? this.first : n + 1;
      return ipString(n);
    }
    throw new Error('no free address left in the pod CIDR');
  }

  release(ip: string): void {
    this.used.delete(parseCidr(`${ip}/32`).base);
  }

  has(ip: string): boolean {
    const n = parseCidr(`${ip}/32`).base;
    return n >= this.first && n <= this.last;
  }
}

/** Refuses to run unless this process is inside the namespace in-netns.sh made (bridge present, nothing else). */
export async function assertPrivateNamespace(bridge: string): Promise<void> {
  if (process.env['GATEHOUSE_NETNS'] !== bridge)
    throw new Error(
      `the node agent runs only inside scripts/kube/in-netns.sh (GATEHOUSE_NETNS=${bridge} is not set): it never changes the machine's own network`,
    );
  // As in-netns.sh: addresses only on lo and the bridge (a veth of ours carries none), else this is not our namespace.
  const addressed = (await sh('ip', ['-o', 'addr', 'show']))
    .split('\n')
    .filter((l) => l && !/ inet6 fe80:/.test(l))
    .map((l) => /^\d+: (\S+)/.exec(l)?.[1] ?? '');
  const foreign = [...new Set(addressed.filter((l) => l !== 'lo' && l !== bridge))];
  const links = await sh('ip', ['-o', 'link', 'show', 'dev', bridge]).catch(() => '');
  if (!links || foreign.length)
    throw new Error(
      `refusing to configure this network namespace: it has ${foreign.length ? `addresses on interfaces other than lo and ${bridge} (${foreign.join(', ')})` : `no ${bridge}`}`,
    );
}

/** Every process but `holder` whose network namespace is the holder's gets SIGKILL. */
function killInNamespace(holder: number): void {
  let ns: string;
  try {
    ns = readlinkSync(`/proc/${holder}/ns/net`);
    // Never the agent's own namespace (a holder that is gone, its pid reused): that would be everything else here.
    if (ns === readlinkSync('/proc/self/ns/net')) return;
  } catch {
    return;
  }
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === holder || pid === process.pid) continue;
    try {
      if (readlinkSync(`/proc/${pid}/ns/net`) === ns) process.kill(pid, 'SIGKILL');
    } catch {
      // gone, or not ours to read
    }
  }
}

export interface Sandbox {
  /** The holder process: its namespaces are the pod's. */
  pid: number;
  ip: string;
  hostVeth: string;
  /** nsenter arguments that enter the pod's namespaces (then `--` and the program). */
  enter(wd: string): string[];
  /** Bind-mounts `source` at `target` inside the pod's mount namespace (target under /run). */
  bindMount(source: string, target: string): Promise<void>;
  /** SIGKILLs every process left in the pod's network namespace (a container's orphaned children). */
  killAll(): void;
  stop(): Promise<void>;
}

export interface PodNetworkOptions {
  bridge: string;
  /** The node's pod CIDR, e.g. 10.244.1.0/24; its .1 is put on the bridge as the pods' gateway. */
  podCidr: string;
  log: (line: string) => void;
}

export class PodNetwork {
  readonly gateway: string;
  readonly prefix: number;
  private readonly ipam: Ipam;
  private readonly o: PodNetworkOptions;
  private seq = 0;
  private readonly holders = new Set<ChildProcess>();

  constructor(o: PodNetworkOptions) {
    this.o = o;
    const { base, bits } = parseCidr(o.podCidr);
    this.gateway = ipString(base + 1);
    this.prefix = bits;
    this.ipam = new Ipam(o.podCidr);
  }

  /** The pods' gateway on the bridge, forwarding (for Service addresses) — inside this private namespace only. */
  async setup(): Promise<void> {
    await assertPrivateNamespace(this.o.bridge);
    const addrs = await sh('ip', ['-o', '-4', 'addr', 'show', 'dev', this.o.bridge]);
    if (!addrs.includes(` ${this.gateway}/`)) await sh('ip', ['addr', 'add', `${this.gateway}/${this.prefix}`, 'dev', this.o.bridge]);
    await sh('sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
  }

  /** Kills every holder at once (process exit). */
  killAll(): void {
    for (const h of this.holders) h.kill('SIGKILL');
  }

  async createSandbox(podKey: string): Promise<Sandbox> {
    const script = [
      'set -e',
      'ip link set lo up',
      'mount -t tmpfs -o size=64m,mode=1777 shm /dev/shm',
      'mount -t tmpfs -o mode=755 run /run',
      'echo ready',
      `exec -a ${JSON.stringify(`gatehouse-pod ${podKey}`)} sleep infinity`,
    ].join('\n');
    const holder = spawn('unshare', ['--net', '--mount', '--propagation', 'private', '--', 'bash', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.holders.add(holder);
    holder.on('exit', () => this.holders.delete(holder));
    let errText = '';
    holder.stderr.setEncoding('utf8').on('data', (c: string) => (errText += c));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`pod sandbox for ${podKey}: no answer from unshare in 10 s ${errText}`)), 10_000);
      holder.stdout.setEncoding('utf8').on('data', (c: string) => {
        if (c.includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      holder.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`pod sandbox for ${podKey}: unshare exited (${code}): ${errText.trim()}`));
      });
    });
    const pid = holder.pid as number;
    const ip = this.ipam.allocate();
    const hostVeth = `gh${(++this.seq).toString(16)}${process.pid.toString(16)}`.slice(0, 15);
    const kill = async () => {
      if (holder.exitCode === null && holder.signalCode === null) {
        holder.kill('SIGKILL');
        await new Promise((r) => holder.once('exit', r));
      }
    };
    try {
      await sh('ip', ['link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', String(pid)]);
      await sh('ip', ['link', 'set', hostVeth, 'master', this.o.bridge, 'up']);
      const inPod = ['-t', String(pid), '-n', '--'];
      await sh('nsenter', [...inPod, 'ip', 'addr', 'add', `${ip}/${this.prefix}`, 'dev', 'eth0']);
      await sh('nsenter', [...inPod, 'ip', 'link', 'set', 'eth0', 'up']);
      await sh('nsenter', [...inPod, 'ip', 'route', 'add', 'default', 'via', this.gateway]);
    } catch (err) {
      await kill();
      await sh('ip', ['link', 'del', hostVeth]).catch(() => undefined);
      this.ipam.release(ip);
      throw err;
    }
    return {
      pid,
      ip,
      hostVeth,
      enter: (wd) => ['-t', String(pid), '-n', '-m', `--wd=${wd}`, '--'],
      bindMount: async (source, target) => {
        await sh('nsenter', ['-t', String(pid), '-m', '--', 'sh', '-c', 'mkdir -p "$2" && mount --bind "$1" "$2"', 'sh', source, target]);
      },
      killAll: () => {
        if (holder.exitCode === null && holder.signalCode === null) killInNamespace(pid);
      },
      stop: async () => {
        if (holder.exitCode === null && holder.signalCode === null) killInNamespace(pid);
        await kill();
        // The veth goes with the namespace; delete it anyway in case a process still held the namespace.
        await sh('ip', ['link', 'del', hostVeth]).catch(() => undefined);
        this.ipam.release(ip);
      },
    };
  }
}
