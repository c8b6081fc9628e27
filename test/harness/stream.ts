// Real TCP, UDP and TLS peers: echo servers that answer `<name>:<what they got>`, and clients for one exchange each.
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import type { Pem } from './certs.js';

export interface StreamBackend {
  name: string;
  host: string;
  port: number;
  /** Connections (TCP/TLS) or datagrams (UDP) received. */
  count: number;
  close(): Promise<void>;
}

function echoSocket(name: string, socket: net.Socket, count: () => void): void {
  count();
  socket.on('data', (d: Buffer) => socket.write(`${name}:${d.toString('utf8')}`));
  socket.on('error', () => socket.destroy());
}

/** A TCP echo server. */
export async function startTcpEcho(name: string, host: string, port = 0): Promise<StreamBackend> {
  const sockets = new Set<net.Socket>();
  const b: StreamBackend = { name, host, port: 0, count: 0, close: async () => {} };
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    echoSocket(name, s, () => b.count++);
  });
  await new Promise<void>((r, j) => server.once('error', j).listen(port, host, () => r()));
  b.port = (server.address() as net.AddressInfo).port;
  b.close = () => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => server.close(() => r()));
  };
  return b;
}

/** A TLS echo server presenting `pem` (the backend of a passthrough listener). */
export async function startTlsEcho(name: string, host: string, pem: Pem): Promise<StreamBackend> {
  const sockets = new Set<net.Socket>();
  const b: StreamBackend = { name, host, port: 0, count: 0, close: async () => {} };
  const server = tls.createServer({ cert: pem.crt, key: pem.key }, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    echoSocket(name, s, () => b.count++);
  });
  await new Promise<void>((r, j) => server.once('error', j).listen(0, host, () => r()));
  b.port = (server.address() as net.AddressInfo).port;
  b.close = () => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => server.close(() => r()));
  };
  return b;
}

/** A UDP echo server. */
export async function startUdpEcho(name: string, host: string, port = 0): Promise<StreamBackend> {
  const socket = dgram.createSocket('udp4');
  const b: StreamBackend = { name, host, port: 0, count: 0, close: () => new Promise((r) => socket.close(() => r())) };
  socket.on('message', (msg, rinfo) => {
    b.count++;
    socket.send(`${name}:${msg.toString('utf8')}`, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r, j) => socket.once('error', j).bind(port, host, () => r()));
  b.port = socket.address().port;
  return b;
}

/** One TCP connection: send `message`, resolve with the answer (rejects if the connection is closed first). */
export function tcpExchange(address: string, port: number, message: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, address, () => s.write(message));
    const timer = setTimeout(() => s.destroy(new Error('tcp exchange timed out')), timeoutMs);
    s.once('data', (d: Buffer) => {
      clearTimeout(timer);
      s.end();
      resolve(d.toString('utf8'));
    });
    s.once('error', (e) => (clearTimeout(timer), reject(e)));
    s.once('close', () => (clearTimeout(timer), reject(new Error('closed without an answer'))));
  });
}

/** One TLS connection with SNI `servername`, trusting `ca`: the answer and the certificate's CN. */
export function tlsExchange(
  address: string,
  port: number,
  servername: string,
  ca: string,
  message: string,
  timeoutMs = 3000,
): Promise<{ reply: string; peerCN: string }> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: address, port, servername, ca }, () => s.write(message));
    const timer = setTimeout(() => s.destroy(new Error('tls exchange timed out')), timeoutMs);
    s.once('data', (d: Buffer) => {
      clearTimeout(timer);
      const peerCN = String(s.getPeerCertificate().subject?.CN ?? '');
      s.end();
      resolve({ reply: d.toString('utf8'), peerCN });
    });
    s.once('error', (e) => (clearTimeout(timer), reject(e)));
    s.once('close', () => (clearTimeout(timer), reject(new Error('closed without an answer'))));
  });
}

/** One datagram from a fresh socket (a new UDP session), and the answer. */
export function udpExchange(address: string, port: number, message: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => (socket.close(), reject(new Error('udp exchange timed out'))), timeoutMs);
    socket.once('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(msg.toString('utf8'));
    });
    socket.send(message, port, address);
  });
}
