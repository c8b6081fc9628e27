// Apiserver-grade validation for standalone mode: what `kubectl apply` against the real CRDs would refuse,
// Gatehouse refuses too, with the field path and the rule's message.
import type { KubeObject } from '@gatehouse/api';
import bundle from './generated/gateway-api.schemas.json' with { type: 'json' };
import { GATEHOUSE_SCHEMAS } from './gatehouse-schemas.js';
import type { KindSchema } from './schema.js';
import { applyDefaults, formatError, validateSchema, type FieldError } from './validate.js';

export { formatError, validateSchema, applyDefaults, type FieldError } from './validate.js';
export type { Schema, KindSchema } from './schema.js';
export { GATEHOUSE_SCHEMAS } from './gatehouse-schemas.js';

const SCHEMAS: Record<string, KindSchema> = { ...(bundle.schemas as unknown as Record<string, KindSchema>), ...GATEHOUSE_SCHEMAS };
export const SCHEMA_SOURCE = (bundle as { source: string }).source;

export function schemaFor(apiVersion: string, kind: string): KindSchema | undefined {
  return SCHEMAS[`${apiVersion.includes('/') ? apiVersion : `/${apiVersion}`}/${kind}`];
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function metadataErrors(obj: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const { name, namespace } = obj.metadata;
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    errors.push({ path: 'metadata.name', type: 'Invalid value', message: `"${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character` });
  }
  if (namespace !== undefined && (namespace.length > 63 || !DNS_LABEL.test(namespace))) {
    errors.push({ path: 'metadata.namespace', type: 'Invalid value', message: `"${namespace}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character` });
  }
  return errors;
}

export interface ValidationResult {
  /** The object with the schema's defaults applied (a copy). */
  object: KubeObject;
  errors: FieldError[];
  /** False when Gatehouse has no schema for this apiVersion/kind (core kinds): only metadata was checked. */
  schemaChecked: boolean;
}

/** Validates (and defaults) one object as the apiserver would on create. */
export function validateObject(input: KubeObject): ValidationResult {
  const object = structuredClone(input);
  const errors = metadataErrors(object);
  const ks = schemaFor(object.apiVersion, object.kind);
  if (!ks) return { object, errors, schemaChecked: false };
  applyDefaults(ks.schema, object);
  // metadata is validated by the apiserver itself, not by the CRD schema
  const { metadata: _m, ...rest } = object;
  const schema = { ...ks.schema, properties: { ...ks.schema.properties, metadata: { type: 'object' as const, 'x-kubernetes-preserve-unknown-fields': true } } };
  validateSchema(schema, { ...rest, metadata: {} }, '', errors);
  return { object, errors, schemaChecked: true };
}

export function describeErrors(errors: FieldError[]): string {
  return errors.map(formatError).join('; ');
}
