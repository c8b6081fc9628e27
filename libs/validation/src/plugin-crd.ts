// A plugin's CustomResourceDefinition, checked before its kind is registered: what the apiserver would refuse when
// the CRD is applied (names, versions, a structural schema, CEL rules that compile) is refused at plugin load, with
// the field path, so a plugin never validates its objects with a schema a cluster would not accept.
import { compileError } from './cel.js';
import { quote, type FieldError } from './errors.js';
import { dns1035Label, dns1123Subdomain } from './names.js';
import { matchesPattern } from './patterns.js';
import { isPlainObject, type KindSchema, type Schema } from './schema.js';

/** What registration needs from a CRD that passed the checks. */
export interface CheckedCrd {
  group: string;
  kind: string;
  plural: string;
  scope: 'Namespaced' | 'Cluster';
  /** Served versions, the storage version first, each with its schema. */
  versions: Array<{ name: string; schema: KindSchema }>;
}

const KIND_NAME = /^[A-Z][A-Za-z0-9]{0,62}$/;
const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);
/** Keywords a structural schema may use (kube-openapi's JSONSchemaProps that CRDs allow), documentation included. */
const KEYWORDS = new Set([
  'type',
  'properties',
  'additionalProperties',
  'items',
  'required',
  'enum',
  'default',
  'pattern',
  'format',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'nullable',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'description',
  'title',
  'example',
  'externalDocs',
  'x-kubernetes-validations',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string',
]);
const MAX_SCHEMA_DEPTH = 64;

/** Checks a CRD as a plugin ships it; `errors` is empty when it can be registered. */
export function checkPluginCrd(crd: unknown, attach: 'targetRefs' | 'extensionRef'): { crd?: CheckedCrd; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const err = (path: string, message: string, type = 'Invalid value') => errors.push({ path, type, message });
  if (!isPlainObject(crd))
    return {
      errors: [
        { path: '<root>', type: 'Invalid value', message: 'a CRD must be a mapping (parsed YAML of an apiextensions.k8s.io/v1 CustomResourceDefinition)' },
      ],
    };
  if (crd['apiVersion'] !== 'apiextensions.k8s.io/v1') err('apiVersion', `must be "apiextensions.k8s.io/v1", not ${quote(String(crd['apiVersion']))}`);
  if (crd['kind'] !== 'CustomResourceDefinition') err('kind', `must be "CustomResourceDefinition", not ${quote(String(crd['kind']))}`);
  const spec = isPlainObject(crd['spec']) ? crd['spec'] : undefined;
  if (!spec) {
    err('spec', 'a CRD needs a spec', 'Required value');
    return { errors };
  }
  const group = typeof spec['group'] === 'string' ? spec['group'] : '';
  if (!group) err('spec.group', 'must be the API group, e.g. "policies.example.com"', 'Required value');
  else {
    for (const m of dns1123Subdomain(group)) err('spec.group', `${quote(group)}: ${m}`);
    if (!group.includes('.')) err('spec.group', `${quote(group)}: should be a domain with at least one dot`);
    if (/(^|\.)(k8s\.io|kubernetes\.io)$/.test(group))
      err('spec.group', `${quote(group)}: the Kubernetes API groups are not for plugins; use a domain of your own`);
  }
  const names = isPlainObject(spec['names']) ? spec['names'] : {};
  const kind = typeof names['kind'] === 'string' ? names['kind'] : '';
  const plural = typeof names['plural'] === 'string' ? names['plural'] : '';
  if (!KIND_NAME.test(kind)) err('spec.names.kind', `${quote(kind)}: must be a kind name (a capital letter, then letters and digits, at most 63)`);
  if (!plural) err('spec.names.plural', 'the plural resource name, e.g. "headerpolicies"', 'Required value');
  else {
    for (const m of dns1035Label(plural)) err('spec.names.plural', `${quote(plural)}: ${m}`);
    if (plural !== plural.toLowerCase()) err('spec.names.plural', `${quote(plural)}: must be lower case`);
  }
  const metaName = isPlainObject(crd['metadata']) && typeof crd['metadata']['name'] === 'string' ? crd['metadata']['name'] : '';
  if (group && plural && metaName !== `${plural}.${group}`)
    err('metadata.name', `must be spec.names.plural + "." + spec.group: "${plural}.${group}", not ${quote(metaName)}`);
  const scope = spec['scope'];
  if (scope !== 'Namespaced' && scope !== 'Cluster') err('spec.scope', `must be "Namespaced" or "Cluster", not ${quote(String(scope))}`);
  else if (attach === 'targetRefs' && scope !== 'Namespaced')
    err('spec.scope', 'a policy kind (attach: targetRefs) is Namespaced: it targets resources of its own namespace (GEP-713)');

  const versions: CheckedCrd['versions'] = [];
  const list = Array.isArray(spec['versions']) ? spec['versions'] : [];
  if (list.length === 0)
    err('spec.versions', 'at least one version, e.g. { name: v1alpha1, served: true, storage: true, schema: { openAPIV3Schema: ... } }', 'Required value');
  let storage = 0;
  for (const [i, v] of list.entries()) {
    const at = `spec.versions[${i}]`;
    if (!isPlainObject(v)) {
      err(at, 'must be a mapping');
      continue;
    }
    const name = typeof v['name'] === 'string' ? v['name'] : '';
    for (const m of dns1035Label(name)) err(`${at}.name`, `${quote(name)}: ${m}`);
    if (versions.some((x) => x.name === name) || list.slice(0, i).some((x) => isPlainObject(x) && x['name'] === name))
      err(`${at}.name`, `${quote(name)}: listed twice`, 'Duplicate value');
    if (v['storage'] === true) storage++;
    if (v['served'] !== true) continue;
    const schema = isPlainObject(v['schema']) ? v['schema']['openAPIV3Schema'] : undefined;
    const sat = `${at}.schema.openAPIV3Schema`;
    if (!isPlainObject(schema)) {
      err(sat, 'every served version needs a structural schema', 'Required value');
      continue;
    }
    const before = errors.length;
    checkSchema(schema, sat, 0, errors);
    if (schema['type'] !== 'object') err(`${sat}.type`, 'the root of a CRD schema must be type: object', 'Required value');
    if (attach === 'targetRefs') checkTargetRefs(schema, sat, errors);
    if (errors.length > before) continue;
    const subresources = isPlainObject(v['subresources']) ? v['subresources'] : {};
    const entry = {
      name,
      schema: {
        scope: scope === 'Cluster' ? 'Cluster' : 'Namespaced',
        ...(subresources['status'] ? { statusSubresource: true } : {}),
        schema: structuredClone(schema) as Schema,
      } satisfies KindSchema,
    };
    if (v['storage'] === true) versions.unshift(entry);
    else versions.push(entry);
  }
  if (list.length && storage !== 1) err('spec.versions', `exactly one version must be storage: true (found ${storage})`);
  if (list.length && !list.some((v) => isPlainObject(v) && v['served'] === true)) err('spec.versions', 'at least one version must be served: true');
  if (errors.length) return { errors };
  return { crd: { group, kind, plural, scope: scope as CheckedCrd['scope'], versions }, errors };
}

function checkSchema(s: Record<string, unknown>, path: string, depth: number, errors: FieldError[]): void {
  if (depth > MAX_SCHEMA_DEPTH) {
    errors.push({ path, type: 'Invalid value', message: `the schema nests deeper than ${MAX_SCHEMA_DEPTH} levels` });
    return;
  }
  for (const k of Object.keys(s)) {
    if (k === '$ref') errors.push({ path: `${path}.$ref`, type: 'Forbidden', message: '$ref is not allowed in a CRD schema: write the schema out' });
    else if (!KEYWORDS.has(k))
      errors.push({ path: `${path}.${k}`, type: 'Forbidden', message: `${quote(k)} is not a schema keyword a CRD may use (misspelled?)` });
  }
  const type = s['type'];
  if (type !== undefined && (typeof type !== 'string' || !TYPES.has(type)))
    errors.push({
      path: `${path}.type`,
      type: 'Unsupported value',
      message: `${quote(String(type))}: supported values: ${[...TYPES].map((t) => `"${t}"`).join(', ')}`,
    });
  const sub = (key: string, v: unknown, at: string) => {
    if (!isPlainObject(v)) errors.push({ path: at, type: 'Invalid value', message: `${key} must be a schema (a mapping)` });
    else checkSchema(v, at, depth + 1, errors);
  };
  if (s['properties'] !== undefined) {
    if (!isPlainObject(s['properties']))
      errors.push({ path: `${path}.properties`, type: 'Invalid value', message: 'must be a mapping of field names to schemas' });
    else {
      if (type !== 'object')
        errors.push({ path: `${path}.type`, type: 'Required value', message: 'a schema with properties must be type: object (structural schema)' });
      for (const [k, v] of Object.entries(s['properties'])) sub('a property', v, `${path}.properties[${k}]`);
    }
  }
  if (s['items'] !== undefined) {
    if (type !== 'array') errors.push({ path: `${path}.type`, type: 'Required value', message: 'a schema with items must be type: array (structural schema)' });
    sub('items', s['items'], `${path}.items`);
  } else if (type === 'array') errors.push({ path: `${path}.items`, type: 'Required value', message: 'an array schema needs items (structural schema)' });
  if (isPlainObject(s['additionalProperties'])) sub('additionalProperties', s['additionalProperties'], `${path}.additionalProperties`);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const v = s[key];
    if (v === undefined) continue;
    if (!Array.isArray(v)) errors.push({ path: `${path}.${key}`, type: 'Invalid value', message: 'must be a list of schemas' });
    else v.forEach((x, i) => sub(key, x, `${path}.${key}[${i}]`));
  }
  if (s['not'] !== undefined) sub('not', s['not'], `${path}.not`);
  if (s['required'] !== undefined && !(Array.isArray(s['required']) && s['required'].every((r) => typeof r === 'string')))
    errors.push({ path: `${path}.required`, type: 'Invalid value', message: 'must be a list of field names' });
  if (typeof s['pattern'] === 'string') {
    const compiled = matchesPattern(s['pattern'], '');
    if (compiled instanceof Error)
      errors.push({ path: `${path}.pattern`, type: 'Invalid value', message: `not a valid RE2 expression: ${compiled.message.slice(0, 200)}` });
  }
  const rules = s['x-kubernetes-validations'];
  if (rules !== undefined) {
    if (!Array.isArray(rules)) errors.push({ path: `${path}.x-kubernetes-validations`, type: 'Invalid value', message: 'must be a list of { rule, message }' });
    else
      rules.forEach((r, i) => {
        const at = `${path}.x-kubernetes-validations[${i}]`;
        const rule = isPlainObject(r) ? r['rule'] : undefined;
        if (typeof rule !== 'string' || !rule.trim()) {
          errors.push({ path: `${at}.rule`, type: 'Required value', message: 'a CEL expression' });
          return;
        }
        const problem = compileError(rule);
        if (problem) errors.push({ path: `${at}.rule`, type: 'Invalid value', message: `${quote(rule, 120)}: compilation failed: ${problem.slice(0, 300)}` });
        const me = isPlainObject(r) ? r['messageExpression'] : undefined;
        const meProblem = typeof me === 'string' ? compileError(me) : undefined;
        if (meProblem) errors.push({ path: `${at}.messageExpression`, type: 'Invalid value', message: `compilation failed: ${meProblem.slice(0, 300)}` });
      });
  }
}

/** A policy kind's schema must declare spec.targetRefs: the engine reads it to attach the policy. */
function checkTargetRefs(root: Record<string, unknown>, path: string, errors: FieldError[]): void {
  const props = (s: unknown) => (isPlainObject(s) && isPlainObject(s['properties']) ? s['properties'] : undefined);
  const targetRefs = props(props(root)?.['spec'])?.['targetRefs'];
  if (!isPlainObject(targetRefs) || targetRefs['type'] !== 'array' || !props(targetRefs['items'])) {
    errors.push({
      path: `${path}.properties[spec].properties[targetRefs]`,
      type: 'Required value',
      message: 'a policy kind (attach: targetRefs) declares spec.targetRefs: a list of { group, kind, name, sectionName? } objects',
    });
  }
}
