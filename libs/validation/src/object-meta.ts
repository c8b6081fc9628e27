// metadata, as the apiserver validates it on create for every kind (apimachinery's ValidateObjectMetaAccessor):
// name / generateName by the kind's name rule, namespace, generation, label keys and values, annotation keys and
// total size, ownerReferences, finalizers. Built-in kinds also require finalizer names without a '/' to be one
// of the standard ones. (Its decoding — known fields, types, RFC 3339 times — is decode.ts's job.)
import { forbidden, invalid, required, tooLong, type FieldError } from './errors.js';
import { utf8Length } from './limits.js';
import { dns1123Label, labelValue, qualifiedName, type NameRule } from './names.js';
import { isPlainObject } from './schema.js';

/** apimachinery's TotalAnnotationSizeLimitB. */
export const TOTAL_ANNOTATION_SIZE = 256 * 1024;
const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

export interface MetaRules {
  nameRule: NameRule;
  /** 'optional' for kinds whose scope Gatehouse does not know. */
  namespaced: boolean | 'optional';
  /**
   * Built-in kinds: `metadata.finalizers[i]` must be standard or domain-qualified, and a negative generation is
   * refused (for custom resources the apiserver sets generation to 1 on create).
   */
  builtIn: boolean;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function validateObjectMeta(meta: Record<string, unknown>, rules: MetaRules): FieldError[] {
  const errors: FieldError[] = [];
  const name = str(meta['name']);
  const generateName = str(meta['generateName']);
  if (generateName) for (const m of rules.nameRule(generateName, true)) errors.push(invalid('metadata.generateName', generateName, m));
  if (!name) {
    // With only generateName the apiserver would make up a name; a file-based config has nothing to make it from.
    if (!generateName) errors.push(required('metadata.name', 'name or generateName is required'));
  } else for (const m of rules.nameRule(name, false)) errors.push(invalid('metadata.name', name, m));

  const namespace = str(meta['namespace']);
  if (rules.namespaced) {
    if (!namespace) {
      if (rules.namespaced === true) errors.push(required('metadata.namespace'));
    } else for (const m of dns1123Label(namespace)) errors.push(invalid('metadata.namespace', namespace, m));
  } else if (namespace) errors.push(forbidden('metadata.namespace', 'not allowed on this type'));

  const generation = meta['generation'];
  if (rules.builtIn && typeof generation === 'number' && generation < 0)
    errors.push(invalid('metadata.generation', generation, 'must be greater than or equal to 0'));

  if (isPlainObject(meta['labels'])) {
    for (const [k, v] of Object.entries(meta['labels'])) {
      for (const m of qualifiedName(k)) errors.push(invalid('metadata.labels', k, m));
      for (const m of labelValue(str(v))) errors.push(invalid('metadata.labels', str(v), m));
    }
  }

  if (isPlainObject(meta['annotations'])) {
    let total = 0;
    for (const [k, v] of Object.entries(meta['annotations'])) {
      for (const m of qualifiedName(k.toLowerCase())) errors.push(invalid('metadata.annotations', k, m));
      total += utf8Length(k) + utf8Length(str(v));
    }
    if (total > TOTAL_ANNOTATION_SIZE) errors.push(tooLong('metadata.annotations', TOTAL_ANNOTATION_SIZE));
  }

  if (Array.isArray(meta['ownerReferences'])) errors.push(...ownerReferenceErrors(meta['ownerReferences']));

  if (Array.isArray(meta['finalizers'])) {
    const finalizers = meta['finalizers'].map(str);
    finalizers.forEach((f, i) => {
      for (const m of qualifiedName(f)) errors.push(invalid('metadata.finalizers', f, m));
      if (rules.builtIn && !f.includes('/') && !STANDARD_FINALIZERS.has(f)) {
        errors.push(invalid(`metadata.finalizers[${i}]`, f, 'name is neither a standard finalizer name nor is it fully qualified'));
      }
    });
    if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
      errors.push(invalid('metadata.finalizers', finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
    }
  }
  return errors;
}

function ownerReferenceErrors(refs: unknown[]): FieldError[] {
  const errors: FieldError[] = [];
  const path = 'metadata.ownerReferences';
  let controller = '';
  for (const r of refs) {
    const ref = isPlainObject(r) ? r : {};
    const apiVersion = str(ref['apiVersion']);
    const kind = str(ref['kind']);
    // schema.FromAPIVersionAndKind: "group/version" or "version"; anything else has no version.
    const parts = apiVersion.split('/');
    const version = parts.length === 1 ? parts[0]! : parts.length === 2 ? parts[1]! : '';
    if (!version) errors.push(invalid(`${path}.apiVersion`, apiVersion, 'version must not be empty'));
    if (!kind) errors.push(invalid(`${path}.kind`, kind, 'must not be empty'));
    if (!str(ref['name'])) errors.push(invalid(`${path}.name`, '', 'must not be empty'));
    if (!str(ref['uid'])) errors.push(invalid(`${path}.uid`, '', 'must not be empty'));
    if (parts.length === 1 && version === 'v1' && kind === 'Event') errors.push(invalid(path, ref, '/v1, Kind=Event is disallowed from being an owner'));
    if (ref['controller'] === true) {
      const current = `${kind}/${str(ref['name'])}`;
      if (controller)
        errors.push(invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${controller} and ${current}`));
      else controller = current;
    }
  }
  return errors;
}
