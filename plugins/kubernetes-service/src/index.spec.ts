import type { PluginContext, ResourceSnapshot, StoredResource, UpstreamIR } from '@gatehouse/plugin-sdk';
import { NO_MEMO, SERVICE_NAME_LABEL, isBackendError } from '@gatehouse/plugin-sdk';
import { describe, expect, it } from 'vitest';
import { kubernetesServicePlugin } from './index.js';

type Conditions = { ready?: boolean; serving?: boolean; terminating?: boolean };

function stored(kind: string, name: string, object: Record<string, unknown>): StoredResource {
  const ref = { kind, namespace: 'default', name };
  return {
    key: `${kind}/default/${name}`,
    ref,
    object: { apiVersion: 'v1', kind, metadata: { namespace: 'default', name, ...(object['metadata'] as object) }, ...object } as StoredResource['object'],
    origin: { source: 'inline' },
    createdAt: '2026-01-01T00:00:00Z',
  };
}

function upstream(endpoints: Array<{ ip: string; conditions: Conditions }>): UpstreamIR {
  const svc = stored('Service', 'web', { spec: { ports: [{ port: 80 }] } });
  const slice = stored('EndpointSlice', 'web-1', {
    metadata: { labels: { [SERVICE_NAME_LABEL]: 'web' } },
    addressType: 'IPv4',
    ports: [{ port: 8080 }],
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], conditions: e.conditions })),
  });
  const snapshot: ResourceSnapshot = { resources: new Map([svc, slice].map((r) => [r.key, r])), problems: [] };
  const ctx: PluginContext = { snapshot, memo: NO_MEMO, reports: { reject() {}, warn() {} } };
  const result = kubernetesServicePlugin.backends![0]!.resolve(ctx, { group: '', kind: 'Service', namespace: 'default', name: 'web', port: 80 });
  if (isBackendError(result)) throw new Error(result.message);
  return result;
}

const ready = (u: UpstreamIR) => u.endpoints.filter((e) => e.ready).map((e) => e.address);

describe('kubernetes-service endpoints', () => {
  it('serves ready endpoints and leaves terminating ones out while any is ready', () => {
    const u = upstream([
      { ip: '10.0.0.1', conditions: { ready: true, serving: true, terminating: false } },
      { ip: '10.0.0.2', conditions: { ready: false, serving: true, terminating: true } },
    ]);
    expect(ready(u)).toEqual(['10.0.0.1']);
  });

  it('falls back to serving terminating endpoints when none is ready', () => {
    const u = upstream([
      { ip: '10.0.0.2', conditions: { ready: false, serving: true, terminating: true } },
      { ip: '10.0.0.3', conditions: { ready: false, serving: false, terminating: true } },
      { ip: '10.0.0.4', conditions: { ready: false, serving: false, terminating: false } },
    ]);
    expect(ready(u)).toEqual(['10.0.0.2']);
  });
});
