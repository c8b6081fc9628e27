// Container probes as the kubelet runs them, from the node to the pod's address: httpGet (2xx/3xx), tcpSocket
// (connects), grpc (grpc.health.v1 SERVING) and exec (exit 0, inside the pod's namespaces); with initialDelaySeconds,
// periodSeconds, timeoutSeconds and the success/failure thresholds.
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import type { Container, Probe } from './types.ts';

export interface ProbeTarget {
  podIP: string;
  container: Container;
  /** Runs a command in the container's namespaces; resolves with its exit code. */
  exec(command: string[], timeoutMs: number): Promise<number>;
}

export interface ProbeOutcome {
  ok: boolean;
  message: string;
}

function resolvePort(port: number | string, c: Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const named = c.ports?.find((p) => p.name === port);
  if (!named) throw new Error(`probe port ${JSON.stringify(port.slice(0, 60))} names no port of container ${c.name}`);
  return named.containerPort;
}

function httpProbe(p: NonNullable<Probe['httpGet']>, t: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  const https_ = (p.scheme ?? 'HTTP').toUpperCase() === 'HTTPS';
  const headers: Record<string, string> = { 'user-agent': 'kube-probe/1.34', accept: '*/*' };
  for (const h of p.httpHeaders ?? []) headers[h.name.toLowerCase()] = h.value;
  const options = {
    host: p.host ?? t.podIP,
    port: resolvePort(p.port, t.container),
    path: p.path ?? '/',
    headers,
    timeout: timeoutMs,
    rejectUnauthorized: false,
    agent: false as const,
  };
  return new Promise((resolve) => {
    const req = (https_ ? https : http).get(options, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve({ ok: code >= 200 && code < 400, message: `HTTP probe failed with statuscode: ${code}` });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) =>
      resolve({ ok: false, message: `Get "${https_ ? 'https' : 'http'}://${options.host}:${options.port}${options.path}": ${err.message}` }),
    );
  });
}

function tcpProbe(p: NonNullable<Probe['tcpSocket']>, t: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  const host = p.host ?? t.podIP;
  const port = resolvePort(p.port, t.container);
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: timeoutMs });
    s.once('connect', () => {
      s.destroy();
      resolve({ ok: true, message: '' });
    });
    s.once('timeout', () => s.destroy(new Error('timeout')));
    s.once('error', (err) => resolve({ ok: false, message: `dial tcp ${host}:${port}: ${err.message}` }));
  });
}

function grpcProbe(p: NonNullable<Probe['grpc']>, t: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  const service = Buffer.from(p.service ?? '', 'utf8');
  // HealthCheckRequest{service}: field 1, length-delimited; one gRPC frame (no compression, 4-byte length).
  const msg = service.length ? Buffer.concat([Buffer.from([0x0a, service.length]), service]) : Buffer.alloc(0);
  const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, msg.length]), msg]);
  return new Promise((resolve) => {
    const done = (o: ProbeOutcome) => {
      clearTimeout(timer);
      client.close();
      resolve(o);
    };
    const client = http2.connect(`http://${t.podIP}:${p.port}`);
    const timer = setTimeout(() => done({ ok: false, message: `timeout: health rpc did not complete within ${timeoutMs} ms` }), timeoutMs);
    client.on('error', (err) => done({ ok: false, message: err.message }));
    const req = client.request({ ':method': 'POST', ':path': '/grpc.health.v1.Health/Check', 'content-type': 'application/grpc', te: 'trailers' });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', (err) => done({ ok: false, message: err.message }));
    req.on('end', () => {
      const body = Buffer.concat(chunks).subarray(5);
      // HealthCheckResponse{status}: field 1 varint; SERVING = 1.
      const status = body[0] === 0x08 ? body[1] : 0;
      done({ ok: status === 1, message: `service unhealthy (responded with status ${status})` });
    });
    req.end(frame);
  });
}

export async function runProbe(probe: Probe, t: ProbeTarget): Promise<ProbeOutcome> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  try {
    if (probe.httpGet) return await httpProbe(probe.httpGet, t, timeoutMs);
    if (probe.tcpSocket) return await tcpProbe(probe.tcpSocket, t, timeoutMs);
    if (probe.grpc) return await grpcProbe(probe.grpc, t, timeoutMs);
    if (probe.exec) {
      const code = await t.exec(probe.exec.command, timeoutMs);
      return { ok: code === 0, message: `command exited with ${code}` };
    }
    return { ok: false, message: 'probe has no handler' };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

/**
 * Runs one probe every periodSeconds after initialDelaySeconds; `onChange` gets the thresholded result whenever it
 * flips (the first result included). `initial` is the state before any result (false for readiness and startup).
 */
export class ProbeLoop {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private state: boolean | undefined;
  private successes = 0;
  private failures = 0;
  private readonly probe: Probe;
  private readonly target: ProbeTarget;
  private readonly onChange: (ok: boolean, message: string) => void;

  constructor(probe: Probe, target: ProbeTarget, onChange: (ok: boolean, message: string) => void) {
    this.probe = probe;
    this.target = target;
    this.onChange = onChange;
  }

  start(): void {
    this.timer = setTimeout(() => void this.tick(), (this.probe.initialDelaySeconds ?? 0) * 1000);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const r = await runProbe(this.probe, this.target);
    if (this.stopped) return;
    if (r.ok) {
      this.successes++;
      this.failures = 0;
      if (this.state !== true && this.successes >= (this.probe.successThreshold ?? 1)) {
        this.state = true;
        this.onChange(true, '');
      }
    } else {
      this.failures++;
      this.successes = 0;
      if (this.state !== false && this.failures >= (this.probe.failureThreshold ?? 3)) {
        this.state = false;
        this.onChange(false, r.message);
      }
    }
    this.timer = setTimeout(() => void this.tick(), (this.probe.periodSeconds ?? 10) * 1000);
  }
}
