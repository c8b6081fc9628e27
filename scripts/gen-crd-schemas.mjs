// Regenerates libs/validation/src/generated/gateway-api.schemas.json from the official Gateway API CRDs.
// Needs Go (dev time only): the CRDs come from the Go module sigs.k8s.io/gateway-api@<version>; the product ships
// the generated JSON and never needs Go. Usage: node scripts/gen-crd-schemas.mjs [version]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './lib/peers.mjs';

const version = process.argv[2] ?? 'v1.6.1';
const scratch = mkdtempSync(join(tmpdir(), 'gatehouse-crds-'));
const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', `sigs.k8s.io/gateway-api@${version}`], { cwd: scratch, encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod' } }));
// The experimental channel is a superset of standard (it adds e.g. HTTPRoute retry), which Gatehouse implements.
const crdDir = join(info.Dir, 'config/crd/experimental');

/** Drops descriptions (documentation, not validation) to keep the bundle small. */
function strip(schema) {
  if (Array.isArray(schema)) return schema.map(strip);
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'description') continue;
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, strip(s)])) : strip(v);
  }
  return out;
}

const schemas = {};
for (const file of readdirSync(crdDir).filter((f) => f.startsWith('gateway.networking.k8s.io_') && f.endsWith('.yaml')).sort()) {
  for (const doc of parseAllDocuments(readFileSync(join(crdDir, file), 'utf8'))) {
    const crd = doc.toJS();
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    for (const v of crd.spec.versions) {
      if (!v.served) continue;
      schemas[`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`] = { scope: crd.spec.scope, schema: strip(v.schema.openAPIV3Schema) };
    }
  }
}
const out = join(ROOT, 'libs/validation/src/generated/gateway-api.schemas.json');
writeFileSync(out, JSON.stringify({ source: `sigs.k8s.io/gateway-api@${version} config/crd/experimental`, schemas }) + '\n');
console.log(`wrote ${Object.keys(schemas).length} schemas (${Object.keys(schemas).join(', ')}) to ${out}`);
