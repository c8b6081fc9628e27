// Small readers for decoded built-in objects (types already checked by decodeNative: these only pick defaults).
import { invalid, type FieldError } from '../errors.js';
import { isLinkLocalMulticast, isLinkLocalUnicast, isLoopback, isUnspecified, parseIP } from '../ip.js';
import { labelValue, qualifiedName } from '../names.js';
import { isPlainObject } from '../schema.js';

export const obj = (v: unknown): Record<string, unknown> => (isPlainObject(v) ? v : {});
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** ValidateLabels (label selectors, topology maps): qualified-name keys, label values. */
export function labelErrors(labels: Record<string, unknown>, path: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const [k, v] of Object.entries(labels)) {
    for (const m of qualifiedName(k)) errors.push(invalid(path, k, m));
    for (const m of labelValue(str(v))) errors.push(invalid(path, str(v), m));
  }
  return errors;
}

export function qualifiedNameErrors(value: string, path: string): FieldError[] {
  return qualifiedName(value).map((m) => invalid(path, value, m));
}

/** ValidateEndpointIP: a parseable address outside the unspecified, loopback and link-local ranges. */
export function endpointIPErrors(address: string, path: string): FieldError[] {
  const ip = parseIP(address, 'sloppy');
  if (!ip) return [invalid(path, address, 'must be a valid IP address')];
  const errors: FieldError[] = [];
  if (isUnspecified(ip)) errors.push(invalid(path, address, `may not be unspecified (${address})`));
  if (isLoopback(ip)) errors.push(invalid(path, address, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (isLinkLocalUnicast(ip)) errors.push(invalid(path, address, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (isLinkLocalMulticast(ip)) errors.push(invalid(path, address, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errors;
}

export const IP_ERROR = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
