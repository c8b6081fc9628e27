// Standalone validation agrees with a real kube-apiserver (v1.34, the CRDs Gatehouse validates with, strict field
// validation, dry run): the corpus, documents mutated from the golden inputs, and the fuzz suite's own mutations are
// put to both, and any verdict difference fails (test/validation/apiserver-agreement.mjs does the judging).
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { tempDir } from '../harness/config.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../harness/kube.js';
import { ROOT } from '../harness/peers.js';
import { mutate, operation, type Json } from '../fuzz/mutate.js';
import { readFileSync, readdirSync } from 'node:fs';

const run = promisify(execFile);
const MUTATIONS = Number(process.env['AGREEMENT_MUTATIONS'] ?? 300);
const FUZZ_DOCS = Number(process.env['AGREEMENT_FUZZ_DOCS'] ?? 300);

/** The fuzz suite's mutations of the golden inputs, as plain documents small enough to send (≤ 64 KiB each). */
function fuzzDocuments(n: number, seed: number): Json[] {
  const golden = join(ROOT, 'test/golden/testdata');
  const docs = readdirSync(golden)
    .filter((f) => f.endsWith('.in.yaml'))
    .flatMap((f) => parseAllDocuments(readFileSync(join(golden, f), 'utf8')).map((d) => d.toJS() as Json))
    .filter((d) => d && typeof d === 'object');
  const cases = fc.sample(fc.record({ doc: fc.nat(), ops: fc.array(operation, { minLength: 1, maxLength: 3 }) }), { numRuns: n * 3, seed });
  const out: Json[] = [];
  for (const c of cases) {
    const m = mutate(docs[c.doc % docs.length]!, c.ops);
    const text = JSON.stringify(m);
    if (text && text.length <= 64 * 1024) out.push(JSON.parse(text) as Json);
    if (out.length >= n) break;
  }
  return out;
}

it(
  "validation agrees with a real kube-apiserver on the corpus, random mutations and the fuzz suite's documents",
  async () => {
    await ensureBuilt({ components: ['kube'], timeoutMs: BUILD_TIMEOUT_MS });
    const extra = join(tempDir('agreement'), 'fuzz.json');
    writeFileSync(extra, JSON.stringify(fuzzDocuments(FUZZ_DOCS, 7)));
    const r = await run(process.execPath, [join(ROOT, 'test/validation/apiserver-agreement.mjs'), String(MUTATIONS), '11'], {
      cwd: ROOT,
      env: { ...process.env, GATEHOUSE_AGREEMENT_EXTRA: extra },
      timeout: 300_000,
      maxBuffer: 64 * 1024 * 1024,
    }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out, out.slice(-6000)).toMatch(/\d+ documents judged by both, 0 verdict differences/);
  },
  BUILD_TIMEOUT_MS + 360_000,
);
