// Builds Gateway API YAML for tests: a config dir that tests write, rewrite and measure.
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

const made: string[] = [];
// Test files leave nothing behind in the system temp directory (set GATEHOUSE_KEEP_TEMP=1 to look afterwards).
process.on('exit', () => {
  if (process.env['GATEHOUSE_KEEP_TEMP']) return;
  for (const dir of made) rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
});

/** A fresh directory under the system temp directory, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `gatehouse-${prefix}-`));
  made.push(dir);
  return dir;
}

/** Writes objects as one multi-document YAML file, atomically (as editors and kubectl-style tools do). */
export function writeYaml(dir: string, file: string, objects: unknown[]): void {
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${file}.tmp`);
  writeFileSync(tmp, objects.map((o) => stringify(o)).join('---\n'));
  renameSync(tmp, join(dir, file));
}

export const gatewayClass = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'GatewayClass',
  metadata: { name: 'gatehouse' },
  spec: { controllerName: 'gatehouse.dev/gateway-controller' },
};

export function gateway(name: string, address: string, listeners: Array<{ name: string; port: number; hostname?: string }>) {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace: 'default' },
    spec: {
      gatewayClassName: 'gatehouse',
      addresses: [{ type: 'IPAddress', value: address }],
      listeners: listeners.map((l) => ({ protocol: 'HTTP', ...l })),
    },
  };
}

/** A Service plus the EndpointSlice that points it at a real local backend. */
export function service(name: string, backend: { host: string; port: number }) {
  return [
    { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80 }] } },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-1`, namespace: 'default', labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: backend.port }],
      endpoints: [{ addresses: [backend.host] }],
    },
  ];
}

export function httpRoute(name: string, spec: Record<string, unknown>) {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace: 'default' }, spec };
}

export const toService = (name: string, weight?: number) => ({ name, port: 80, ...(weight !== undefined ? { weight } : {}) });
