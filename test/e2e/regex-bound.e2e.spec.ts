// Gatehouse's RE2 program-size estimate must never be below the real Envoy's count, so a regex Gatehouse
// accepts is never NACKed for size. Envoy's own error message reports its exact count.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRegex, estimateProgramSize } from '../../libs/translator/src/regex.js';
import { tempDir } from '../harness/config.js';
import { envoyBinary } from '../harness/peers.js';

const CORPUS = [
  '/a',
  '.*',
  '/api/v[0-9]+/items',
  '^/users/[^/]+/orders/[0-9]{1,8}$',
  '(foo|bar|baz)+/qux',
  '[a-z]{1,30}',
  '(a|b|c|d|e|f|g)*x{2,5}',
  '(?i)/case',
  '\\d+\\.\\d+',
  '[[:alpha:]]+',
  'x{90}',
  '(abc){5,10}',
  '[^a-f0-9]*end',
  '^[a-f0-9]{8}$',
  '/items/[0-9]+',
  '(?:ab|cd)*ef',
  '^/(en|fr|de)/docs(/.*)?$',
  '\\w+@\\w+\\.com',
  '[0-9]{2,4}-[0-9]{2}',
  '(?s)a.b',
  'é+',
  '^$',
  'a|b|c|d|e|f|g|h|i|j',
  '[a-zA-Z0-9_-]{3,16}',
  '/api/.*/v[0-9]/.*',
  '[^a-z]+',
  '(?i)[a-z]+[0-9]',
  '\\p{Greek}+',
  '[α-ω]{2}',
  '(?i)hello world',
  '[^/]+/[^/]+',
  'a{2,6}b{1,3}',
  '(x|yz)?w+',
];

function envoyProgramSize(dir: string, regex: string): number {
  const file = join(dir, 'regex.json');
  const hcm = {
    '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
    statPrefix: 's',
    httpFilters: [{ name: 'envoy.filters.http.router', typedConfig: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } }],
    routeConfig: { virtualHosts: [{ name: 'v', domains: ['*'], routes: [{ match: { safeRegex: { regex } }, directResponse: { status: 200 } }] }] },
  };
  writeFileSync(
    file,
    JSON.stringify({
      // error level 0: Envoy refuses every regex and says how big it is
      layeredRuntime: { layers: [{ name: 'r', staticLayer: { 're2.max_program_size.error_level': 0 } }] },
      staticResources: {
        listeners: [
          { name: 'l', address: { socketAddress: { address: '127.0.0.1', portValue: 1 } }, filterChains: [{ filters: [{ name: 'h', typedConfig: hcm }] }] },
        ],
      },
    }),
  );
  try {
    execFileSync(envoyBinary(), ['--mode', 'validate', '-c', file, '--use-dynamic-base-id', '-l', 'critical'], { stdio: 'pipe' });
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    const m = /program size of (\d+)/.exec(`${e.stdout}${e.stderr}`);
    if (m) return Number(m[1]);
    throw new Error(`envoy did not report a program size for ${regex}: ${e.stdout}${e.stderr}`, { cause: err });
  }
  throw new Error(`envoy accepted ${regex} at error level 0`);
}

describe('RE2 program-size bound', () => {
  const dir = tempDir('regex');
  it.each(CORPUS)('estimate ≥ Envoy for %s', (regex) => {
    const envoy = envoyProgramSize(dir, regex);
    const estimate = estimateProgramSize(regex);
    console.log(`${regex.padEnd(28)} envoy ${String(envoy).padStart(4)}  estimate ${String(estimate).padStart(4)}`);
    expect(estimate).toBeGreaterThanOrEqual(envoy);
    expect(checkRegex(regex, envoy - 1).ok, "refused when the bound is below Envoy's count").toBe(false);
  });
});
