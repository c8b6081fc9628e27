// Benchmark input: one Gateway, N HTTPRoutes spread over hostnames, each to its own Service with three endpoints.
// The same YAML feeds Gatehouse and Envoy Gateway's egctl; only the GatewayClass's controllerName differs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const HOSTNAMES = 100;

export function benchYaml(n, controllerName, { address = '127.0.0.1', port = 18080, liveBackend } = {}) {
  const docs = [
    `apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: { name: bench }\nspec: { controllerName: ${controllerName} }`,
    `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: gw, namespace: default }\nspec:\n  gatewayClassName: bench\n  addresses: [{ type: IPAddress, value: ${address} }]\n  listeners: [{ name: http, protocol: HTTP, port: ${port} }]`,
  ];
  for (let i = 0; i < n; i++) docs.push(...routeDocs(i, liveBackend && i === 0 ? liveBackend : undefined));
  return docs.join('\n---\n') + '\n';
}

/** Route i, its Service and EndpointSlice. Route 0 may point at a live backend (for propagation checks). */
export function routeDocs(i, live, pathSuffix = '') {
  const eps = live
    ? `[{ addresses: [${live.host}] }]`
    : `[{ addresses: [10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}] }, { addresses: [10.128.${(i >> 8) & 255}.${i & 255}] }, { addresses: [10.200.${(i >> 8) & 255}.${i & 255}] }]`;
  return [
    `apiVersion: v1\nkind: Service\nmetadata: { name: s${i}, namespace: default }\nspec: { clusterIP: 10.96.${(i >> 8) & 255}.${i & 255}, ports: [{ name: http, port: 80 }] }`,
    `apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: { name: s${i}-a, namespace: default, labels: { kubernetes.io/service-name: s${i} } }\naddressType: IPv4\nports: [{ name: http, port: ${live ? live.port : 8080} }]\nendpoints: ${eps}`,
    `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: r${i}, namespace: default }\nspec:\n  parentRefs: [{ name: gw }]\n  hostnames: [h${i % HOSTNAMES}.example.com]\n  rules: [{ matches: [{ path: { type: PathPrefix, value: /r${i}${pathSuffix} } }], backendRefs: [{ name: s${i}, port: 80 }] }]`,
  ];
}

/** Writes the input as one file per route (as a GitOps repo would hold it) plus gateway.yaml. */
export function writeBenchDir(dir, n, controllerName, opts = {}) {
  mkdirSync(join(dir, 'routes'), { recursive: true });
  const all = benchYaml(n, controllerName, opts).split('\n---\n');
  writeFileSync(join(dir, 'gateway.yaml'), all.slice(0, 2).join('\n---\n') + '\n');
  for (let i = 0; i < n; i++) writeFileSync(join(dir, 'routes', `r${i}.yaml`), all.slice(2 + i * 3, 5 + i * 3).join('\n---\n') + '\n');
}
