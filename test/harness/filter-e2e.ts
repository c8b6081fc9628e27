// A Gateway with one HTTP listener, an echo backend and the YAML a filter-plugin e2e test adds (routes, policies),
// served by a real Gatehouse to a real Envoy; and an HTTP client that can pick its source address and keeps bodies
// as bytes (compressed answers).
import http from 'node:http';
import { join } from 'node:path';
import { gateway, gatewayClass, httpRoute, service, tempDir, writeYaml } from './config.js';
import { freePort, startBackend, startEnvoy, startGatehouse, waitFor, type Backend, type Envoy, type Gatehouse } from './peers.js';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** The echo backend's JSON (what it saw), when it answered. */
  echo?: { backend: string; method: string; url: string; headers: Record<string, string>; body: string };
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The client's source address (any 127.0.0.0/8 address works on Linux). */
  localAddress?: string;
  timeoutMs?: number;
}

/** One HTTP/1.1 request, body kept as bytes. */
export function send(address: string, port: number, host: string, path: string, o: SendOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: address,
        port,
        path,
        method: o.method ?? 'GET',
        headers: { host, ...o.headers },
        agent: false,
        timeout: o.timeoutMs ?? 5000,
        ...(o.localAddress ? { localAddress: o.localAddress } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const text = body.toString('utf8');
          let echo: Answer['echo'];
          if (res.headers['x-backend'] && !res.headers['content-encoding']) {
            try {
              echo = JSON.parse(text) as Answer['echo'];
            } catch {
              echo = undefined;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, echo });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${o.method ?? 'GET'} ${host}${path}`)));
    req.on('error', reject);
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}

/** A gatehouse.dev policy in namespace default targeting HTTPRoutes by name (or other targets). */
export function policy(kind: string, name: string, spec: Record<string, unknown>, targets: Array<string | Record<string, string>>) {
  const targetRefs = targets.map((t) => (typeof t === 'string' ? { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: t } : t));
  return { apiVersion: 'gatehouse.dev/v1alpha1', kind, metadata: { name, namespace: 'default' }, spec: { targetRefs, ...spec } };
}

/** An HTTPRoute `name` for `hostname` to the echo Service `app`. */
export function appRoute(name: string, hostname: string, rule: Record<string, unknown> = {}) {
  return httpRoute(name, { parentRefs: [{ name: 'gw' }], hostnames: [hostname], rules: [{ ...rule, backendRefs: [{ name: 'app', port: 80 }] }] });
}

export interface FilterRig {
  address: string;
  port: number;
  dir: string;
  backend: Backend;
  gh: Gatehouse;
  envoy: Envoy;
  send(host: string, path: string, o?: SendOptions): Promise<Answer>;
  /** Rewrites the test's resources file (routes, policies). */
  write(objects: unknown[]): void;
  stop(): Promise<void>;
}

/**
 * Starts the echo backend on `backendHost`, Gatehouse with Gateway `default/gw` on `address` plus `objects`, and an
 * Envoy; resolves once `ready` holds (e.g. a policy's effect is visible).
 */
export async function startFilterRig(
  name: string,
  address: string,
  backendHost: string,
  objects: unknown[],
  ready: (rig: FilterRig) => Promise<boolean>,
): Promise<FilterRig> {
  const dir = tempDir(name);
  const backend = await startBackend('app', { host: backendHost });
  const port = await freePort(address);
  writeYaml(dir, 'gateway.yaml', [gatewayClass, gateway('gw', address, [{ name: 'http', port }]), ...service('app', backend)]);
  writeYaml(dir, 'test.yaml', objects);
  const gh = await startGatehouse({ configDir: dir, dataDir: join(dir, '.data') });
  const envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, workDir: join(dir, '.work') });
  const rig: FilterRig = {
    address,
    port,
    dir,
    backend,
    gh,
    envoy,
    send: (host, path, o) => send(address, port, host, path, o),
    write: (objs) => writeYaml(dir, 'test.yaml', objs),
    stop: async () => {
      await envoy.stop();
      await gh.stop();
      await backend.close();
    },
  };
  try {
    await waitFor(`${name}: the policies served`, () => ready(rig), 20_000);
  } catch (err) {
    await rig.stop();
    throw new Error(`${(err as Error).message}\n--- gatehouse output (tail)\n${gh.output.slice(-4000)}`, { cause: err });
  }
  return rig;
}
