// Every replica of the control plane must serve xDS with the same CA, or an Envoy whose certificate one replica
// issued is refused by the next. In a cluster the CA lives in a Secret of the controller's namespace: a replica
// starting copies it into <data-dir>/xds-ca/ before xDS starts; the first one ever creates it (and a replica that
// loses the race to create it takes the winner's).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { KubeApi } from '@gatehouse/kubernetes';
import { CA_CERT_FILE, CA_KEY_FILE, ControlPlaneCa } from '@gatehouse/xds';

export const XDS_CA_SECRET_TYPE = 'gatehouse.dev/xds-ca';

interface SecretObject {
  data?: Record<string, string>;
}

export interface CaSecretOptions {
  api: KubeApi;
  namespace: string;
  name: string;
  /** <data-dir>/xds-ca */
  dir: string;
  log?: { info(m: string): void };
}

/** Makes `dir` hold the cluster's xDS CA, creating the Secret from this replica's CA when there is none yet. */
export async function syncCaWithSecret(o: CaSecretOptions): Promise<'copied' | 'created'> {
  const path = `/api/v1/namespaces/${encodeURIComponent(o.namespace)}/secrets/${encodeURIComponent(o.name)}`;
  const where = `Secret ${o.namespace}/${o.name}`;
  const existing = await o.api.request<SecretObject>('GET', path).catch((err: { status?: number }) => {
    if (err.status === 404) return undefined;
    throw err;
  });
  if (existing) {
    await writeCa(o.dir, existing, where);
    o.log?.info(`xDS CA: using the one in ${where}`);
    return 'copied';
  }
  const ca = await ControlPlaneCa.loadOrCreate(o.dir);
  const b64 = async (f: string) => Buffer.from(await readFile(join(ca.dir, f))).toString('base64');
  const body = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: o.name, namespace: o.namespace, labels: { 'app.kubernetes.io/managed-by': 'gatehouse', 'app.kubernetes.io/component': 'xds-ca' } },
    type: XDS_CA_SECRET_TYPE,
    data: { [CA_CERT_FILE]: await b64(CA_CERT_FILE), [CA_KEY_FILE]: await b64(CA_KEY_FILE) },
  };
  try {
    await o.api.request('POST', `/api/v1/namespaces/${encodeURIComponent(o.namespace)}/secrets`, { body });
    o.log?.info(`xDS CA: stored this replica's CA in ${where} (every replica uses it)`);
    return 'created';
  } catch (err) {
    if ((err as { status?: number }).status !== 409) throw err;
    // Another replica stored its CA first: use that one.
    await writeCa(o.dir, await o.api.request<SecretObject>('GET', path), where);
    o.log?.info(`xDS CA: using the one in ${where}`);
    return 'copied';
  }
}

/** Replaces `dir` with the Secret's CA (key mode 0600), atomically. */
async function writeCa(dir: string, secret: SecretObject, where: string): Promise<void> {
  const cert = secret.data?.[CA_CERT_FILE];
  const key = secret.data?.[CA_KEY_FILE];
  if (!cert || !key)
    throw new Error(
      `${where} lacks ${CA_CERT_FILE} or ${CA_KEY_FILE}: delete it (a new CA is created; re-provisioned Envoys get new certificates) or restore the keys`,
    );
  await mkdir(dirname(dir), { recursive: true });
  const tmp = await mkdtemp(`${dir}.tmp-`);
  await writeFile(join(tmp, CA_CERT_FILE), Buffer.from(cert, 'base64'), { mode: 0o644 });
  await writeFile(join(tmp, CA_KEY_FILE), Buffer.from(key, 'base64'), { mode: 0o600 });
  if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
}
