// The ListenerSet input, in a fresh process (so peak RSS is this input's): load, full translation + encoding.
// Prints one JSON line. Usage: node measure-listenersets.mjs <dir>
import { DirectorySource, MemoryFirstSeen } from '../../libs/config-source/dist/index.js';
import { translate } from '../../libs/engine/dist/index.js';
import { BUILTIN_PLUGINS } from '../../apps/controller/dist/index.js';
import { Snapshot, StrictEncoder, envoyRoot } from '../../libs/xds/dist/index.js';

const [dir] = process.argv.slice(2);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const enc = new StrictEncoder(envoyRoot());
const source = new DirectorySource({ dir, firstSeen: new MemoryFirstSeen(), now: () => '2026-01-01T00:00:00.000Z' });
let t = performance.now();
const snapshot = await source.load();
const loadMs = performance.now() - t;
source.close();

const full = () => {
  const t0 = performance.now();
  const tr = translate(snapshot, { plugins: BUILTIN_PLUGINS });
  const t1 = performance.now();
  const built = Snapshot.build(tr.gateways['default/shared'].resources, enc);
  const t2 = performance.now();
  const rejected = tr.reports.filter((r) => r.state === 'rejected').length;
  return { translateMs: t1 - t0, encodeMs: t2 - t1, counts: built.snapshot.counts(), rejected };
};
const first = full();
if (first.rejected) throw new Error(`bench: ${first.rejected} resources rejected`);
globalThis.gc?.();
const rssMiB = process.resourceUsage().maxRSS / 1024;
const runs = Array.from({ length: 5 }, full);
console.log(
  JSON.stringify({
    resources: snapshot.resources.size,
    loadMs,
    translateMs: median(runs.map((r) => r.translateMs)),
    encodeMs: median(runs.map((r) => r.encodeMs)),
    fullMs: median(runs.map((r) => r.translateMs + r.encodeMs)),
    rssMiB,
    counts: first.counts,
  }),
);
