// The built-in kinds Gatehouse validates like the apiserver: their decoding schemas (generated from Kubernetes' own
// OpenAPI document) and the semantic rules of each kind's Go validation.
import core from '../generated/core.schemas.json' with { type: 'json' };
import type { FieldError } from '../errors.js';
import { NAME_IS_DNS1035_LABEL, NAME_IS_DNS_LABEL, NAME_IS_DNS_SUBDOMAIN, type NameRule } from '../names.js';
import type { KindSchema, Schema } from '../schema.js';
import { validateConfigMap, validateNamespace, validateSecret } from './config-data.js';
import { validateEndpointSlice } from './endpoint-slice.js';
import { validateService } from './service.js';

export interface CoreKind extends KindSchema {
  nameRule: NameRule;
  validate: (object: Record<string, unknown>) => FieldError[];
}

const bundle = core as unknown as {
  source: string;
  served: Record<string, string[]>;
  objectMeta: Schema;
  schemas: Record<string, KindSchema>;
};

const RULES: Record<string, Pick<CoreKind, 'nameRule' | 'validate'>> = {
  'v1/Service': { nameRule: NAME_IS_DNS1035_LABEL, validate: validateService },
  'v1/Secret': { nameRule: NAME_IS_DNS_SUBDOMAIN, validate: validateSecret },
  'v1/ConfigMap': { nameRule: NAME_IS_DNS_SUBDOMAIN, validate: validateConfigMap },
  'v1/Namespace': { nameRule: NAME_IS_DNS_LABEL, validate: validateNamespace },
  'discovery.k8s.io/v1/EndpointSlice': { nameRule: NAME_IS_DNS_SUBDOMAIN, validate: validateEndpointSlice },
};

export const CORE_KINDS: ReadonlyMap<string, CoreKind> = new Map(
  Object.entries(bundle.schemas).map(([key, ks]) => {
    const rules = RULES[key];
    if (!rules) throw new Error(`no validation rules for the core kind ${key}`);
    return [key, { ...ks, ...rules }];
  }),
);

/** ObjectMeta as Go decodes it (known fields and their JSON types). */
export const OBJECT_META_SCHEMA: Schema = bundle.objectMeta;

/** Kinds a v1.34 apiserver serves in the core groups, by apiVersion (`v1`, `discovery.k8s.io/v1`). */
export const CORE_SERVED: ReadonlyMap<string, ReadonlySet<string>> = new Map(Object.entries(bundle.served).map(([gv, kinds]) => [gv, new Set(kinds)]));

export const CORE_SCHEMA_SOURCE = bundle.source;
