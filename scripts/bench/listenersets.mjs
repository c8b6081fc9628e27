// The ListenerSet benchmark: N HTTPS listeners, each with its own hostname and certificate, on one shared Gateway
// through ListenerSets (at most 64 listeners each, one HTTPRoute per set), one file per team as teams would keep them.
// Measures in-process load + translation + encoding and peak RSS (in a fresh process: measure-listenersets.mjs), and
// with a real Envoy: control plane start → the last listener served, then one more ListenerSet → its listener served.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import https from 'node:https';
import { join } from 'node:path';
import { NODE_FLAGS, ROOT, freePort, startBackend, startEnvoy, startGatehouse, waitFor } from '../lib/peers.mjs';
import { benchCertificates } from './certs.mjs';

const PER_SET = 64;
const b64 = (s) => Buffer.from(s).toString('base64');

/** Writes the input: gateway.yaml (the platform team's) and one file per ListenerSet with its Secrets and route. */
export function writeListenerSetDir(dir, n, { address = '127.0.0.1', httpsPort = 18443, backend = { host: '10.0.0.1', port: 8080 }, certs }) {
  mkdirSync(join(dir, 'teams'), { recursive: true });
  writeFileSync(
    join(dir, 'gateway.yaml'),
    [
      'apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: { name: bench }\nspec: { controllerName: gatehouse.dev/gateway-controller }',
      `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: shared, namespace: default }\nspec:\n  gatewayClassName: bench\n  addresses: [{ type: IPAddress, value: ${address} }]\n  allowedListeners: { namespaces: { from: All } }\n  listeners: [{ name: http, protocol: HTTP, port: ${httpsPort + 1} }]`,
      `apiVersion: v1\nkind: Service\nmetadata: { name: app, namespace: default }\nspec: { ports: [{ name: http, port: 80 }] }`,
      `apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: { name: app-1, namespace: default, labels: { kubernetes.io/service-name: app } }\naddressType: IPv4\nports: [{ name: http, port: ${backend.port} }]\nendpoints: [{ addresses: [${backend.host}] }]`,
    ].join('\n---\n') + '\n',
  );
  for (let s = 0; s * PER_SET < n; s++) writeSet(dir, s, certs.slice(s * PER_SET, Math.min(n, (s + 1) * PER_SET)), httpsPort);
}

export function writeSet(dir, s, certs, httpsPort) {
  const docs = [];
  const listeners = certs.map(
    (c, i) => `    - { name: l${i}, protocol: HTTPS, port: ${httpsPort}, hostname: ${c.host}, tls: { certificateRefs: [{ name: cert-${c.host} }] } }`,
  );
  for (const c of certs)
    docs.push(
      `apiVersion: v1\nkind: Secret\nmetadata: { name: cert-${c.host}, namespace: default }\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${b64(c.crt)}\n  tls.key: ${b64(c.key)}`,
    );
  docs.push(
    `apiVersion: gateway.networking.k8s.io/v1\nkind: ListenerSet\nmetadata: { name: team-${s}, namespace: default }\nspec:\n  parentRef: { name: shared }\n  listeners:\n${listeners.join('\n')}`,
  );
  docs.push(
    `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: team-${s}, namespace: default }\nspec:\n  parentRefs: [{ kind: ListenerSet, name: team-${s} }]\n  rules: [{ backendRefs: [{ name: app, port: 80 }] }]`,
  );
  writeFileSync(join(dir, 'teams', `team-${s}.yaml`), docs.join('\n---\n') + '\n');
}

function httpsStatus(address, port, servername, ca) {
  return new Promise((resolve) => {
    const req = https.request({ host: address, port, servername, ca, headers: { host: servername }, agent: false, timeout: 3000 }, (res) =>
      res.resume().on('end', () => resolve(res.statusCode ?? 0)),
    );
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** The whole benchmark for `n` listeners; returns the numbers. */
export async function listenerSetBench(n, work) {
  const hosts = Array.from({ length: n + 1 }, (_, i) => `l${i}.bench.test`);
  const t0 = performance.now();
  const { ca, certs } = benchCertificates(hosts);
  const certMs = performance.now() - t0;
  const offline = join(work, `ls-${n}`);
  writeListenerSetDir(offline, n, { certs: certs.slice(0, n) });
  const m = JSON.parse(
    execFileSync(process.execPath, ['--expose-gc', ...NODE_FLAGS, join(ROOT, 'scripts/bench/measure-listenersets.mjs'), offline], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    })
      .trim()
      .split('\n')
      .at(-1),
  );

  const backend = await startBackend('live', { host: '127.0.0.43' });
  const address = '127.0.0.42';
  const httpsPort = await freePort(address);
  const dir = join(work, `ls-live-${n}`);
  writeListenerSetDir(dir, n, { address, httpsPort, backend, certs: certs.slice(0, n) });
  const started = performance.now();
  const gh = await startGatehouse({ configDir: dir, dataDir: join(work, `ls-data-${n}`) });
  const envoy = await startEnvoy({ gateway: 'default/shared', xdsPort: gh.xdsPort, workDir: join(work, `ls-envoy-${n}`) });
  try {
    await waitFor('the last listener served', async () => (await httpsStatus(address, httpsPort, hosts[n - 1], ca)) === 200, 300_000, 100);
    const lastServedMs = performance.now() - started;
    // All of them, now that the last one is.
    for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 50)))
      if ((await httpsStatus(address, httpsPort, hosts[i], ca)) !== 200) throw new Error(`bench: ${hosts[i]} not served`);
    // One more team: a new ListenerSet file with one listener.
    const t = performance.now();
    writeSet(dir, 10_000, [certs[n]], httpsPort);
    await waitFor('the added listener served', async () => (await httpsStatus(address, httpsPort, hosts[n], ca)) === 200, 120_000, 20);
    const addedMs = performance.now() - t;
    return { n, certMs, ...m, lastServedMs, addedMs };
  } finally {
    await envoy.stop();
    await gh.stop();
    await backend.close();
  }
}

// `node scripts/bench/listenersets.mjs [n]` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const n = Number(process.argv[2] ?? 1000);
  console.log(JSON.stringify(await listenerSetBench(n, mkdtempSync(join(tmpdir(), 'gatehouse-bench-ls-'))), null, 2));
}
