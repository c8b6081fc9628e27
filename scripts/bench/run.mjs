// `make bench`: Gatehouse's speed and memory at 100 / 1,000 / 10,000 HTTPRoutes, each figure beside its target,
// and Envoy Gateway's egctl translating the same YAML on the same machine. Writes bench/results/latest.{md,json}.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { CLI, NODE_FLAGS, ROOT, freePort, request, startBackend, startEnvoy, startGatehouse, waitFor } from '../lib/peers.mjs';
import { benchYaml, routeDocs, writeBenchDir } from './generate.mjs';
import { listenerSetBench } from './listenersets.mjs';

const EGCTL_VERSION = 'v1.9.1';
const SIZES = (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const TARGET_FULL = { 100: 5, 1000: 50, 10000: 500 };
const TARGET_UPDATE_P50_L = 2;
const TARGET_RSS_L = 450;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

function egctl() {
  const bin = join(homedir(), '.cache/gatehouse', `egctl-${EGCTL_VERSION}`, 'bin', 'egctl');
  if (existsSync(bin)) return bin;
  console.error(`bench: building egctl ${EGCTL_VERSION} from the Go module proxy (once; cached in ${bin})...`);
  execFileSync('go', ['install', `github.com/envoyproxy/gateway/cmd/egctl@${EGCTL_VERSION}`], {
    stdio: 'inherit',
    env: { ...process.env, CGO_ENABLED: '0', GOBIN: join(bin, '..') },
  });
  return bin;
}

/** Median wall time of a one-shot command (after one warm-up run; `runs` 1 and no warm-up for very slow ones). */
function wall(cmd, args, runs = 3, warmup = true) {
  const once = () => {
    const t = performance.now();
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
    const ms = performance.now() - t;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${(r.stderr || r.stdout).slice(0, 500)}`);
    return { ms, out: r.stdout };
  };
  if (warmup) once();
  const results = Array.from({ length: runs }, once);
  return { ms: median(results.map((r) => r.ms)), out: results[0].out };
}

async function propagation(n, work) {
  const dir = join(work, 'live');
  const backend = await startBackend('live', { host: '127.0.0.41' });
  const address = '127.0.0.40';
  const port = await freePort(address);
  writeBenchDir(dir, n, 'gatehouse.dev/gateway-controller', { address, port, liveBackend: backend });
  const gh = await startGatehouse({ configDir: dir, dataDir: join(work, 'data') });
  const envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, workDir: join(work, 'envoy') });
  const served = (path) =>
    request(`http://${address}:${port}${path}`, { host: 'h0.example.com' })
      .then((r) => r.backend === 'live')
      .catch(() => false);
  try {
    await waitFor('first route served', () => served('/r0'), 120_000, 50);
    const times = [];
    for (let i = 1; i <= 5; i++) {
      const t = performance.now();
      writeFileSync(join(dir, 'routes', 'r0.yaml'), routeDocs(0, backend, `-v${i}`).join('\n---\n') + '\n');
      await waitFor('changed route served', () => served(`/r0-v${i}`), 60_000, 2);
      times.push(performance.now() - t);
    }
    return median(times);
  } finally {
    await envoy.stop();
    await gh.stop();
    await backend.close();
  }
}

const eg = egctl();
const egVersion = EGCTL_VERSION;
const work = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
// egctl's fixed cost (process start, loading its schemes) on an empty Gateway: subtracted for the in-process ratio.
const emptyEg = join(work, 'empty-eg.yaml');
writeFileSync(emptyEg, benchYaml(0, 'gateway.envoyproxy.io/gatewayclass-controller'));
const egStartup = wall(eg, ['x', 'translate', '--from', 'gateway-api', '--to', 'xds', '-f', emptyEg]).ms;
const emptyGh = join(work, 'empty-gh.yaml');
writeFileSync(emptyGh, benchYaml(0, 'gatehouse.dev/gateway-controller'));
const ghStartup = wall(process.execPath, [...NODE_FLAGS, CLI, 'translate', '-f', emptyGh]).ms;

const rows = [];
for (const n of SIZES) {
  const dir = join(work, `gh-${n}`);
  writeBenchDir(dir, n, 'gatehouse.dev/gateway-controller');
  const m = JSON.parse(
    execFileSync(process.execPath, ['--expose-gc', ...NODE_FLAGS, join(ROOT, 'scripts/bench/measure.mjs'), dir, String(n)], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    })
      .trim()
      .split('\n')
      .at(-1),
  );
  const ghFile = join(work, `gh-${n}.yaml`);
  writeFileSync(ghFile, benchYaml(n, 'gatehouse.dev/gateway-controller'));
  const egFile = join(work, `eg-${n}.yaml`);
  writeFileSync(egFile, benchYaml(n, 'gateway.envoyproxy.io/gatewayclass-controller'));
  // egctl needs about a minute per 1,000 routes here: above 1,000 it gets one run, no warm-up (marked in the report).
  const egSingle = n > 1000;
  const egRun = wall(eg, ['x', 'translate', '--from', 'gateway-api', '--to', 'xds', '-f', egFile], egSingle ? 1 : 3, !egSingle);
  const routesOut = (egRun.out.match(/type\.googleapis\.com\/envoy\.config\.route\.v3\.Route\b/g) ?? []).length;
  const ghRun = wall(process.execPath, [...NODE_FLAGS, CLI, 'translate', '-f', ghFile]);
  const prop = process.env.BENCH_SKIP_ENVOY ? NaN : await propagation(n, join(work, `prop-${n}`));
  rows.push({
    ...m,
    egSingle,
    egctlMs: egRun.ms,
    egctlNetMs: egRun.ms - egStartup,
    ghCliMs: ghRun.ms,
    ghCliNetMs: ghRun.ms - ghStartup,
    propagationMs: prop,
    egRoutesSeen: routesOut,
  });
  console.error(`bench: ${n} routes done`);
}

// HTTPS listeners with their own certificates on one Gateway through ListenerSets (BENCH_LISTENERS=0 skips it).
const LISTENERS = Number(process.env.BENCH_LISTENERS ?? 1000);
const ls = LISTENERS > 0 ? await listenerSetBench(LISTENERS, work) : undefined;
if (ls) console.error(`bench: ${LISTENERS} ListenerSet listeners done`);

const mark = (ok) => (ok ? 'ok' : 'MISS');
const lines = [
  `# Gatehouse benchmark`,
  ``,
  `${new Date().toISOString()} · ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} · Node ${process.versions.node} · egctl ${egVersion}`,
  ``,
  `Input: one Gateway (one HTTP listener), N HTTPRoutes over 100 hostnames, each to its own Service with three endpoints (EndpointSlice).`,
  ``,
  `| routes | translate + encode (target) | translate | encode | peak RSS | one-route update p50 / p99 | dir re-scan | file change → served by Envoy |`,
  `| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
  ...rows.map(
    (r) =>
      `| ${r.n} | ${f(r.fullMs)} ms (≤ ${TARGET_FULL[r.n] ?? '–'} ms ${mark(r.fullMs <= (TARGET_FULL[r.n] ?? Infinity))}) | ${f(r.translateMs)} ms | ${f(r.encodeMs)} ms | ${r.rssMiB.toFixed(0)} MiB${r.n === 10000 ? ` (≤ ${TARGET_RSS_L} ${mark(r.rssMiB <= TARGET_RSS_L)})` : ''} | ${f(r.updateP50)} / ${f(r.updateP99)} ms${r.n === 10000 ? ` (p50 ≤ ${TARGET_UPDATE_P50_L} ${mark(r.updateP50 <= TARGET_UPDATE_P50_L)})` : ''} | ${f(r.refreshP50)} ms | ${Number.isNaN(r.propagationMs) ? 'skipped' : `${f(r.propagationMs)} ms`} |`,
  ),
  ``,
  `Against Envoy Gateway (\`egctl x translate --from gateway-api --to xds\`, same YAML, same machine, one warm-up then the median of three):`,
  ``,
  `| routes | egctl | gatehouse translate (CLI) | ratio (egctl / gatehouse) | egctl minus its startup | gatehouse in-process (translate + encode) | ratio |`,
  `| ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
  ...rows.map(
    (r) =>
      `| ${r.n} | ${f(r.egctlMs)} ms${r.egSingle ? ' (1 run)' : ''} | ${f(r.ghCliMs)} ms | ${(r.egctlMs / r.ghCliMs).toFixed(2)}× | ${f(r.egctlNetMs)} ms | ${f(r.fullMs)} ms | ${(r.egctlNetMs / r.fullMs).toFixed(2)}× |`,
  ),
  ``,
  `egctl startup on an empty Gateway: ${f(egStartup)} ms; gatehouse translate CLI on the same: ${f(ghStartup)} ms. Both CLIs parse, validate and translate; egctl also emits its bootstrap and output YAML, gatehouse translate its xDS YAML.`,
  ...(ls
    ? [
        ``,
        `ListenerSets: ${ls.n} HTTPS listeners on one Gateway, each with its own hostname and certificate (Secret), ${Math.ceil(ls.n / 64)} ListenerSets of up to 64 listeners with one HTTPRoute each:`,
        ``,
        `| listeners | load | translate + encode | translate | encode | peak RSS | start → last listener served by Envoy | one more ListenerSet → served |`,
        `| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
        `| ${ls.n} | ${f(ls.loadMs)} ms | ${f(ls.fullMs)} ms | ${f(ls.translateMs)} ms | ${f(ls.encodeMs)} ms | ${ls.rssMiB.toFixed(0)} MiB | ${f(ls.lastServedMs)} ms | ${f(ls.addedMs)} ms |`,
      ]
    : []),
];
const report = lines.join('\n') + '\n';
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/latest.md'), report);
writeFileSync(
  join(ROOT, 'bench/results/latest.json'),
  JSON.stringify({ egctl: egVersion, egStartup, ghStartup, rows, ...(ls ? { listenerSets: ls } : {}) }, null, 2),
);
process.stdout.write(report);
