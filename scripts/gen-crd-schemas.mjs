// Regenerates the validation schemas Gatehouse ships:
// - libs/validation/src/generated/gateway-api.schemas.json from the official Gateway API CRDs
//   (sigs.k8s.io/gateway-api@<version>, experimental channel): every served version, its scope and whether it has
//   the status subresource (the apiserver drops `status` on create for those).
// - libs/validation/src/generated/core.schemas.json from Kubernetes' own OpenAPI v3 document
//   (k8s.io/kubernetes@<kube version> api/openapi-spec/v3): the core kinds Gatehouse reads (Service, EndpointSlice,
//   Secret, ConfigMap, Namespace) and ObjectMeta, as structural schemas of their Go types: every known field with its
//   JSON type, which is what the apiserver's strict decoder enforces. Semantic rules live in libs/validation/src/core.
// Needs Go (dev time only): both come from the Go module proxy; the product ships the generated JSON and never needs
// Go. Usage: node scripts/gen-crd-schemas.mjs [gateway-api version] [kubernetes version]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './lib/peers.mjs';

const version = process.argv[2] ?? 'v1.7.0';
const kubeVersion = process.argv[3] ?? 'v1.34.4';
const scratch = mkdtempSync(join(tmpdir(), 'gatehouse-crds-'));
// Gateway API v1.7's modules need Go 1.27: the go command fetches that toolchain from the module proxy (once).
const goEnv = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'go1.27.3' };
const goDownload = (mod) => JSON.parse(execFileSync('go', ['mod', 'download', '-json', mod], { cwd: scratch, encoding: 'utf8', env: goEnv }));

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

function gatewayApiSchemas() {
  const info = goDownload(`sigs.k8s.io/gateway-api@${version}`);
  // The experimental channel is a superset of standard (it adds e.g. HTTPRoute retry), which Gatehouse implements.
  const crdDir = join(info.Dir, 'config/crd/experimental');
  const schemas = {};
  for (const file of readdirSync(crdDir)
    .filter((f) => f.startsWith('gateway.networking.k8s.io_') && f.endsWith('.yaml'))
    .sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(crdDir, file), 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions) {
        if (!v.served) continue;
        schemas[`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`] = {
          scope: crd.spec.scope,
          ...(v.subresources?.status ? { statusSubresource: true } : {}),
          schema: strip(v.schema.openAPIV3Schema),
        };
      }
    }
  }
  const out = join(ROOT, 'libs/validation/src/generated/gateway-api.schemas.json');
  writeFileSync(out, JSON.stringify({ source: `sigs.k8s.io/gateway-api@${version} config/crd/experimental`, schemas }) + '\n');
  console.log(`wrote ${Object.keys(schemas).length} schemas (${Object.keys(schemas).join(', ')}) to ${out}`);
}

// Core kinds: the OpenAPI document describes Go types; these markers carry what the Go decoder checks beyond JSON types.
const SPECIAL = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { 'x-kubernetes-int-or-string': true },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { 'x-kubernetes-int-or-string': true, format: 'gatehouse:quantity' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: 'string', format: 'gatehouse:time' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': { type: 'string', format: 'gatehouse:microtime' },
  // Opaque JSON objects (server-side apply's field sets).
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1': { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
};
const FORMATS = { int32: 'gatehouse:int32', int64: 'gatehouse:int64', byte: 'gatehouse:bytes' };

function coreSchemas() {
  const info = goDownload(`k8s.io/kubernetes@${kubeVersion}`);
  const dir = join(info.Dir, 'api/openapi-spec/v3');
  const components = {};
  // Every kind these group versions can create (POST), so that e.g. a v1 Pod is "served, not validated" rather than
  // "no matches for kind".
  const served = {};
  for (const f of ['api__v1_openapi.json', 'apis__discovery.k8s.io__v1_openapi.json']) {
    const doc = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    Object.assign(components, doc.components.schemas);
    for (const [path, item] of Object.entries(doc.paths)) {
      const gvk = item.post?.['x-kubernetes-action'] === 'post' ? item.post['x-kubernetes-group-version-kind'] : undefined;
      if (!gvk || /\{name\}\//.test(path)) continue; // subresources (pods/eviction...) are not kinds one writes
      const gv = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      (served[gv] ??= new Set()).add(gvk.kind);
    }
  }
  const resolve = (name, depth) => {
    if (SPECIAL[name]) return { ...SPECIAL[name] };
    if (depth > 20) throw new Error(`schema nesting too deep at ${name}`);
    return convert(components[name], depth + 1);
  };
  const convert = (s, depth) => {
    if (s.$ref) return resolve(s.$ref.replace('#/components/schemas/', ''), depth);
    if (s.allOf?.length === 1 && s.allOf[0].$ref) return resolve(s.allOf[0].$ref.replace('#/components/schemas/', ''), depth);
    const out = {};
    if (s.type) out.type = s.type;
    if (s.format && FORMATS[s.format]) out.format = FORMATS[s.format];
    if (s.properties) {
      out.properties = {};
      for (const [k, v] of Object.entries(s.properties)) {
        // apiVersion and kind are checked against the kind being validated, not here.
        out.properties[k] = convert(v, depth);
      }
    }
    if (s.additionalProperties && typeof s.additionalProperties === 'object') out.additionalProperties = convert(s.additionalProperties, depth);
    if (s.items) out.items = convert(s.items, depth);
    if (s.type === 'object' && !s.properties && !s.additionalProperties)
      throw new Error(`an object without fields in ${JSON.stringify(s).slice(0, 200)}: decide how to decode it`);
    return out;
  };
  const kinds = {
    'v1/Service': ['io.k8s.api.core.v1.Service', 'Namespaced', true],
    'v1/Secret': ['io.k8s.api.core.v1.Secret', 'Namespaced', false],
    'v1/ConfigMap': ['io.k8s.api.core.v1.ConfigMap', 'Namespaced', false],
    'v1/Namespace': ['io.k8s.api.core.v1.Namespace', 'Cluster', true],
    'discovery.k8s.io/v1/EndpointSlice': ['io.k8s.api.discovery.v1.EndpointSlice', 'Namespaced', false],
  };
  const schemas = {};
  for (const [key, [name, scope, status]] of Object.entries(kinds)) {
    schemas[key] = { scope, ...(status ? { statusSubresource: true } : {}), schema: resolve(name, 0) };
  }
  const out = join(ROOT, 'libs/validation/src/generated/core.schemas.json');
  const objectMeta = resolve('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 0);
  writeFileSync(
    out,
    JSON.stringify({
      source: `k8s.io/kubernetes@${kubeVersion} api/openapi-spec/v3`,
      served: Object.fromEntries(Object.entries(served).map(([gv, k]) => [gv, [...k].sort()])),
      objectMeta,
      schemas,
    }) + '\n',
  );
  console.log(`wrote ${Object.keys(schemas).length} core schemas and ObjectMeta to ${out}`);
}

gatewayApiSchemas();
coreSchemas();
