// Golden tests for the whole translation: testdata/<case>.in.yaml → <case>.<listeners|routes|clusters|endpoints|status>.yaml
// and <case>.ir.yaml (the IR by Gateway, certificate material redacted).
// A test never writes an expected file: a missing one fails. UPDATE_GOLDEN=1 (`make golden-update`, or `make golden`)
// writes them; review their diff like code (golden-files.ts).
// Every generated resource must pass the strict encoder, every case must pass `envoy --mode validate`, and the
// engine's xDS must equal what the pure whole-IR entry point makes from its IR (whole-ir.ts).
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectorySource } from '@gatehouse/config-source';
import { provenanceRecord, translate, type Translation } from '@gatehouse/engine';
import { BUILTIN_PLUGINS } from '@gatehouse/controller';
import { XdsType, type EnvoyMessage, type ResourceSnapshot } from '@gatehouse/plugin-sdk';
import { StrictEncoder, envoyRoot } from '@gatehouse/xds';
import { envoyBinary } from '../../scripts/lib/peers.mjs';
import { tempDir } from '../harness/config.js';
import { checkGolden, redactedIr, render } from './golden-files.js';
import { engineResources, wholeIrResources } from './whole-ir.js';

const DATA = join(import.meta.dirname, 'testdata');
const OUTPUTS = { listeners: XdsType.Listener, routes: XdsType.Route, clusters: XdsType.Cluster, endpoints: XdsType.Endpoint } as const;
const cases = readdirSync(DATA).filter((f) => f.endsWith('.in.yaml')).map((f) => f.replace(/\.in\.yaml$/, '')).sort();

async function loadCase(name: string): Promise<ResourceSnapshot> {
  const dir = tempDir('golden');
  copyFileSync(join(DATA, `${name}.in.yaml`), join(dir, `${name}.in.yaml`));
  const source = new DirectorySource({ dir, now: () => '2026-01-01T00:00:00Z' });
  const snapshot = await source.load();
  source.close();
  return snapshot;
}

function translateSnapshot(snapshot: ResourceSnapshot): Translation {
  // 192.0.2.0/24 (TEST-NET-1) stands for addresses the proxy's host does not have (AddressNotUsable).
  return translate(snapshot, { plugins: BUILTIN_PLUGINS, defaultBindAddress: '0.0.0.0', addressUsable: (a) => !a.startsWith('192.0.2.') });
}

async function translateCase(name: string): Promise<Translation> {
  return translateSnapshot(await loadCase(name));
}

/** The gateways' resources and provenance as plain data. */
function plain(t: Translation): unknown {
  return Object.fromEntries(Object.entries(t.gateways).map(([g, x]) => [g, { resources: x.resources, provenance: provenanceRecord(x.provenance) }]));
}

function check(file: string, actual: string): void {
  checkGolden(DATA, file, actual);
}

/** A static bootstrap with the case's resources inlined: what `envoy --mode validate` checks. */
function staticBootstrap(t: Translation, gateway: string): EnvoyMessage {
  const r = t.gateways[gateway]!.resources;
  const listeners = Object.values(r[XdsType.Listener]).map((l) => {
    const copy = structuredClone(l) as { filterChains?: Array<{ filters: Array<{ typedConfig: EnvoyMessage }> }> };
    for (const fc of copy.filterChains ?? []) {
      for (const f of fc.filters) {
        // Static validation: SDS over ADS becomes a static secret reference.
        const ts = (fc as { transportSocket?: { typedConfig: { commonTlsContext: { tlsCertificateSdsSecretConfigs?: Array<Record<string, unknown>> } } } }).transportSocket;
        for (const c of ts?.typedConfig.commonTlsContext.tlsCertificateSdsSecretConfigs ?? []) delete c['sdsConfig'];
        const rds = f.typedConfig['rds'] as { routeConfigName: string } | undefined;
        if (!rds) continue;
        delete f.typedConfig['rds'];
        f.typedConfig['routeConfig'] = r[XdsType.Route][rds.routeConfigName];
      }
    }
    return copy;
  });
  const clusters = Object.values(r[XdsType.Cluster]).map((c) => {
    const copy = structuredClone(c) as { transportSocket?: { typedConfig: { commonTlsContext: { tlsCertificateSdsSecretConfigs?: Array<Record<string, unknown>> } } } };
    // A client certificate over SDS becomes a static secret reference too.
    for (const s of copy.transportSocket?.typedConfig.commonTlsContext.tlsCertificateSdsSecretConfigs ?? []) delete s['sdsConfig'];
    return c['type'] === 'EDS' ? { ...copy, type: 'STATIC', edsClusterConfig: undefined, loadAssignment: r[XdsType.Endpoint][c['name'] as string] } : copy;
  });
  return { staticResources: { listeners, clusters: JSON.parse(JSON.stringify(clusters)), secrets: Object.values(r[XdsType.Secret]) } };
}

describe('golden translation', () => {
  const encoder = new StrictEncoder(envoyRoot());
  it.each(cases)('%s', async (name) => {
    const snapshot = await loadCase(name);
    const t = translateSnapshot(snapshot);
    const again = await translateCase(name);
    expect(render(plain(again)), 'translation must be deterministic').toBe(render(plain(t)));
    expect(render(redactedIr(again.ir)), 'the IR must be deterministic').toBe(render(redactedIr(t.ir)));
    expect(render(engineResources(t)), 'the engine must give what the whole-IR entry point gives').toBe(render(wholeIrResources(t, snapshot, BUILTIN_PLUGINS)));
    for (const [suffix, type] of Object.entries(OUTPUTS)) {
      const byGateway = Object.fromEntries(Object.entries(t.gateways).map(([g, x]) => [g, Object.values(x.resources[type])]));
      check(`${name}.${suffix}.yaml`, render(byGateway));
      for (const resources of Object.values(byGateway)) for (const res of resources) encoder.encode(type, res);
    }
    // Secrets are served, but their key material never appears in output.
    const secrets = Object.fromEntries(Object.entries(t.gateways).map(([g, x]) => [g, Object.keys(x.resources[XdsType.Secret])]));
    if (Object.values(secrets).some((list) => list.length)) check(`${name}.secrets.yaml`, render(secrets));
    for (const x of Object.values(t.gateways)) for (const res of Object.values(x.resources[XdsType.Secret])) encoder.encode(XdsType.Secret, res);
    check(`${name}.status.yaml`, render({ reports: t.reports, problems: t.problems }));
    const ir = render(redactedIr(t.ir));
    check(`${name}.ir.yaml`, ir);
    expect(render(t.reports)).not.toContain('PRIVATE KEY');
    expect(ir).not.toContain('PRIVATE KEY');
  });

  it.each(cases)('%s is accepted by envoy --mode validate', async (name) => {
    const t = await translateCase(name);
    const dir = tempDir('validate');
    for (const gateway of Object.keys(t.gateways)) {
      const file = join(dir, `${gateway.replace('/', '-')}.json`);
      writeFileSync(file, JSON.stringify(staticBootstrap(t, gateway)));
      try {
        execFileSync(envoyBinary(), ['--mode', 'validate', '-c', file, '-l', 'error', '--use-dynamic-base-id'], { encoding: 'utf8', stdio: 'pipe' });
      } catch (err) {
        const e = err as { stdout?: string; stderr?: string };
        throw new Error(`envoy refused ${name} (${gateway}):\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: err });
      }
    }
  });
});
