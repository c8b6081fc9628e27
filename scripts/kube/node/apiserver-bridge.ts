// In-cluster clients in pods dial the `kubernetes` Service (10.96.0.1:443), whose endpoint kube-apiserver publishes
// as its advertise address (the bridge's address here) and secure port — but the local apiserver listens on 127.0.0.1
// only. This forwards that endpoint to it, so a pod's service account token and the cluster CA work as in a real
// cluster (TLS is end to end: the serving certificate names 10.96.0.1).
import net from 'node:net';
import type { Informer } from './kube-client.ts';
import type { EndpointSlice } from './types.ts';

export class ApiserverBridge {
  private server: net.Server | undefined;
  private listening = '';
  private readonly target: { host: string; port: number };
  private readonly localAddresses: () => string[];
  private readonly log: (line: string) => void;

  constructor(target: { host: string; port: number }, localAddresses: () => string[], log: (line: string) => void) {
    this.target = target;
    this.localAddresses = localAddresses;
    this.log = log;
  }

  /** Follows default/kubernetes's EndpointSlice: listens where it points when that is an address of this namespace. */
  watch(slices: Informer<EndpointSlice>): void {
    slices.on((key, slice) => {
      if (!key.startsWith('default/') || slice?.metadata.labels?.['kubernetes.io/service-name'] !== 'kubernetes') return;
      const ip = slice.endpoints?.[0]?.addresses[0];
      const port = slice.ports?.[0]?.port;
      if (ip && port) this.listen(ip, port);
    });
  }

  private listen(ip: string, port: number): void {
    const where = `${ip}:${port}`;
    if (where === this.listening || !this.localAddresses().includes(ip)) return;
    this.server?.close();
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      client.pipe(upstream).pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end);
      upstream.on('error', end);
    });
    server.on('error', (err) => this.log(`apiserver bridge on ${where}: ${err.message}`));
    server.listen(port, ip, () => this.log(`apiserver bridge: ${where} → ${this.target.host}:${this.target.port} (in-cluster clients reach the apiserver)`));
    this.server = server;
    this.listening = where;
  }

  stop(): void {
    this.server?.close();
  }
}
