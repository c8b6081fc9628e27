// The bootstrap a provisioned Envoy runs: the one `gatehouse bootstrap` produces (envoyBootstrap), except that the
// mTLS client certificate, its key and the CA are files from a Secret instead of inline strings — a private key never
// goes into a ConfigMap. The paths are relative to Envoy's working directory: /etc/gatehouse in the pod, the
// Gateway's own directory for a local Envoy, so both run the very same bootstrap text.
import { envoyBootstrap } from '@gatehouse/xds';
import { readinessListener } from './readiness.js';

/** Where the Secret's keys are, relative to Envoy's working directory. */
export const TLS_FILES = { cert: 'xds-tls/tls.crt', key: 'xds-tls/tls.key', ca: 'xds-tls/ca.crt' } as const;
export const BOOTSTRAP_FILE = 'bootstrap.json';

export interface ProvisionedBootstrapOptions {
  /** `namespace/name` */
  gateway: string;
  xdsHost: string;
  xdsPort: number;
  /** mTLS: the bootstrap reads TLS_FILES (written from the Gateway's Secret). */
  tls: boolean;
  /** A static readiness listener on this port (readiness.ts); none for local Envoys, which share the host's network. */
  readinessPort?: number;
}

const MARK = { cert: '\u0000gatehouse:cert', key: '\u0000gatehouse:key', ca: '\u0000gatehouse:ca' };

/** Replaces each `{ inlineString: <marker> }` with `{ filename: <path> }`, everywhere in `v`. */
function toFiles(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toFiles);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === 'inlineString') {
      for (const [k, mark] of Object.entries(MARK)) if (o['inlineString'] === mark) return { filename: TLS_FILES[k as keyof typeof TLS_FILES] };
    }
    return Object.fromEntries(keys.map((k) => [k, toFiles(o[k])]));
  }
  return v;
}

/** The bootstrap as JSON text (deterministic: the same input gives the same bytes). */
export function provisionedBootstrap(o: ProvisionedBootstrapOptions): string {
  const b = envoyBootstrap({
    gateway: o.gateway,
    xdsHost: o.xdsHost,
    xdsPort: o.xdsPort,
    ...(o.tls ? { tls: { certPem: MARK.cert, keyPem: MARK.key, caPem: MARK.ca } } : {}),
  });
  if (o.readinessPort !== undefined) {
    const statics = b['staticResources'] as Record<string, unknown>;
    statics['listeners'] = [readinessListener(o.readinessPort)];
  }
  const text = JSON.stringify(o.tls ? toFiles(b) : b, null, 2) + '\n';
  if (text.includes('\\u0000gatehouse:')) throw new Error('provisioned bootstrap: a TLS value was left inline (envoyBootstrap changed shape)');
  return text;
}
