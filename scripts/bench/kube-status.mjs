// `make bench` (Kubernetes mode): how fast status converges for N HTTPRoutes on a real kube-apiserver, and how many
// apiserver requests Gatehouse spends per route. Routes are created with concurrent POSTs (so the measure is
// Gatehouse's, not kubectl's); convergence is from the last create to the moment every route has Accepted=True and
// ResolvedRefs=True from Gatehouse and the Gateway's listener counts them all. Writes bench/results/kube-status.{md,json}.
import { mkdirSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { ROOT, startGatehouse, sleep } from '../lib/peers.mjs';
import { ensureBuilt, startCluster } from '../kube/cluster.mjs';

const SIZES = (process.env.BENCH_KUBE_SIZES ?? '1000').split(',').map(Number);
const TARGET_MS = 1000;
const GW = 'gateway.networking.k8s.io';
const CONTROLLER = 'gatehouse.dev/gateway-controller';

/** A watch on a collection from now on: calls `onObject` with each added or modified object. */
function watch(cluster, path, onObject) {
  const url = new URL(`${path}?watch=1&allowWatchBookmarks=false`, cluster.server);
  const req = https.request(url, { ca: cluster.ca, headers: { authorization: `Bearer ${cluster.token}` }, agent: false }, (res) => {
    let buffer = '';
    res.setEncoding('utf8').on('data', (chunk) => {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!line) continue;
        const event = JSON.parse(line);
        if (event.type === 'ADDED' || event.type === 'MODIFIED') onObject(event.object);
      }
    });
  });
  req.on('error', () => undefined);
  req.end();
  return req;
}

async function inParallel(items, limit, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
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
    await post(`/apis/${GW}/v1/gatewayclasses`, {
      apiVersion: `${GW}/v1`,
      kind: 'GatewayClass',
      metadata: { name: 'gatehouse' },
      spec: { controllerName: CONTROLLER },
    });
    await post(`/apis/${GW}/v1/namespaces/default/gateways`, {
      apiVersion: `${GW}/v1`,
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'default' },
      spec: { gatewayClassName: 'gatehouse', listeners: [{ name: 'http', protocol: 'HTTP', port: 8080 }] },
    });
    await post('/api/v1/namespaces/default/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'svc', namespace: 'default' },
      spec: { ports: [{ name: 'http', port: 80 }] },
    });
    await sleep(1000);
    const before = await requestCounts(cluster);
    const started = performance.now();
    const routes = Array.from({ length: n }, (_, i) => ({
      apiVersion: `${GW}/v1`,
      kind: 'HTTPRoute',
      metadata: { name: `r${i}`, namespace: 'default' },
      spec: {
        parentRefs: [{ name: 'gw' }],
        hostnames: [`h${i}.example.com`],
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: `/r${i}` } }], backendRefs: [{ name: 'svc', port: 80 }] }],
      },
    }));
    // Observed through watches (one for routes, one for the Gateway), which cost the apiserver far less than
    // polling lists of 1,000 objects: the observer must not slow down what it measures.
    const done = new Set();
    let attached = 0;
    let converged;
    let check = () => {};
    const finished = new Promise((resolve) => (check = () => done.size === n && attached === n && !converged && resolve((converged = performance.now()))));
    const watches = [
      watch(cluster, `/apis/${GW}/v1/namespaces/default/httproutes`, (r) => {
        const ok = r.status?.parents?.some(
          (p) =>
            p.controllerName === CONTROLLER &&
            ['Accepted', 'ResolvedRefs'].every((t) =>
              p.conditions?.some((c) => c.type === t && c.status === 'True' && c.observedGeneration === r.metadata.generation),
            ),
        );
        if (ok) done.add(r.metadata.name);
        check();
      }),
      watch(cluster, `/apis/${GW}/v1/namespaces/default/gateways`, (g) => {
        attached = g.status?.listeners?.[0]?.attachedRoutes ?? 0;
        check();
      }),
    ];
    await inParallel(routes, 32, (r) => post(`/apis/${GW}/v1/namespaces/default/httproutes`, r));
    const created = performance.now();
    const polls = 2;
    await Promise.race([finished, sleep(120_000)]);
    for (const w of watches) w.destroy();
    if (!converged) throw new Error(`status did not converge for ${n} routes within 120 s (${done.size} routes done, attachedRoutes ${attached})`);
    await sleep(1500); // late writes, if any, are counted too
    const after = await requestCounts(cluster);
    const delta = (key) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
    const statusWrites = ['PATCH', 'PUT', 'UPDATE', 'APPLY'].reduce((s, v) => s + delta(`${v} httproutes/status`) + delta(`${v} gateways/status`), 0);
    const all = [...after.keys()].reduce((s, k) => s + delta(k), 0);
    if (process.env.BENCH_BY_CODE)
      console.log(
        [...after.keys()]
          .filter((k) => delta(k) > 0)
          .map((k) => `${k}: ${delta(k)}`)
          .join('\n'),
      );
    const gatehouseRequests = all - n /* the test's creates */ - polls /* the test's watches */ - 1; /* /metrics */
    // The floor: the same 1,000 status writes made directly (Gatehouse stopped), 32 at a time, each with the body
    // Gatehouse wrote and a fresh lastTransitionTime.
    await gh.stop();
    const items = (await cluster.api('GET', `/apis/${GW}/v1/namespaces/default/httproutes`)).json.items;
    const floorStart = performance.now();
    await inParallel(items, 32, async (r) => {
      const status = JSON.parse(
        JSON.stringify(r.status).replaceAll(
          /"lastTransitionTime":"[^"]*"/g,
          `"lastTransitionTime":"${new Date(Date.now() + 1000).toISOString().replace(/\.\d+Z$/, 'Z')}"`,
        ),
      );
      const res = await cluster.api(
        'PATCH',
        `/apis/${GW}/v1/namespaces/default/httproutes/${r.metadata.name}/status`,
        { status },
        { contentType: 'application/merge-patch+json' },
      );
      if (res.status >= 300) throw new Error(`floor PATCH: ${res.text.slice(0, 200)}`);
    });
    const floorMs = performance.now() - floorStart;
    return {
      routes: n,
      createMs: created - started,
      convergeMs: converged - created,
      totalMs: converged - started,
      statusWritesPerRoute: statusWrites / n,
      requestsPerRoute: gatehouseRequests / n,
      floorMs,
    };
  } finally {
    if (!gh.exited) await gh.stop();
    await cluster.stop();
  }
}

await ensureBuilt({ components: ['kube', 'gateway-api'] });
const results = [];
for (const n of SIZES) {
  const r = await run(n);
  results.push(r);
  console.log(
    `kube status: ${n} routes: created in ${r.createMs.toFixed(0)} ms (the apiserver takes ${(n / (r.createMs / 1000)).toFixed(0)} writes/s here), status converged ${r.convergeMs.toFixed(0)} ms after the last create (target ≤ ${TARGET_MS} ms ${r.convergeMs <= TARGET_MS ? 'ok' : 'MISS'}), ${r.statusWritesPerRoute.toFixed(2)} status writes and ${r.requestsPerRoute.toFixed(2)} apiserver requests per route; the same ${n} status writes made directly take ${r.floorMs.toFixed(0)} ms`,
  );
}
const out = join(ROOT, 'bench/results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'kube-status.json'), JSON.stringify({ at: new Date().toISOString(), targetMs: TARGET_MS, results }, null, 2) + '\n');
writeFileSync(
  join(out, 'kube-status.md'),
  [
    '| routes | create (32 concurrent POSTs) | apiserver write rate | status converged after the last create (target ≤ 1 s) | from the first create | status writes / route | apiserver requests / route | the same status writes made directly |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.routes.toLocaleString('en')} | ${(r.createMs / 1000).toFixed(2)} s | ${(r.routes / (r.createMs / 1000)).toFixed(0)}/s | ${(r.convergeMs / 1000).toFixed(2)} s ${r.convergeMs <= TARGET_MS ? '(ok)' : '(MISS)'} | ${(r.totalMs / 1000).toFixed(2)} s | ${r.statusWritesPerRoute.toFixed(2)} | ${r.requestsPerRoute.toFixed(2)} | ${(r.floorMs / 1000).toFixed(2)} s |`,
    ),
  ].join('\n') + '\n',
);
