// The local Kubernetes control plane Kubernetes mode is tested against is the real thing: kube-apiserver
// v1.34.4 with etcd and RBAC, kube-controller-manager's garbage collector, the Gateway API v1.7.0 CRDs served and
// validating. Runs inside a network namespace of its own (private addresses for EndpointSlices).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Cluster } from '../harness/kube.js';
import { VERSIONS, addAddress, describeInNetworkNamespace, removeAddress, startCluster } from '../harness/kube.js';
import { waitFor } from '../harness/peers.js';

const GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: gatehouse }
spec: { controllerName: gatehouse.dev/gateway-controller }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: demo, namespace: default }
spec:
  gatewayClassName: gatehouse
  listeners:
  - { name: http, protocol: HTTP, port: 80 }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: echo, namespace: default }
spec:
  parentRefs: [{ name: demo }]
  hostnames: [echo.example.com]
  rules:
  - matches: [{ path: { type: PathPrefix, value: /api } }]
    backendRefs: [{ name: echo, port: 8080 }]
`;

/** A path match whose value is not an absolute path: the CRD's own validation refuses it. */
const INVALID_ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: bad-path, namespace: default }
spec:
  parentRefs: [{ name: demo }]
  rules:
  - matches: [{ path: { type: PathPrefix, value: "no-slash" } }]
    backendRefs: [{ name: echo, port: 8080 }]
`;

const slice = (name: string, address: string) => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: default }
spec: { ports: [{ name: http, port: 8080, protocol: TCP }] }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${name}-1
  namespace: default
  labels: { kubernetes.io/service-name: ${name}, endpointslice.kubernetes.io/managed-by: tests.gatehouse.dev }
addressType: IPv4
ports: [{ name: http, port: 8080, protocol: TCP }]
endpoints: [{ addresses: ["${address}"], conditions: { ready: true } }]
`;

describeInNetworkNamespace('a real local Kubernetes control plane', fileURLToPath(import.meta.url), () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ gatewayApi: true });
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it(`reports ${VERSIONS.KUBE_VERSION} on both sides (kubectl version)`, async () => {
    const { stdout } = await cluster.kubectl(['version', '-o', 'json']);
    const v = JSON.parse(stdout) as { clientVersion: { gitVersion: string }; serverVersion: { gitVersion: string; major: string; minor: string } };
    expect(v.clientVersion.gitVersion).toBe(VERSIONS.KUBE_VERSION);
    expect(v.serverVersion).toMatchObject({ gitVersion: VERSIONS.KUBE_VERSION, major: '1', minor: '34' });
  });

  it(`serves the Gateway API ${VERSIONS.GATEWAY_API_VERSION} CRDs of the experimental channel, Established`, async () => {
    const { stdout } = await cluster.kubectl(['get', 'crd', '-o', 'json', ...cluster.gatewayApiCrds]);
    const crds = (
      JSON.parse(stdout) as {
        items: Array<{ metadata: { name: string; annotations: Record<string, string> }; status: { conditions: Array<{ type: string; status: string }> } }>;
      }
    ).items;
    expect(crds.length).toBe(cluster.gatewayApiCrds.length);
    for (const crd of crds) {
      expect(crd.metadata.annotations['gateway.networking.k8s.io/bundle-version'], crd.metadata.name).toBe(VERSIONS.GATEWAY_API_VERSION);
      expect(crd.metadata.annotations['gateway.networking.k8s.io/channel'], crd.metadata.name).toBe('experimental');
      expect(crd.status.conditions.find((c) => c.type === 'Established')?.status, crd.metadata.name).toBe('True');
    }
    const names = crds.map((c) => c.metadata.name);
    for (const kind of [
      'gatewayclasses',
      'gateways',
      'httproutes',
      'grpcroutes',
      'referencegrants',
      'backendtlspolicies',
      'listenersets',
      'tlsroutes',
      'tcproutes',
      'udproutes',
    ]) {
      expect(names).toContain(`${kind}.gateway.networking.k8s.io`);
    }
    const group = await cluster.api('GET', '/apis/gateway.networking.k8s.io/v1');
    expect(group.status).toBe(200);
    expect((group.json as { resources: Array<{ name: string }> }).resources.map((r) => r.name)).toEqual(
      expect.arrayContaining(['gateways', 'gateways/status', 'httproutes', 'httproutes/status']),
    );
  });

  it('accepts a GatewayClass, Gateway and HTTPRoute (server-side dry run)', async () => {
    const { stdout } = await cluster.kubectl(['apply', '--dry-run=server', '-f', '-'], { input: GATEWAY });
    expect(stdout).toContain('gatewayclass.gateway.networking.k8s.io/gatehouse created (server dry run)');
    expect(stdout).toContain('gateway.gateway.networking.k8s.io/demo created (server dry run)');
    expect(stdout).toContain('httproute.gateway.networking.k8s.io/echo created (server dry run)');
    const { stdout: none } = await cluster.kubectl(['get', 'gateways,httproutes', '-A', '-o', 'name']);
    expect(none.trim()).toBe('');
  });

  it("refuses an invalid HTTPRoute with the apiserver's message", async () => {
    const r = await cluster.kubectl(['apply', '--dry-run=server', '-f', '-'], { input: INVALID_ROUTE, allowFailure: true });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      `The HTTPRoute "bad-path" is invalid: spec.rules[0].matches[0].path: Invalid value: "object": value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']`,
    );
  });

  it('accepts an EndpointSlice with a private address of the namespace, refuses a loopback one', async () => {
    const address = addAddress();
    try {
      expect(address).toMatch(/^10\.244\.0\.\d+$/);
      await cluster.kubectl(['apply', '-f', '-'], { input: slice('echo', address) });
      const { stdout } = await cluster.kubectl(['get', 'endpointslice', 'echo-1', '-o', 'jsonpath={.endpoints[0].addresses[0]}']);
      expect(stdout).toBe(address);
      const loopback = await cluster.kubectl(['apply', '-f', '-'], { input: slice('loop', '127.0.0.1'), allowFailure: true });
      expect(loopback.code).not.toBe(0);
      expect(loopback.stderr).toContain('may not be in the loopback range');
    } finally {
      removeAddress(address);
    }
  });

  it('gives a ServiceAccount without RBAC a real 403 for list secrets, and 200 once a Role allows it', async () => {
    const token = await cluster.serviceAccountToken('default', 'nobody');
    const denied = await cluster.kubectl(['get', 'secrets', '-n', 'default'], { token, allowFailure: true });
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain(
      'secrets is forbidden: User "system:serviceaccount:default:nobody" cannot list resource "secrets" in API group "" in the namespace "default"',
    );
    const api = await cluster.api('GET', '/api/v1/namespaces/default/secrets', undefined, { token });
    expect(api.status).toBe(403);
    expect(api.json).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });

    await cluster.kubectl(['create', 'role', 'secret-reader', '-n', 'default', '--verb', 'list', '--resource', 'secrets']);
    await cluster.kubectl(['create', 'rolebinding', 'nobody-reads-secrets', '-n', 'default', '--role', 'secret-reader', '--serviceaccount', 'default:nobody']);
    expect((await cluster.api('GET', '/api/v1/namespaces/default/secrets', undefined, { token })).status).toBe(200);
  });

  it("deletes an object whose owner was deleted (kube-controller-manager's garbage collector)", async () => {
    await cluster.kubectl(['create', 'configmap', 'owner', '-n', 'default']);
    const { stdout: uid } = await cluster.kubectl(['get', 'configmap', 'owner', '-n', 'default', '-o', 'jsonpath={.metadata.uid}']);
    await cluster.kubectl(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'dependent', namespace: 'default', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid }] },
      }),
    });
    await cluster.kubectl(['delete', 'configmap', 'owner', '-n', 'default', '--wait=false']);
    await waitFor(
      'the garbage collector to delete the dependent',
      async () => (await cluster.api('GET', '/api/v1/namespaces/default/configmaps/dependent')).status === 404,
      30_000,
      200,
    );
  });

  it("finishes deleting a namespace with objects in it (kube-controller-manager's namespace controller)", async () => {
    await cluster.kubectl(['create', 'namespace', 'doomed']);
    await cluster.kubectl(['create', 'configmap', 'left-behind', '-n', 'doomed']);
    await cluster.kubectl(['delete', 'namespace', 'doomed', '--timeout', '45s']);
    expect((await cluster.api('GET', '/api/v1/namespaces/doomed')).status).toBe(404);
  }, 60_000);
});
