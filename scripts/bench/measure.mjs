// One size, in a fresh process (so peak RSS is this size's): load, full translation + encoding, one-route updates.
// Prints one JSON line. Usage: node measure.mjs <dir> <n>
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DirectorySource, MemoryFirstSeen } from '../../libs/config-source/dist/index.js';
import { Translator, translate } from '../../libs/engine/dist/index.js';
import { BUILTIN_PLUGINS } from '../../apps/controller/dist/index.js';
import { Snapshot, StrictEncoder, checkConsistency, envoyRoot } from '../../libs/xds/dist/index.js';
import { createMemo } from '../../libs/plugin-sdk/dist/index.js';

const [dir, nText] = process.argv.slice(2);
const n = Number(nText);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const enc = new StrictEncoder(envoyRoot());
const source = new DirectorySource({ dir, firstSeen: new MemoryFirstSeen(), now: () => '2026-01-01T00:00:00.000Z' });

let t = performance.now();
let snapshot = await source.load();
const loadMs = performance.now() - t;

const full = () => {
  const t0 = performance.now();
  const tr = translate(snapshot, { plugins: BUILTIN_PLUGINS });
  const t1 = performance.now();
  const built = Snapshot.build(tr.gateways['default/gw'].resources, enc);
  const t2 = performance.now();
  return { translateMs: t1 - t0, encodeMs: t2 - t1, snap: built.snapshot };
};
// Peak RSS of a control plane holding this configuration: loaded, translated and encoded once (taken before the
// repeated runs below, whose garbage would inflate it).
full();
globalThis.gc?.();
const rssMiB = process.resourceUsage().maxRSS / 1024;
// Warm-up (JIT): small inputs need many rounds before timings settle.
for (let i = 0; i < (n <= 100 ? 500 : n <= 1000 ? 50 : 0); i++) full();
const runs = Array.from({ length: n <= 100 ? 51 : n <= 1000 ? 21 : 5 }, full);

// One-route updates, as the control plane handles a one-file change: re-read the directory (one file changed; the
// source says which resources changed), translate with the control plane's long-lived Translator, build the snapshot
// reusing what did not change, and check its consistency.
const translator = new Translator({ plugins: BUILTIN_PLUGINS, memo: createMemo() });
let previous = Snapshot.build(translator.translate(snapshot).gateways['default/gw'].resources, enc).snapshot;
const routeFile = join(dir, 'routes', 'r1.yaml');
const original = readFileSync(routeFile, 'utf8');
const refresh = [];
const update = [];
const iterations = n >= 10000 ? 40 : 50;
for (let i = 0; i < iterations; i++) {
  writeFileSync(routeFile, original.replace('value: /r1', `value: /r1-v${i}`));
  const t0 = performance.now();
  snapshot = await source.load();
  const t1 = performance.now();
  const tr = translator.translate(snapshot);
  const next = Snapshot.build(tr.gateways['default/gw'].resources, enc, previous).snapshot;
  if (checkConsistency(next, previous).length || !tr.stats.incremental) throw new Error('bench: the update was not a consistent incremental one');
  previous = next;
  const t2 = performance.now();
  refresh.push(t1 - t0);
  update.push(t2 - t1);
}
writeFileSync(routeFile, original);
source.close();
console.log(
  JSON.stringify({
    n,
    resources: snapshot.resources.size,
    loadMs,
    translateMs: median(runs.map((r) => r.translateMs)),
    encodeMs: median(runs.map((r) => r.encodeMs)),
    fullMs: median(runs.map((r) => r.translateMs + r.encodeMs)),
    updateP50: pct(update, 0.5),
    updateP99: pct(update, 0.99),
    refreshP50: pct(refresh, 0.5),
    rssMiB,
    counts: previous.counts(),
  }),
);
