// A TCP port carried across network namespaces through a Unix socket (file paths are not per network namespace):
// `make dev-cluster` runs its cluster and node inside a private namespace and keeps kube-apiserver reachable at the
// same 127.0.0.1:<port> on the machine, so kubectl works from any terminal.
import net from 'node:net';
import { rmSync } from 'node:fs';

function pipe(a, b) {
  a.pipe(b).pipe(a);
  const end = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', end);
  b.on('error', end);
  a.on('close', end);
  b.on('close', end);
}

/** Inside the namespace: connections to the Unix socket `path` go to host:port. */
export function unixToTcp(path, host, port) {
  rmSync(path, { force: true });
  const server = net.createServer((c) => pipe(c, net.connect(port, host)));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve(server));
  });
}

/** Outside: connections to host:port go to the Unix socket `path`. */
export function tcpToUnix(host, port, path) {
  const server = net.createServer((c) => pipe(c, net.connect(path)));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
