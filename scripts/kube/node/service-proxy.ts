// Service addresses that work, like kube-proxy plus a small LoadBalancer controller: every ClusterIP, NodePort and
// LoadBalancer port is DNATed (nftables, in the private namespace only) to the ready endpoints of the Service's
// EndpointSlices, chosen at random per connection; a port without ready endpoints is refused at once. A LoadBalancer
// Service gets an address from the node's LoadBalancer CIDR (spec.loadBalancerIP when it is in the pool and free;
// kept across agent restarts) written to status.loadBalancer.ingress — which is where a provisioned Gateway's
// status.addresses come from, and what the conformance suite dials.
import { spawn } from 'node:child_process';
import { Ipam } from './pod-network.ts';
import { ApiError, keyOf, type Informer, type KubeClient } from './kube-client.ts';
import type { EndpointSlice, Service, ServicePort } from './types.ts';

/** The loadBalancerClass this node serves (besides Services that name none). */
export const LB_CLASS = 'gatehouse.dev/test-node';
const TABLE = 'gatehouse-node';

export interface ProxyOptions {
  client: KubeClient;
  services: Informer<Service>;
  slices: Informer<EndpointSlice>;
  /** Addresses for LoadBalancer Services, e.g. 10.244.2.0/24. */
  lbCidr: string;
  podCidr: string;
  nodeIP: string;
  log(line: string): void;
}

export interface Rule {
  /** `namespace/name:port` for comments and tests. */
  id: string;
  address: string;
  protocol: 'tcp' | 'udp' | 'sctp';
  port: number;
  backends: Array<{ ip: string; port: number }>;
}

/** The Service's ports with their ready IPv4 backends (EndpointSlice ports matched by name and protocol). */
export function serviceRules(svc: Service, slices: readonly EndpointSlice[], nodeIP: string, lbIP: string | undefined): Rule[] {
  const out: Rule[] = [];
  const id = keyOf(svc);
  const own = slices.filter(
    (s) =>
      s.addressType === 'IPv4' && s.metadata.namespace === svc.metadata.namespace && s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name,
  );
  const backendsOf = (sp: ServicePort) => {
    const proto = sp.protocol ?? 'TCP';
    const seen = new Set<string>();
    const b: Array<{ ip: string; port: number }> = [];
    for (const s of own) {
      const port = s.ports?.find((p) => (p.name ?? '') === (sp.name ?? '') && (p.protocol ?? 'TCP') === proto)?.port;
      if (!port) continue;
      for (const e of s.endpoints ?? []) {
        if (e.conditions?.ready === false) continue;
        for (const ip of e.addresses) {
          if (seen.has(`${ip}:${port}`)) continue;
          seen.add(`${ip}:${port}`);
          b.push({ ip, port });
        }
      }
    }
    return b.sort((x, y) => x.ip.localeCompare(y.ip, 'en', { numeric: true }) || x.port - y.port);
  };
  const clusterIPs = (svc.spec.clusterIPs ?? (svc.spec.clusterIP ? [svc.spec.clusterIP] : [])).filter((ip) => ip && ip !== 'None' && !ip.includes(':'));
  for (const sp of svc.spec.ports ?? []) {
    const protocol = (sp.protocol ?? 'TCP').toLowerCase() as Rule['protocol'];
    const backends = backendsOf(sp);
    for (const ip of clusterIPs) out.push({ id: `${id}:${sp.port}`, address: ip, protocol, port: sp.port, backends });
    if (sp.nodePort) out.push({ id: `${id}:${sp.port} (nodePort)`, address: nodeIP, protocol, port: sp.nodePort, backends });
    if (lbIP) out.push({ id: `${id}:${sp.port} (LoadBalancer)`, address: lbIP, protocol, port: sp.port, backends });
  }
  return out;
}

/** The whole nftables table (deterministic: the same rules give the same text). */
export function renderRuleset(rules: readonly Rule[], podCidr: string): string {
  const sorted = [...rules].sort(
    (a, b) => a.address.localeCompare(b.address, 'en', { numeric: true }) || a.port - b.port || a.protocol.localeCompare(b.protocol),
  );
  const dnat: string[] = [];
  const reject: string[] = [];
  for (const r of sorted) {
    const match = `ip daddr ${r.address} ${r.protocol} dport ${r.port}`;
    const comment = `comment ${JSON.stringify(r.id.replace(/"/g, ''))}`;
    if (!r.backends.length) {
      reject.push(`    ${match} reject${r.protocol === 'tcp' ? ' with tcp reset' : ''} ${comment}`);
    } else if (r.backends.length === 1) {
      dnat.push(`    ${match} dnat ip to ${r.backends[0]!.ip}:${r.backends[0]!.port} ${comment}`);
    } else {
      const map = r.backends.map((b, i) => `${i} : ${b.ip} . ${b.port}`).join(', ');
      dnat.push(`    ${match} dnat ip to numgen random mod ${r.backends.length} map { ${map} } ${comment}`);
    }
  }
  return [
    `add table ip ${TABLE}`,
    `delete table ip ${TABLE}`,
    `table ip ${TABLE} {`,
    '  chain services {',
    ...dnat,
    '  }',
    '  chain no-endpoints {',
    ...reject,
    '  }',
    '  chain prerouting { type nat hook prerouting priority dstnat; policy accept; jump services; }',
    '  chain output { type nat hook output priority -100; policy accept; jump services; }',
    // Pod → Service → pod on the same bridge: the reply must come back through here to be un-NATed.
    `  chain postrouting { type nat hook postrouting priority srcnat; policy accept; ip saddr ${podCidr} ct status dnat masquerade; }`,
    '  chain filter-output { type filter hook output priority filter; policy accept; jump no-endpoints; }',
    '  chain filter-forward { type filter hook forward priority filter; policy accept; jump no-endpoints; }',
    '}',
    '',
  ].join('\n');
}

function nft(input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('nft', ['-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`nft -f - failed (${code}): ${err.trim().slice(0, 2000)}`))));
    p.stdin.end(input);
  });
}

const servedByUs = (svc: Service) => svc.spec.type === 'LoadBalancer' && (!svc.spec.loadBalancerClass || svc.spec.loadBalancerClass === LB_CLASS);

export class ServiceProxy {
  private readonly o: ProxyOptions;
  private readonly lbIps = new Map<string, string>();
  private readonly pool: Ipam;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private applied = '';
  private stopped = false;

  constructor(o: ProxyOptions) {
    this.o = o;
    this.pool = new Ipam(o.lbCidr);
  }

  start(): void {
    const kick = () => this.schedule();
    this.o.services.on(kick);
    this.o.slices.on(kick);
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.sync();
    }, 30);
  }

  /** One reconcile: LoadBalancer addresses, their status, the ruleset. */
  async sync(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        await this.reconcile();
      } catch (err) {
        this.o.log(`service proxy: ${(err as Error).message}`);
        setTimeout(() => this.schedule(), 1000);
      }
    })().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.schedule();
      }
    });
    return this.running;
  }

  private allocate(svc: Service): string | undefined {
    const key = keyOf(svc);
    const had = this.lbIps.get(key);
    if (had) return had;
    const wanted = [svc.spec.loadBalancerIP, ...(svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip)].filter(
      (ip): ip is string => !!ip && this.pool.has(ip),
    );
    for (const ip of wanted) {
      try {
        this.lbIps.set(key, this.pool.allocate(ip));
        return ip;
      } catch {
        // taken: try the next, else any
      }
    }
    if (svc.spec.loadBalancerIP) return undefined; // asked for an address we cannot give: no address, as cloud LBs do
    const ip = this.pool.allocate();
    this.lbIps.set(key, ip);
    return ip;
  }

  private async reconcile(): Promise<void> {
    const services = [...this.o.services.items.values()];
    const slices = [...this.o.slices.items.values()];
    const live = new Set(services.filter(servedByUs).map(keyOf));
    for (const [key, ip] of [...this.lbIps]) {
      if (live.has(key)) continue;
      this.lbIps.delete(key);
      this.pool.release(ip);
    }
    const rules: Rule[] = [];
    for (const svc of services.sort((a, b) => keyOf(a).localeCompare(keyOf(b)))) {
      const lbIP = servedByUs(svc) ? this.allocate(svc) : undefined;
      if (servedByUs(svc)) await this.writeIngress(svc, lbIP);
      rules.push(...serviceRules(svc, slices, this.o.nodeIP, lbIP));
    }
    const text = renderRuleset(rules, this.o.podCidr);
    if (text !== this.applied && !this.stopped) {
      await nft(text);
      this.applied = text;
    }
  }

  private async writeIngress(svc: Service, ip: string | undefined): Promise<void> {
    const want = ip ? [{ ip, ipMode: 'VIP' }] : [];
    const have = (svc.status?.loadBalancer?.ingress ?? []).map((i) => ({ ip: i.ip, ipMode: i.ipMode }));
    if (JSON.stringify(have) === JSON.stringify(want)) return;
    try {
      await this.o.client.request(
        'PATCH',
        `/api/v1/namespaces/${svc.metadata.namespace}/services/${svc.metadata.name}/status`,
        { status: { loadBalancer: { ingress: want } } },
        'application/merge-patch+json',
      );
      this.o.log(`LoadBalancer ${keyOf(svc)}: ${ip ?? 'no address'}`);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 404) throw err;
    }
  }

  /** Removes the ruleset (Service addresses stop working). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    if (this.applied) await nft(`add table ip ${TABLE}\ndelete table ip ${TABLE}\n`).catch(() => undefined);
  }
}
