// Secret material never leaves the control plane in admin output, CLI output or logs.
export const REDACTED = '[redacted]';

/** Fields whose contents are secret wherever they appear in Envoy or IR messages. */
// AWS credentials reach Envoy in the aws_lambda filter's per-route config (discovered Lambda functions).
const SECRET_FIELDS = new Set([
  'privateKey',
  'private_key',
  'password',
  'sessionTicketKeys',
  'session_ticket_keys',
  'genericSecret',
  'generic_secret',
  'hmacSecret',
  'hmac_secret',
  'secretAccessKey',
  'secret_access_key',
  'sessionToken',
  'session_token',
]);

/** A deep copy with every secret field's contents replaced by "[redacted]". */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v)) as T;
  if (value instanceof Uint8Array) return value;
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELDS.has(k) ? REDACTED : redactSecrets(v);
  return out as T;
}
