// v1 Secret, ConfigMap and Namespace, as kube-apiserver 1.34 validates them on create. A Secret's stringData is
// merged into data first (as the v1 conversion does), so its keys and sizes count as data; values never appear in
// messages.
import { invalid, required, tooLong, type FieldError } from '../errors.js';
import { base64Size } from '../formats.js';
import { utf8Length } from '../limits.js';
import { configMapKey, qualifiedName } from '../names.js';
import { keyPath } from '../errors.js';
import { list, obj, str } from './util.js';

/** core.MaxSecretSize: the data of a Secret or ConfigMap. */
export const MAX_DATA_SIZE = 1024 * 1024;
const REDACTED = '<secret contents redacted>';

export function validateSecret(secret: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const data = obj(secret['data']);
  const stringData = obj(secret['stringData']);
  const sizes = new Map<string, number>();
  for (const [k, v] of Object.entries(data)) sizes.set(k, base64Size(str(v)));
  for (const [k, v] of Object.entries(stringData)) sizes.set(k, utf8Length(str(v)));
  let total = 0;
  for (const [k, size] of [...sizes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const m of configMapKey(k)) errors.push(invalid(keyPath('data', k), k, m));
    total += size;
  }
  if (total > MAX_DATA_SIZE) errors.push(tooLong('data', MAX_DATA_SIZE));

  const has = (k: string) => sizes.has(k);
  switch (str(secret['type'])) {
    case 'kubernetes.io/service-account-token':
      if (!str(obj(obj(secret['metadata'])['annotations'])['kubernetes.io/service-account.name'])) {
        errors.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      }
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = str(secret['type']) === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      if (!has(key)) errors.push(required(keyPath('data', key)));
      else if (!isJsonObject(decoded(data, stringData, key)))
        errors.push({ path: keyPath('data', key), type: 'Invalid value', message: `"${REDACTED}": must be a JSON object` });
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) errors.push(required('data[username]'), required('data[password]'));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!sizes.get('ssh-privatekey')) errors.push(required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errors.push(required('data[tls.crt]'));
      if (!has('tls.key')) errors.push(required('data[tls.key]'));
      break;
  }
  return errors;
}

function decoded(data: Record<string, unknown>, stringData: Record<string, unknown>, key: string): string {
  if (Object.hasOwn(stringData, key)) return str(stringData[key]);
  return Buffer.from(str(data[key]).replace(/[\r\n]/g, ''), 'base64').toString('utf8');
}

function isJsonObject(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return (typeof v === 'object' && !Array.isArray(v)) || v === null;
  } catch {
    return false;
  }
}

export function validateConfigMap(cm: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const data = obj(cm['data']);
  const binary = obj(cm['binaryData']);
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of configMapKey(k)) errors.push(invalid(keyPath('data', k), k, m));
    if (Object.hasOwn(binary, k)) errors.push(invalid(keyPath('data', k), k, 'duplicate of key present in binaryData'));
    total += utf8Length(str(v));
  }
  for (const [k, v] of Object.entries(binary)) {
    for (const m of configMapKey(k)) errors.push(invalid(keyPath('binaryData', k), k, m));
    total += base64Size(str(v));
  }
  if (total > MAX_DATA_SIZE) errors.push(tooLong('<root>', MAX_DATA_SIZE));
  return errors;
}

const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

export function validateNamespace(ns: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  for (const f of list(obj(ns['spec'])['finalizers']).map(str)) {
    for (const m of qualifiedName(f)) errors.push(invalid('spec.finalizers', f, m));
    if (!f.includes('/') && !STANDARD_FINALIZERS.has(f))
      errors.push(invalid('spec.finalizers', f, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return errors;
}
