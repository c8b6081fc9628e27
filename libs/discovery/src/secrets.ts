// Secret data for discoverers (AWS credentials): read from the configuration in standalone mode, from the API on
// demand in Kubernetes mode (the source keeps only TLS Secrets, and discovery keeps nothing beyond a run).
import type { ResourceSnapshot } from '@gatehouse/api';
import type { KubeApi } from '@gatehouse/kubernetes';
import type { SecretReader } from './runner.js';

interface SecretLike {
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

function decode(s: SecretLike): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  for (const [k, v] of Object.entries(s.stringData ?? {})) out[k] = v;
  return out;
}

/** Standalone mode: Secrets among the configuration's resources (the latest snapshot). */
export function snapshotSecrets(current: () => ResourceSnapshot | undefined): SecretReader {
  return async (namespace, name) => {
    const stored = current()?.resources.get(`Secret/${namespace}/${name}`);
    return stored ? decode(stored.object as SecretLike) : undefined;
  };
}

/** Kubernetes mode: a GET per read. */
export function kubeSecrets(api: KubeApi): SecretReader {
  return async (namespace, name) => {
    try {
      const s = await api.request<SecretLike>('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`, {
        timeoutMs: 10_000,
      });
      return decode(s);
    } catch (err) {
      if ((err as { status?: number }).status === 404) return undefined;
      throw err;
    }
  };
}
