// `envoy --mode validate` on what a Gateway is served: the xDS resources inlined into a static bootstrap.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCertificate } from './test-certificate.js';

type Json = { [k: string]: unknown };
/** One Gateway's resources as `gatehouse translate -o json --show xds` prints them. */
export interface GatewayXds {
  listeners?: Json[];
  routes?: Json[];
  clusters?: Json[];
  endpoints?: Json[];
  secrets?: Json[];
}

/** The Envoy binary: `$GATEHOUSE_ENVOY`, else `envoy` on PATH. */
export function envoyBinary(): string {
  return process.env['GATEHOUSE_ENVOY'] || 'envoy';
}

/** A static bootstrap holding a Gateway's resources: RDS inlined, EDS clusters made STATIC, TLS secrets given a test pair. */
export function staticBootstrap(x: GatewayXds): Json {
  const routes = new Map((x.routes ?? []).map((r) => [r['name'] as string, r]));
  const endpoints = new Map((x.endpoints ?? []).map((e) => [e['clusterName'] as string, e]));
  const listeners = (x.listeners ?? []).map((l) => {
    const copy = structuredClone(l);
    walk(copy, (o) => {
      const rds = o['rds'] as { routeConfigName?: string } | undefined;
      if (rds?.routeConfigName !== undefined && o['statPrefix'] !== undefined) {
        delete o['rds'];
        o['routeConfig'] = routes.get(rds.routeConfigName) ?? { name: rds.routeConfigName };
      }
      // SDS over ADS becomes a reference to a static secret of the same name.
      if (o['sdsConfig'] !== undefined && typeof o['name'] === 'string') delete o['sdsConfig'];
    });
    return copy;
  });
  const clusters = (x.clusters ?? []).map((c) => {
    const copy = structuredClone(c);
    walk(copy, (o) => {
      if (o['sdsConfig'] !== undefined && typeof o['name'] === 'string') delete o['sdsConfig'];
    });
    if (copy['type'] !== 'EDS') return copy;
    delete copy['edsClusterConfig'];
    return { ...copy, type: 'STATIC', loadAssignment: endpoints.get(copy['name'] as string) ?? { clusterName: copy['name'] } };
  });
  const secrets = (x.secrets ?? []).map((s) => {
    const copy = structuredClone(s);
    const tls = copy['tlsCertificate'] as Json | undefined;
    if (tls) {
      tls['certificateChain'] = { inlineString: testCertificate().certificate };
      tls['privateKey'] = { inlineString: testCertificate().privateKey };
    }
    return copy;
  });
  return { staticResources: { listeners, clusters, secrets } };
}

function walk(v: unknown, visit: (o: Json) => void): void {
  if (Array.isArray(v)) for (const x of v) walk(x, visit);
  else if (v && typeof v === 'object') {
    visit(v as Json);
    for (const x of Object.values(v)) walk(x, visit);
  }
}

/** Runs `envoy --mode validate` on a Gateway's resources; throws with Envoy's own message when it refuses them. */
export function validateWithEnvoy(x: GatewayXds, label: string, envoy = envoyBinary()): void {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-validate-'));
  try {
    const file = join(dir, 'bootstrap.json');
    writeFileSync(file, JSON.stringify(staticBootstrap(x)));
    execFileSync(envoy, ['--mode', 'validate', '-c', file, '-l', 'error', '--use-dynamic-base-id'], { encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: string; message: string };
    if (e.code === 'ENOENT') throw new Error(`envoy not found at "${envoy}": set GATEHOUSE_ENVOY to an Envoy binary or put envoy on PATH`, { cause: err });
    throw new Error(`envoy --mode validate refused ${label}:\n${((e.stdout ?? '') + (e.stderr ?? '')).trim() || e.message}`, { cause: err });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
