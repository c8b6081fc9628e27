// The feature table (README.md, between markers) says exactly what Gatehouse claims (libs/api/src/features.ts), and the list
// names every feature of Gateway API v1.7.0 — checked against pkg/features of the module itself when the Go module
// cache has it (make dev-cluster and the CRD generator download it), else against the names recorded here.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GATEWAY_API_FEATURES, SUPPORTED_FEATURES, renderFeaturesTable } from '@gatehouse/api';
import { ROOT } from '../../scripts/lib/peers.mjs';

const README = join(ROOT, 'README.md');
const BEGIN = '<!-- features:begin (generated from libs/api/src/features.ts; make golden rewrites it) -->';
const END = '<!-- features:end -->';
const MODULE_FEATURES = join(process.env['GOMODCACHE'] ?? join(homedir(), 'go/pkg/mod'), 'sigs.k8s.io/gateway-api@v1.7.0/pkg/features');

/** Feature names and channels as pkg/features declares them: `SupportX FeatureName = "Name"` ... `{ Name: SupportX, Channel: FeatureChannelY }`. */
function upstreamFeatures(dir: string): Map<string, string> {
  const names = new Map<string, string>();
  const channels = new Map<string, string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))) {
    const src = readFileSync(join(dir, file), 'utf8');
    // Most are typed (`X FeatureName = "..."`), a few are untyped string constants in the same block.
    for (const m of src.matchAll(/^\s*(Support\w+)\s+(?:FeatureName\s+)?=\s+"([^"]+)"/gm)) names.set(m[1]!, m[2]!);
    for (const m of src.matchAll(/Name:\s+(\w+),\s*\n\s*Channel:\s+FeatureChannel(\w+)/g)) channels.set(m[1]!, m[2]!.toLowerCase());
  }
  return new Map([...names].map(([constant, name]) => [name, channels.get(constant) ?? '?']));
}

describe('Gateway API features', () => {
  it("README's feature table is the table of what Gatehouse claims", () => {
    // The rendered document without its own title: README gives the section its heading.
    const table = renderFeaturesTable().replace(/^# .*\n+/, '');
    const readme = readFileSync(README, 'utf8');
    const at = readme.indexOf(BEGIN);
    const end = readme.indexOf(END);
    expect(at >= 0 && end > at, `README.md has no ${BEGIN} ... ${END} section`).toBe(true);
    const current = readme.slice(at + BEGIN.length + 1, end);
    if (process.env['UPDATE_GOLDEN'] === '1' && current !== table) writeFileSync(README, readme.slice(0, at + BEGIN.length + 1) + table + readme.slice(end));
    else expect(current, "README.md's feature table differs from libs/api/src/features.ts (run \"make golden\")").toBe(table);
    for (const name of SUPPORTED_FEATURES) expect(table).toContain(`| \`${name}\` |`);
  });

  it('lists every v1.7.0 feature once, with its channel', () => {
    const names = GATEWAY_API_FEATURES.map((x) => x.name);
    expect(new Set(names).size).toBe(names.length);
    if (existsSync(MODULE_FEATURES)) {
      const upstream = upstreamFeatures(MODULE_FEATURES);
      expect([...names].sort()).toEqual([...upstream.keys()].sort());
      for (const x of GATEWAY_API_FEATURES) expect(`${x.name} ${x.channel}`).toBe(`${x.name} ${upstream.get(x.name)}`);
    } else {
      expect(names).toHaveLength(64);
    }
  });
});
