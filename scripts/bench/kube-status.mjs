// `make bench` (Kubernetes mode): how fast status converges for N HTTPRoutes on a real kube-apiserver, and how many
// apiserver requests Gatehouse spends per route. Routes are created with concurrent POSTs (so the measure is
// Gatehouse's, not kubectl's); convergence is from the last create to the moment every route has Accepted=True and
// ResolvedRefs=True from Gatehouse and the Gateway's listener counts them all. Writes bench/results/kube-status.{md,json}.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startGatehouse, sleep } from '../lib/peers.mjs';
import { ensureBuilt, startCluster } from '../kube/cluster.mjs';

const SIZES = (process.env.BENCH_KUBE_SIZES ?? '1000').split(',').map(Number);
const TARGET_MS = 1000;
const GW = 'gateway.networking.k8s.io';
const CONTROLLER = 'gatehouse.dev/gateway-controller';

async function inParallel(items, limit, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

/** apiserver_request_total by verb, resource and subresource (the apiserver's own count). */
async function requestCounts(cluster) {
  const text = (await cluster.api('GET', '/metrics')).text;
  const out = new Map();
  for (const m of text.matchAll(/^apiserver_request_total\{([^}]*)\} (\d+)/gm)) {
    const labels = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    const key = `${labels.verb} ${labels.resource}${labels.subresource ? `/${labels.subresource}` : ''}${process.env.BENCH_BY_CODE ? ` ${labels.code}` : ''}`;
    out.set(key, (out.get(key) ?? 0) + Number(m[2]));
  }
  return out;
}

async function run(n) {
  const cluster = await startCluster({ gatewayApi: true, controllerManager: false });
  const dir = join(cluster.dir, 'gatehouse');
  const gh = await startGatehouse({ kubeconfig: cluster.kubeconfig, dataDir: dir, args: ['--no-leader-election'] });
  try {
    const post = async (path, body) => {
      const r = await cluster.api('POST', path, body);
      if (r.status >= 300) throw new Error(`POST ${path}: ${r.text.slice(0, 300)}`);
    };
    await post(`/apis/${GW}/v1/gatewayclasses`, { apiVersion: `${GW}/v1`, kind: 'GatewayClass', metadata: { name: 'gatehouse' }, spec: { controllerName: CONTROLLER } });
    await post(`/apis/${GW}/v1/namespaces/default/gateways`, { apiVersion: `${GW}/v1`, kind: 'Gateway', metadata: { name: 'gw', namespace: 'default' }, spec: { gatewayClassName: 'gatehouse', listeners: [{ name: 'http', protocol: 'HTTP', port: 8080 }] } });
    await post('/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80 }] } });
    await sleep(1000);
    const before = await requestCounts(cluster);
    const started = performance.now();
    const routes = Array.from({ length: n }, (_, i) => ({
      apiVersion: `${GW}/v1`,
      kind: 'HTTPRoute',
      metadata: { name: `r${i}`, namespace: 'default' },
      spec: { parentRefs: [{ name: 'gw' }], hostnames: [`h${i}.example.com`], rules: [{ matches: [{ path: { type: 'PathPrefix', value: `/r${i}` } }], backendRefs: [{ name: 'svc', port: 80 }] }] },
    }));
    await inParallel(routes, 32, (r) => post(`/apis/${GW}/v1/namespaces/default/httproutes`, r));
    const created = performance.now();
    let polls = 0;
    let converged;
    while (performance.now() - created < 120_000) {
      polls += 2;
      const list = (await cluster.api('GET', `/apis/${GW}/v1/namespaces/default/httproutes`)).json;
      const ok = list.items.filter((r) => r.status?.parents?.some((p) => p.controllerName === CONTROLLER && ['Accepted', 'ResolvedRefs'].every((t) => p.conditions?.some((c) => c.type === t && c.status === 'True' && c.observedGeneration === r.metadata.generation)))).length;
      const gw = (await cluster.api('GET', `/apis/${GW}/v1/namespaces/default/gateways/gw`)).json;
      if (ok === n && gw.status?.listeners?.[0]?.attachedRoutes === n) {
        converged = performance.now();
        break;
      }
      await sleep(25);
    }
    if (!converged) throw new Error(`status did not converge for ${n} routes within 120 s`);
    await sleep(1500); // late writes, if any, are counted too
    const after = await requestCounts(cluster);
    const delta = (key) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
    const statusWrites = ['PATCH', 'PUT', 'UPDATE', 'APPLY'].reduce((s, v) => s + delta(`${v} httproutes/status`) + delta(`${v} gateways/status`), 0);
    const all = [...after.keys()].reduce((s, k) => s + delta(k), 0);
    if (process.env.BENCH_BY_CODE) console.log([...after.keys()].filter((k) => delta(k) > 0).map((k) => `${k}: ${delta(k)}`).join('\n'));
    const gatehouseRequests = all - n /* the test's creates */ - polls /* the test's polls */ - 1 /* /metrics */;
    return {
      routes: n,
      createMs: created - started,
      convergeMs: converged - created,
      totalMs: converged - started,
      statusWritesPerRoute: statusWrites / n,
      requestsPerRoute: gatehouseRequests / n,
    };
  } finally {
    await gh.stop();
    await cluster.stop();
  }
}

await ensureBuilt({ components: ['kube', 'gateway-api'] });
const results = [];
for (const n of SIZES) {
  const r = await run(n);
  results.push(r);
  console.log(`kube status: ${n} routes: created in ${r.createMs.toFixed(0)} ms (the apiserver takes ${(n / (r.createMs / 1000)).toFixed(0)} writes/s here), status converged ${r.convergeMs.toFixed(0)} ms after the last create (target ≤ ${TARGET_MS} ms ${r.convergeMs <= TARGET_MS ? 'ok' : 'MISS'}), ${r.statusWritesPerRoute.toFixed(2)} status writes and ${r.requestsPerRoute.toFixed(2)} apiserver requests per route`);
}
const out = join(ROOT, 'bench/results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'kube-status.json'), JSON.stringify({ at: new Date().toISOString(), targetMs: TARGET_MS, results }, null, 2) + '\n');
writeFileSync(
  join(out, 'kube-status.md'),
  [
    '| routes | create (32 concurrent POSTs) | apiserver write rate | status converged after the last create (target ≤ 1 s) | from the first create | status writes / route | apiserver requests / route |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map((r) => `| ${r.routes.toLocaleString('en')} | ${(r.createMs / 1000).toFixed(2)} s | ${(r.routes / (r.createMs / 1000)).toFixed(0)}/s | ${(r.convergeMs / 1000).toFixed(2)} s ${r.convergeMs <= TARGET_MS ? '(ok)' : '(MISS)'} | ${(r.totalMs / 1000).toFixed(2)} s | ${r.statusWritesPerRoute.toFixed(2)} | ${r.requestsPerRoute.toFixed(2)} |`),
  ].join('\n') + '\n',
);
