// Writes provisioned objects with server-side apply (field manager "gatehouse", forced: these objects are
// Gatehouse's), so a create and an update are one request and fields others set (a LoadBalancer's nodePorts, an
// HPA's replicas field manager) are left alone. Deletes are by name with a uid precondition.
import type { KubeApi } from '@gatehouse/kubernetes';
import type { ProvisionedObject } from './manifests.js';

export const FIELD_MANAGER = 'gatehouse';

const COLLECTIONS: Record<ProvisionedObject['kind'], string> = {
  ConfigMap: '/api/v1/namespaces/{ns}/configmaps',
  Secret: '/api/v1/namespaces/{ns}/secrets',
  Service: '/api/v1/namespaces/{ns}/services',
  Deployment: '/apis/apps/v1/namespaces/{ns}/deployments',
};

export function objectUrl(kind: ProvisionedObject['kind'], namespace: string, name: string): string {
  return `${COLLECTIONS[kind].replace('{ns}', encodeURIComponent(namespace))}/${encodeURIComponent(name)}`;
}

/** Every kind the provisioner writes, cluster-wide (its caches watch these with the owned-objects selector). */
export function clusterCollection(kind: ProvisionedObject['kind']): string {
  return COLLECTIONS[kind].replace('/namespaces/{ns}', '');
}

export interface AppliedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; uid: string; resourceVersion: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
  [field: string]: unknown;
}

export function apply(api: KubeApi, o: ProvisionedObject): Promise<AppliedObject> {
  return api.request<AppliedObject>('PATCH', objectUrl(o.kind, o.metadata.namespace, o.metadata.name), {
    query: { fieldManager: FIELD_MANAGER, force: true },
    contentType: 'application/apply-patch+yaml',
    body: JSON.stringify(o),
  });
}

export async function remove(api: KubeApi, kind: ProvisionedObject['kind'], namespace: string, name: string, uid: string): Promise<void> {
  await api
    .request('DELETE', objectUrl(kind, namespace, name), {
      body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid }, propagationPolicy: 'Background' },
    })
    .catch((err: { status?: number }) => {
      if (err.status !== 404 && err.status !== 409) throw err;
    });
}
