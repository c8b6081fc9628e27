// Generates libs/plugin-sdk/src/generated/envoy-filters.ts: TypeScript interfaces for the Envoy HTTP filter
// configurations the SDK knows, walked from the official v3 protos (protobufjs reflection of the proto set that
// @grpc/grpc-js-xds ships), and typed builders (`httpFilter`, `typedConfig`). No hand-written Envoy shapes.
//
//   node scripts/sdk/gen-envoy-filters.mjs           writes the file
//   node scripts/sdk/gen-envoy-filters.mjs --stdout  prints it (the SDK test compares it with the checked-in file)
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const protobuf = require('protobufjs');

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = join(ROOT, 'libs/plugin-sdk/src/generated/envoy-filters.ts');

const HTTP = 'envoy/extensions/filters/http';
/** The HTTP filters the SDK types: the filter's canonical name, its proto file, its config and per-route types. */
export const FILTERS = [
  { name: 'envoy.filters.http.router', file: `${HTTP}/router/v3/router.proto`, config: 'envoy.extensions.filters.http.router.v3.Router' },
  {
    name: 'envoy.filters.http.cors',
    file: `${HTTP}/cors/v3/cors.proto`,
    config: 'envoy.extensions.filters.http.cors.v3.Cors',
    perRoute: 'envoy.extensions.filters.http.cors.v3.CorsPolicy',
  },
  {
    name: 'envoy.filters.http.rbac',
    file: `${HTTP}/rbac/v3/rbac.proto`,
    config: 'envoy.extensions.filters.http.rbac.v3.RBAC',
    perRoute: 'envoy.extensions.filters.http.rbac.v3.RBACPerRoute',
  },
  {
    name: 'envoy.filters.http.lua',
    file: `${HTTP}/lua/v3/lua.proto`,
    config: 'envoy.extensions.filters.http.lua.v3.Lua',
    perRoute: 'envoy.extensions.filters.http.lua.v3.LuaPerRoute',
  },
  {
    name: 'envoy.filters.http.ext_authz',
    file: `${HTTP}/ext_authz/v3/ext_authz.proto`,
    config: 'envoy.extensions.filters.http.ext_authz.v3.ExtAuthz',
    perRoute: 'envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute',
  },
  {
    name: 'envoy.filters.http.local_ratelimit',
    file: `${HTTP}/local_ratelimit/v3/local_rate_limit.proto`,
    config: 'envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
    perRoute: 'envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
  },
  {
    name: 'envoy.filters.http.ratelimit',
    file: `${HTTP}/ratelimit/v3/rate_limit.proto`,
    config: 'envoy.extensions.filters.http.ratelimit.v3.RateLimit',
    perRoute: 'envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute',
  },
  {
    name: 'envoy.filters.http.jwt_authn',
    file: `${HTTP}/jwt_authn/v3/config.proto`,
    config: 'envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication',
    perRoute: 'envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig',
  },
  {
    name: 'envoy.filters.http.fault',
    file: `${HTTP}/fault/v3/fault.proto`,
    config: 'envoy.extensions.filters.http.fault.v3.HTTPFault',
    perRoute: 'envoy.extensions.filters.http.fault.v3.HTTPFault',
  },
  {
    name: 'envoy.filters.http.header_mutation',
    file: `${HTTP}/header_mutation/v3/header_mutation.proto`,
    config: 'envoy.extensions.filters.http.header_mutation.v3.HeaderMutation',
    perRoute: 'envoy.extensions.filters.http.header_mutation.v3.HeaderMutationPerRoute',
  },
  {
    name: 'envoy.filters.http.compressor',
    file: `${HTTP}/compressor/v3/compressor.proto`,
    config: 'envoy.extensions.filters.http.compressor.v3.Compressor',
    perRoute: 'envoy.extensions.filters.http.compressor.v3.CompressorPerRoute',
  },
  {
    name: 'envoy.filters.http.buffer',
    file: `${HTTP}/buffer/v3/buffer.proto`,
    config: 'envoy.extensions.filters.http.buffer.v3.Buffer',
    perRoute: 'envoy.extensions.filters.http.buffer.v3.BufferPerRoute',
  },
  {
    name: 'envoy.filters.http.csrf',
    file: `${HTTP}/csrf/v3/csrf.proto`,
    config: 'envoy.extensions.filters.http.csrf.v3.CsrfPolicy',
    perRoute: 'envoy.extensions.filters.http.csrf.v3.CsrfPolicy',
  },
  { name: 'envoy.filters.http.grpc_web', file: `${HTTP}/grpc_web/v3/grpc_web.proto`, config: 'envoy.extensions.filters.http.grpc_web.v3.GrpcWeb' },
  {
    name: 'envoy.filters.http.aws_lambda',
    file: `${HTTP}/aws_lambda/v3/aws_lambda.proto`,
    config: 'envoy.extensions.filters.http.aws_lambda.v3.Config',
    perRoute: 'envoy.extensions.filters.http.aws_lambda.v3.PerRouteConfig',
  },
];
/** Typed extensions the filters above take inside an Any (compressor libraries). */
export const EXTRA_TYPES = [
  { file: 'envoy/extensions/compression/gzip/compressor/v3/gzip.proto', type: 'envoy.extensions.compression.gzip.compressor.v3.Gzip' },
  { file: 'envoy/extensions/compression/brotli/compressor/v3/brotli.proto', type: 'envoy.extensions.compression.brotli.compressor.v3.Brotli' },
];

function includeDirs() {
  const deps = join(dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
  return [
    join(deps, 'envoy-api'),
    join(deps, 'xds'),
    join(deps, 'googleapis'),
    join(deps, 'protoc-gen-validate'),
    dirname(require.resolve('protobufjs/package.json')),
  ];
}

function loadRoot() {
  const dirs = includeDirs();
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => {
    if (existsSync(target)) return target;
    for (const d of dirs) if (existsSync(join(d, target))) return join(d, target);
    return target;
  };
  root.loadSync([...FILTERS.map((f) => f.file), ...EXTRA_TYPES.map((t) => t.file)], { keepCase: false, alternateCommentMode: true });
  root.resolveAll();
  return root;
}

const WRAPPER_SCALAR = {
  DoubleValue: 'number',
  FloatValue: 'number',
  Int64Value: 'number | string',
  UInt64Value: 'number | string',
  Int32Value: 'number',
  UInt32Value: 'number',
  BoolValue: 'boolean',
  StringValue: 'string',
  BytesValue: 'string | Uint8Array',
};
const SCALAR = {
  string: 'string',
  bool: 'boolean',
  bytes: 'string | Uint8Array',
  double: 'number',
  float: 'number',
  int32: 'number',
  uint32: 'number',
  sint32: 'number',
  fixed32: 'number',
  sfixed32: 'number',
  int64: 'number | string',
  uint64: 'number | string',
  sint64: 'number | string',
  fixed64: 'number | string',
  sfixed64: 'number | string',
};

/** `envoy.config.rbac.v3.Permission.Set` → `EnvoyConfigRbacV3Permission_Set` (package PascalCase, nesting by `_`). */
function tsName(t) {
  const full = t.fullName.slice(1);
  const parts = [];
  for (let p = t; p && !(p instanceof protobuf.Root); p = p.parent) parts.unshift(p);
  const types = parts.filter((p) => p instanceof protobuf.Type || p instanceof protobuf.Enum).map((p) => p.name);
  const pkg = full.split('.').slice(0, full.split('.').length - types.length);
  const pascal = (s) =>
    s
      .split('_')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('');
  return pkg.map(pascal).join('') + types.join('_');
}

/** A comment's first paragraph, without Envoy's doc markup, safe inside a JSDoc block. */
function doc(comment, extra = []) {
  const lines = [];
  if (comment) {
    const text = comment
      .replace(/\[#[^\]]*\]/g, '')
      .replace(/:ref:`([^`<]*?)\s*<[^>]*>`/g, '$1')
      .replace(/:ref:`([^`]*)`/g, '$1')
      .replace(/\*\//g, '* /');
    const para = text
      .split(/\n\s*\n/)[0]
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join(' ');
    if (para) lines.push(para.length > 300 ? `${para.slice(0, 297)}...` : para);
  }
  lines.push(...extra);
  if (!lines.length) return [];
  return lines.length === 1 ? [`/** ${lines[0]} */`] : ['/**', ...lines.map((l) => ` * ${l}`), ' */'];
}

function generate() {
  const root = loadRoot();
  const wanted = [...FILTERS.flatMap((f) => [f.config, f.perRoute].filter(Boolean)), ...EXTRA_TYPES.map((t) => t.type)];
  const seen = new Map(); // fullName → reflection object
  const queue = wanted.map((n) => root.lookupType(n));
  while (queue.length) {
    const t = queue.pop();
    const key = t.fullName;
    if (seen.has(key)) continue;
    seen.set(key, t);
    if (t instanceof protobuf.Enum) continue;
    if (special(t)) continue;
    for (const f of t.fieldsArray) {
      const rt = f.resolvedType;
      if (rt && !seen.has(rt.fullName)) queue.push(rt);
    }
  }
  const out = [];
  out.push("// Generated by scripts/sdk/gen-envoy-filters.mjs from Envoy's v3 protos (@grpc/grpc-js-xds deps); do not edit.");
  out.push('// Regenerate with `make sdk` (or `node scripts/sdk/gen-envoy-filters.mjs`); a test checks the file is current.');
  out.push('/* eslint-disable @typescript-eslint/no-empty-object-type */');
  out.push("import { typed, type EnvoyMessage } from '../envoy.js';");
  out.push('');
  out.push("/** A `google.protobuf.Any`: the message's fields beside its type URL (`typed()` builds one). */");
  out.push("export type EnvoyAny = { '@type': string; [field: string]: unknown };");
  out.push("/** A `google.protobuf.Duration`: `'1.5s'`, `'250ms'`... or seconds and nanos. */");
  out.push('export type EnvoyDuration = string | { seconds?: number | string; nanos?: number };');
  out.push('');
  const names = [...seen.values()].filter((t) => !special(t)).sort((a, b) => (tsName(a) < tsName(b) ? -1 : tsName(a) > tsName(b) ? 1 : 0));
  for (const t of names) {
    if (t instanceof protobuf.Enum) {
      out.push(...doc(t.comment, [`Proto enum \`${t.fullName.slice(1)}\`: a value's name or number.`]));
      out.push(
        `export type ${tsName(t)} = ${Object.keys(t.values)
          .map((v) => `'${v}'`)
          .join(' | ')} | number;`,
      );
      out.push('');
      continue;
    }
    out.push(...doc(t.comment, [`Proto message \`${t.fullName.slice(1)}\`.`]));
    const fields = [...t.fieldsArray].sort((a, b) => a.id - b.id);
    if (!fields.length) {
      out.push(`export interface ${tsName(t)} {}`);
      out.push('');
      continue;
    }
    out.push(`export interface ${tsName(t)} {`);
    for (const f of fields) {
      const notes = [];
      if (f.partOf && f.partOf.fieldsArray.length > 1) notes.push(`Oneof \`${f.partOf.name}\`: set at most one of its ${f.partOf.fieldsArray.length} fields.`);
      if (f.options?.deprecated) notes.push('@deprecated');
      out.push(...doc(f.comment, notes).map((l) => `  ${l}`));
      out.push(`  ${f.name}?: ${fieldType(f)};`);
    }
    out.push('}');
    out.push('');
  }
  out.push('/** Every configuration type above by its proto name (what `typedConfig` and `httpFilter` accept). */');
  out.push('export interface EnvoyTypes {');
  for (const n of [...new Set(wanted)].sort()) out.push(`  '${n}': ${tsName(root.lookupType(n))};`);
  out.push('}');
  out.push('');
  out.push('/** The HTTP filters the SDK types: canonical name → its config type, per-route type and proto file (for `protos.envoy`). */');
  out.push('export const ENVOY_HTTP_FILTERS = {');
  for (const f of [...FILTERS].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    out.push(`  '${f.name}': { config: '${f.config}', ${f.perRoute ? `perRoute: '${f.perRoute}', ` : ''}proto: '${f.file}' },`);
  }
  out.push('} as const;');
  out.push('');
  out.push("/** The proto file of each type in `EnvoyTypes`, to list in a plugin's `protos.envoy`. */");
  out.push('export const ENVOY_TYPE_PROTOS: { readonly [T in keyof EnvoyTypes]: string } = {');
  const protoOf = new Map([
    ...FILTERS.flatMap((f) => [[f.config, f.file], ...(f.perRoute ? [[f.perRoute, f.file]] : [])]),
    ...EXTRA_TYPES.map((t) => [t.type, t.file]),
  ]);
  for (const n of [...protoOf.keys()].sort()) out.push(`  '${n}': '${protoOf.get(n)}',`);
  out.push('};');
  out.push('');
  out.push(`/**
 * A typed \`google.protobuf.Any\` of a known Envoy configuration type.
 *
 * @example
 * typedConfig('envoy.extensions.filters.http.rbac.v3.RBACPerRoute', { rbac: { rules: { action: 'DENY' } } })
 */
export function typedConfig<T extends keyof EnvoyTypes>(typeName: T, config: EnvoyTypes[T]): EnvoyMessage {
  return typed(typeName, config as EnvoyMessage);
}

/**
 * An \`HttpFilter\` of the HTTP connection manager, its config typed by the proto type name. Put it in a
 * \`StagedHttpFilter\` from a plugin's \`httpFilters\` hook, and list the type's proto in \`protos.envoy\`
 * (\`ENVOY_TYPE_PROTOS[typeName]\`) unless Gatehouse already encodes it.
 *
 * @example
 * httpFilter('envoy.filters.http.rbac', 'envoy.extensions.filters.http.rbac.v3.RBAC', { rules: { action: 'ALLOW', policies: {} } })
 */
export function httpFilter<T extends keyof EnvoyTypes>(name: string, typeName: T, config: EnvoyTypes[T], options: { disabled?: boolean; isOptional?: boolean } = {}): EnvoyMessage & { name: string } {
  return { name, typedConfig: typedConfig(typeName, config), ...options };
}
`);
  return out.join('\n');
}

function special(t) {
  const n = t.fullName;
  return (
    n === '.google.protobuf.Any' ||
    n === '.google.protobuf.Duration' ||
    n === '.google.protobuf.Struct' ||
    n === '.google.protobuf.Value' ||
    n === '.google.protobuf.ListValue' ||
    (n.startsWith('.google.protobuf.') && n.slice(17) in WRAPPER_SCALAR)
  );
}

function singleType(f) {
  const rt = f.resolvedType;
  if (!rt) return SCALAR[f.type] ?? 'unknown';
  const n = rt.fullName;
  if (n === '.google.protobuf.Any') return 'EnvoyAny';
  if (n === '.google.protobuf.Duration') return 'EnvoyDuration';
  if (n === '.google.protobuf.Struct') return 'Record<string, unknown>';
  if (n === '.google.protobuf.Value') return 'unknown';
  if (n === '.google.protobuf.ListValue') return 'unknown[]';
  if (n.startsWith('.google.protobuf.') && n.slice(17) in WRAPPER_SCALAR) {
    const s = WRAPPER_SCALAR[n.slice(17)];
    return `${s} | { value?: ${s} }`;
  }
  return tsName(rt);
}

function fieldType(f) {
  const single = singleType(f);
  if (f.map) return `Record<string, ${single}>`;
  if (f.repeated) return single.includes('|') || single.includes('{') ? `Array<${single}>` : `${single}[]`;
  return single;
}

const text = generate();
if (process.argv.includes('--stdout')) process.stdout.write(text);
else {
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, text);
  console.log(`wrote ${OUT.slice(ROOT.length + 1)} (${text.split('\n').length} lines)`);
}
