// Apiserver-grade validation for standalone mode: what `kubectl create --validate=strict` against a v1.34 apiserver
// with the bundled CRDs would refuse, Gatehouse refuses too, with the field path and the apiserver's message; what
// it accepts (after dropping nulls, defaulting, discarding status), Gatehouse accepts in the same shape.
//
// The steps mirror the apiserver's: decode (unknown fields, JSON types, metadata), defaults, PrepareForCreate
// (status dropped, a cluster-scoped object's namespace cleared), then validation (metadata, schema or the built-in
// kind's rules, list types, and CEL rules unless an earlier error blocks them). Every step is bounded: the object's
// shape is checked first without recursion (depth, size), then each walk follows the schema.
import type { KubeObject } from '@gatehouse/api';
import { hasRules, runRules } from './cel-rules.js';
import { CORE_KINDS, OBJECT_META_SCHEMA } from './core/index.js';
import { decodeNative, unknownFields } from './decode.js';
import { applyDefaults, pruneNulls } from './defaults.js';
import { formatError, isBlocking, type FieldError } from './errors.js';
import { checkShape, cloneJson } from './limits.js';
import { checkListTypes } from './list-type.js';
import { NAME_IS_DNS_SUBDOMAIN } from './names.js';
import { validateObjectMeta, type MetaRules } from './object-meta.js';
import { isPlainObject, type KindSchema, type Schema } from './schema.js';
import { resolveKind } from './served.js';
import { validateSchema } from './validate.js';
import bundle from './generated/gateway-api.schemas.json' with { type: 'json' };

export { formatError, quote, type FieldError } from './errors.js';
export { validateSchema } from './validate.js';
export { applyDefaults } from './defaults.js';
export type { Schema, KindSchema } from './schema.js';
export { GATEHOUSE_SCHEMAS } from './gatehouse-schemas.js';
export { resolveKind, parseApiVersion, servedVersions, KNOWN_GROUPS, type KindResolution } from './served.js';
export { MAX_NESTING_DEPTH, MAX_VALUES } from './limits.js';
export { CEL_BUDGET } from './cel-rules.js';
export { registerPluginKinds, unregisterPluginKinds, pluginCrds, PluginKindError, type PluginWithKinds } from './plugin-kinds.js';
export { checkPluginCrd, type CheckedCrd } from './plugin-crd.js';

export const SCHEMA_SOURCE = (bundle as { source: string }).source;

/** The schema Gatehouse validates apiVersion/kind with (CRD or built-in), if any. */
export function schemaFor(apiVersion: string, kind: string): KindSchema | undefined {
  const r = resolveKind(apiVersion, kind);
  return r.status === 'validated' ? r.schema : undefined;
}

export interface ValidationResult {
  /** The object as the apiserver would store it: nulls dropped, defaults applied, status discarded (a copy). */
  object: KubeObject;
  errors: FieldError[];
  /**
   * True when Gatehouse validated the kind fully. False for a kind it has no schema for (a group it does not know,
   * or a built-in kind such as v1 Pod it does not read): then only metadata was checked. A kind at a version its
   * group does not serve is an error, not unchecked; see resolveKind to tell these apart.
   */
  schemaChecked: boolean;
}

const NOT_CHECKED = 'null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

/** Most errors one object reports (an object with 100,000 unknown fields says so once, not 100,000 times). */
export const MAX_ERRORS = 1000;

export interface ValidateOptions {
  /**
   * Accept EndpointSlice addresses in the loopback range (default true). The apiserver refuses them because no pod
   * lives there; in standalone mode backends on this machine (127.0.0.1) are the common case. Set false for the
   * apiserver's exact verdict.
   */
  loopbackEndpoints?: boolean;
}

const LOOPBACK = 'may not be in the loopback range (127.0.0.0/8, ::1/128)';

/** Validates (and defaults) one object as the apiserver would on create (see ValidateOptions). Never throws. */
export function validateObject(input: KubeObject, options: ValidateOptions = {}): ValidationResult {
  const r = validate(input);
  if (options.loopbackEndpoints !== false && input.kind === 'EndpointSlice')
    r.errors = r.errors.filter((e) => !(e.message.endsWith(LOOPBACK) && /^endpoints\[\d+\]\.addresses\[\d+\]$/.test(e.path)));
  if (r.errors.length > MAX_ERRORS) {
    const more = r.errors.length - MAX_ERRORS;
    r.errors = [...r.errors.slice(0, MAX_ERRORS), { path: '<root>', type: 'Invalid value', message: `and ${more} more errors` }];
  }
  return r;
}

function validate(input: KubeObject): ValidationResult {
  const shape = checkShape(input);
  if (shape) return { object: input, errors: [shape], schemaChecked: false };
  if (!isPlainObject(input))
    return { object: input, errors: [{ path: '<root>', type: 'Invalid value', message: 'an object must be a mapping' }], schemaChecked: false };
  const object = cloneJson(input) as KubeObject & Record<string, unknown>;
  for (const f of ['apiVersion', 'kind'] as const) {
    if (typeof object[f] !== 'string' || !object[f])
      return { object, errors: [{ path: f, type: 'Required value', message: 'must be a non-empty string' }], schemaChecked: false };
  }
  const r = resolveKind(object.apiVersion, object.kind);
  if (r.status === 'unserved') {
    const hint = r.served.length ? ` (served: ${r.served.join(', ')})` : '';
    return { object, errors: [{ path: 'apiVersion', type: 'Unsupported value', message: `${r.message}${hint}` }], schemaChecked: false };
  }

  // Decoding: metadata always decodes into ObjectMeta; the rest by the kind's schema.
  const errors: FieldError[] = [];
  const unknown: string[] = [];
  const builtIn = r.status === 'validated' && r.builtIn;
  if (builtIn) decodeNative(r.schema.schema, object, '', errors, unknown, object.kind === 'Secret');
  else if (object.metadata !== undefined) decodeNative(OBJECT_META_SCHEMA, object.metadata, 'metadata', errors, unknown);
  if (r.status === 'validated' && !builtIn) errors.push(...unknownFields(r.schema.schema, object));
  errors.push(...unknown.sort().map((p) => ({ path: p, type: 'Invalid value', message: `unknown field "${p}"` })));
  if (errors.length) return { object, errors, schemaChecked: r.status === 'validated' };

  if (r.status !== 'validated') {
    const meta = isPlainObject(object.metadata) ? object.metadata : {};
    errors.push(...validateObjectMeta(meta, { nameRule: NAME_IS_DNS_SUBDOMAIN, namespaced: 'optional', builtIn: r.status === 'unvalidated' }));
    return { object, errors, schemaChecked: false };
  }

  const ks = r.schema;
  if (!builtIn) {
    pruneNulls(ks.schema, object);
    applyDefaults(ks.schema, object);
  }
  // PrepareForCreate / BeforeCreate.
  if (ks.statusSubresource) delete object['status'];
  if (ks.scope === 'Cluster' && isPlainObject(object.metadata)) delete object.metadata['namespace'];

  const meta = isPlainObject(object.metadata) ? object.metadata : {};
  const core = builtIn ? CORE_KINDS.get(`${object.apiVersion}/${object.kind}`) : undefined;
  const rules: MetaRules = { nameRule: core?.nameRule ?? NAME_IS_DNS_SUBDOMAIN, namespaced: ks.scope === 'Namespaced', builtIn };
  errors.push(...validateObjectMeta(meta, rules));
  if (core) {
    errors.push(...core.validate(object));
    return { object, errors, schemaChecked: true };
  }
  const { metadata: _m, ...rest } = object;
  validateSchema(withoutMetadata(ks), { ...rest, metadata: {} }, '', errors);
  checkListTypes(ks.schema, rest, '', errors);
  if (errors.some(isBlocking)) {
    if (hasRules(ks.schema)) errors.push({ path: '<nil>', type: 'Invalid value', message: NOT_CHECKED });
  } else runRules(ks.schema, rest, '', errors);
  return { object, errors, schemaChecked: true };
}

// metadata was validated as ObjectMeta above: the CRD schema sees an empty object there (built once per kind).
const rootSchemas = new WeakMap<KindSchema, Schema>();
function withoutMetadata(ks: KindSchema): Schema {
  let s = rootSchemas.get(ks);
  if (!s) rootSchemas.set(ks, (s = { ...ks.schema, properties: { ...ks.schema.properties, metadata: { type: 'object' } } }));
  return s;
}

export function describeErrors(errors: FieldError[]): string {
  return errors.map(formatError).join('; ');
}
