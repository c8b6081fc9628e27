// The part of the kubelet's API kube-apiserver needs for `kubectl logs` (the pods/log subresource, which the
// conformance suite reads to see mirrored requests): GET /containerLogs/<ns>/<pod>/<container> over HTTPS on the
// node's address (self-signed certificate: kube-apiserver without --kubelet-certificate-authority does not verify it),
// with follow, previous, sinceTime, sinceSeconds, tailLines, limitBytes and timestamps.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseCri, readCri, render, type LogQuery } from './container-logs.ts';

export interface LogSource {
  /** The current (or previous) log file of a container of a pod on this node; undefined when unknown. */
  logFile(namespace: string, pod: string, container: string | undefined, previous: boolean): string | undefined;
  /** Whether that container runs now. */
  running(namespace: string, pod: string, container: string | undefined): boolean;
}

async function selfSigned(dir: string, ip: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, 'kubelet.crt');
  const key = join(dir, 'kubelet.key');
  if (!existsSync(cert)) {
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '365',
      '-subj',
      '/CN=gatehouse-node',
      '-addext',
      `subjectAltName=IP:${ip}`,
      '-keyout',
      key,
      '-out',
      cert,
    ]);
  }
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}

function query(u: URL): LogQuery & { follow: boolean; previous: boolean } {
  const n = (k: string) => (u.searchParams.has(k) ? Number(u.searchParams.get(k)) : undefined);
  const b = (k: string) => u.searchParams.get(k) === 'true';
  return {
    follow: b('follow'),
    previous: b('previous'),
    timestamps: b('timestamps'),
    ...(u.searchParams.get('sinceTime') ? { sinceTime: u.searchParams.get('sinceTime') as string } : {}),
    ...(n('sinceSeconds') !== undefined ? { sinceSeconds: n('sinceSeconds') } : {}),
    ...(n('tailLines') !== undefined ? { tailLines: n('tailLines') } : {}),
    ...(n('limitBytes') !== undefined ? { limitBytes: n('limitBytes') } : {}),
  };
}

export async function startKubeletServer(o: { ip: string; port: number; dir: string; logs: LogSource; log(line: string): void }): Promise<https.Server> {
  const { cert, key } = await selfSigned(o.dir, o.ip);
  const server = https.createServer({ cert, key }, (req, res) => {
    const u = new URL(req.url ?? '/', `https://${o.ip}`);
    if (u.pathname === '/healthz') {
      res.end('ok');
      return;
    }
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(u.pathname);
    if (req.method !== 'GET' || !m) {
      res.writeHead(404).end(`the gatehouse test node serves /containerLogs only, not ${u.pathname.slice(0, 100)}\n`);
      return;
    }
    const [, ns = '', pod = '', container] = m.map((x) => (x === undefined ? x : decodeURIComponent(x)));
    const q = query(u);
    const file = o.logs.logFile(ns, pod, container, q.previous);
    if (!file) {
      res.writeHead(404).end(`no logs for container ${JSON.stringify(container ?? '')} of pod ${ns}/${pod} on this node\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write(render(readCri(file), q));
    if (!q.follow || q.previous) {
      res.end();
      return;
    }
    // Follow: new lines as they are appended, until the container stops or the client goes.
    let offset = statSync(file).size;
    let written = 0;
    const timer = setInterval(() => {
      let size = offset;
      try {
        size = statSync(file).size;
      } catch {
        // removed with the pod
      }
      if (size > offset) {
        const buf = readFileSync(file).subarray(offset, size);
        const text = buf.toString('utf8');
        const complete = text.lastIndexOf('\n') + 1;
        if (complete > 0) {
          const out = render(parseCri(text.slice(0, complete)), { timestamps: q.timestamps });
          written += out.length;
          res.write(out);
          offset += Buffer.byteLength(text.slice(0, complete));
        }
      }
      if (!o.logs.running(ns, pod, container) || (q.limitBytes !== undefined && written >= q.limitBytes)) {
        clearInterval(timer);
        res.end();
      }
    }, 250);
    req.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.ip, () => resolve());
  });
  o.log(`kubelet API (container logs) on https://${o.ip}:${o.port}`);
  return server;
}
