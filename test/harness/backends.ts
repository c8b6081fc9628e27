// More real backends for end-to-end tests: HTTP/2 cleartext (h2c), WebSocket echo, several endpoints of one Service,
// and the Kubernetes objects that point a Service at them.
import { createHash } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { freePort, startBackend, type Backend } from './peers.js';

/** An HTTP/2 server without TLS (prior knowledge only: an HTTP/1.1 request gets no answer), echoing as JSON. */
export async function startH2cBackend(name: string, host: string): Promise<{ host: string; port: number; close: () => Promise<void> }> {
  const server = http2.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-backend', name);
    res.end(JSON.stringify({ backend: name, httpVersion: req.httpVersion, url: req.url, headers: req.headers }));
  });
  await new Promise<void>((r, j) => server.once('error', j).listen(0, host, () => r()));
  return { host, port: (server.address() as net.AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** A WebSocket server that answers each text frame with `<name>:<text>` (plain HTTP requests get 426). */
export async function startWsEchoBackend(name: string, host: string): Promise<{ host: string; port: number; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.statusCode = 426;
    res.end('websocket only');
  });
  const sockets = new Set<net.Socket>();
  server.on('upgrade', (req, socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const key = req.headers['sec-websocket-key'];
    if (req.headers['upgrade']?.toLowerCase() !== 'websocket' || typeof key !== 'string') {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const accept = createHash('sha1')
      .update(key + WS_GUID)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nx-backend: ${name}\r\n\r\n`,
    );
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (let f = readFrame(buf); f; f = readFrame(buf)) {
        buf = buf.subarray(f.length);
        if (f.opcode === 8) socket.end(frame(8, Buffer.alloc(0), false));
        else if (f.opcode === 1) socket.write(frame(1, Buffer.from(`${name}:${f.payload.toString('utf8')}`), false));
      }
    });
  });
  await new Promise<void>((r, j) => server.once('error', j).listen(0, host, () => r()));
  return {
    host,
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

/** One WebSocket frame (FIN set); client frames are masked, as RFC 6455 requires. */
function frame(opcode: number, payload: Buffer, masked: boolean): Buffer {
  const len = payload.length;
  const head =
    len < 126 ? Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | len]) : Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | 126, len >> 8, len & 0xff]);
  if (!masked) return Buffer.concat([head, payload]);
  const mask = Buffer.from([1, 2, 3, 4]);
  return Buffer.concat([head, mask, Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))]);
}

function readFrame(buf: Buffer): { opcode: number; payload: Buffer; length: number } | undefined {
  if (buf.length < 2) return undefined;
  const opcode = buf[0]! & 0x0f;
  const masked = (buf[1]! & 0x80) !== 0;
  let len = buf[1]! & 0x7f;
  let off = 2;
  if (len === 126) {
    if (buf.length < 4) return undefined;
    len = buf.readUInt16BE(2);
    off = 4;
  }
  const mask = masked ? buf.subarray(off, off + 4) : undefined;
  if (masked) off += 4;
  if (buf.length < off + len) return undefined;
  const payload = Buffer.from(buf.subarray(off, off + len));
  if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
  return { opcode, payload, length: off + len };
}

/**
 * A WebSocket conversation over a raw TCP connection (so the Host header is ours to set): the upgrade, then each
 * message sent and its answer read. Resolves with the upgrade's status line and the answers.
 */
export function wsExchange(address: string, port: number, host: string, path: string, messages: string[]): Promise<{ status: number; answers: string[] }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, address);
    const timer = setTimeout(() => socket.destroy(new Error('websocket exchange timed out')), 5000);
    const key = Buffer.from('gatehouse-test-k').toString('base64');
    let buf = Buffer.alloc(0);
    let status = 0;
    const answers: string[] = [];
    const done = (err?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve({ status, answers });
    };
    socket.on('connect', () =>
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!status) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        status = Number(/^HTTP\/1\.1 (\d+)/.exec(buf.subarray(0, end).toString('latin1'))?.[1] ?? 0);
        buf = buf.subarray(end + 4);
        if (status !== 101) return done();
        for (const m of messages) socket.write(frame(1, Buffer.from(m), true));
      }
      for (let f = readFrame(buf); f; f = readFrame(buf)) {
        buf = buf.subarray(f.length);
        if (f.opcode === 1) answers.push(f.payload.toString('utf8'));
      }
      if (answers.length === messages.length) done();
    });
    socket.on('error', done);
    socket.on('close', () => done());
  });
}

/** HTTP backends answering as `name`, all on one port (one per address), as the endpoints of one Service. */
export async function startBackendsOnOnePort(names: string[], hosts: string[]): Promise<Backend[]> {
  for (let tries = 0; tries < 10; tries++) {
    const port = await freePort(hosts[0]);
    const started: Backend[] = [];
    try {
      for (const [i, name] of names.entries()) started.push(await startBackend(name, { host: hosts[i]!, port }));
      return started;
    } catch {
      await Promise.all(started.map((b) => b.close()));
    }
  }
  throw new Error('no common free port for the backends');
}

/** A Service (one port, optional appProtocol) and its EndpointSlice: `addresses` on `targetPort`. */
export function serviceWith(name: string, o: { namespace?: string; addresses: string[]; targetPort: number; port?: number; appProtocol?: string }) {
  const namespace = o.namespace ?? 'default';
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace },
      spec: { ports: [{ name: 'p', port: o.port ?? 80, ...(o.appProtocol ? { appProtocol: o.appProtocol } : {}) }] },
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-1`, namespace, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      ports: [{ name: 'p', port: o.targetPort }],
      endpoints: o.addresses.map((a) => ({ addresses: [a] })),
    },
  ];
}

/** An HTTPS server presenting `pem`, answering who it is, the SNI it was asked for and the request, as JSON. */
export async function startHttpsBackend(
  name: string,
  host: string,
  pem: { crt: string; key: string },
  o: { h2?: boolean; clientCa?: string } = {},
): Promise<{ host: string; port: number; close: () => Promise<void> }> {
  const handler = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse) => {
    const socket = req.socket as TLSSocket;
    const clientCN = o.clientCa ? String(socket.getPeerCertificate()?.subject?.CN ?? '') : undefined;
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-backend', name);
    res.end(
      JSON.stringify({
        backend: name,
        sni: socket.servername,
        alpn: socket.alpnProtocol,
        clientCN,
        httpVersion: req.httpVersion,
        url: req.url,
        headers: req.headers,
      }),
    );
  };
  // clientCa: only clients with a certificate it issued get through (mutual TLS).
  const tlsOptions = { cert: pem.crt, key: pem.key, ...(o.clientCa ? { ca: o.clientCa, requestCert: true, rejectUnauthorized: true } : {}) };
  const server = o.h2 ? http2.createSecureServer({ ...tlsOptions, allowHTTP1: true }, handler) : https.createServer(tlsOptions, handler);
  await new Promise<void>((r, j) => server.once('error', j).listen(0, host, () => r()));
  return { host, port: (server.address() as net.AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}
