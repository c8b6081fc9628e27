// Fuzzing the offline pipeline with mutated golden inputs (fast-check). Invariant: every input gives a verdict —
// documents accepted or rejected with a bounded message naming the file and the field — never an exception, an
// internal error shown to a user, or a long stall. Runs ~FUZZ_SECONDS (default 40) in `make test`; `make fuzz`
// runs longer. A failing input is written to test-results/fuzz/ (move it to test/fuzz/corpus/ once fixed: the
// corpus is replayed on every run).
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../../scripts/lib/peers.mjs';
import { tempDir } from '../harness/config.js';
import { mutate, operation, render, textOperation, type Json } from './mutate.js';
import { runPipeline } from './pipeline.js';

const SECONDS = Number(process.env['FUZZ_SECONDS'] ?? 40);
const SEED = process.env['FUZZ_SEED'] ? Number(process.env['FUZZ_SEED']) : undefined;
/** Per input: generous, it is about stalls (quadratic validation took 78 s once), not speed. */
const MAX_MS = 5_000;

const GOLDEN = join(ROOT, 'test/golden/testdata');
const inputs: Json[][] = readdirSync(GOLDEN)
  .filter((f) => f.endsWith('.in.yaml'))
  .sort()
  .map((f) =>
    parseAllDocuments(readFileSync(join(GOLDEN, f), 'utf8'))
      .map((d) => d.toJS() as Json)
      .filter((d) => d !== null),
  );

const CORPUS = join(ROOT, 'test/fuzz/corpus');
const dir = tempDir('fuzz');

describe('fuzz: the translate pipeline', () => {
  it.each(
    readdirSync(CORPUS)
      .filter((f) => f.endsWith('.yaml'))
      .sort(),
  )('corpus: %s gives a verdict', async (file) => {
    const out = await runPipeline(dir, readFileSync(join(CORPUS, file), 'utf8'));
    expect(out.violations).toEqual([]);
    expect(out.ms).toBeLessThan(MAX_MS);
  });

  it(
    `mutated golden inputs give a verdict (about ${SECONDS} s)`,
    async () => {
      const arbitrary = fc.record({
        input: fc.nat({ max: inputs.length - 1 }),
        doc: fc.nat(),
        ops: fc.array(operation, { minLength: 1, maxLength: 4 }),
        text: textOperation,
        wholeFile: fc.boolean(),
      });
      let runs = 0;
      const details = await fc.check(
        fc.asyncProperty(arbitrary, async (c) => {
          runs++;
          const docs = inputs[c.input]!;
          const at = c.doc % docs.length;
          const mutated = docs.map((d, i) => (i === at ? mutate(d, c.ops) : d));
          const yaml = render(c.wholeFile ? mutated : [mutated[at]!], c.text);
          const out = await runPipeline(dir, yaml);
          if (out.violations.length || out.ms > MAX_MS) {
            const target = join(ROOT, 'test-results/fuzz');
            mkdirSync(target, { recursive: true });
            const file = join(target, `crasher-${Date.now()}.yaml`);
            writeFileSync(file, yaml);
            throw new Error(`${out.violations.slice(0, 3).join('\n') || `took ${out.ms.toFixed(0)} ms`}\n(input written to ${file})`);
          }
        }),
        {
          numRuns: 1_000_000,
          interruptAfterTimeLimit: SECONDS * 1000,
          markInterruptAsFailure: false,
          endOnFailure: true,
          ...(SEED !== undefined ? { seed: SEED } : {}),
        },
      );
      if (details.failed) {
        const why = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
        throw new Error(
          `fuzz: input #${details.numRuns} (seed ${details.seed}, path ${details.counterexamplePath}) broke an invariant:\n${why.slice(0, 3000)}`,
        );
      }
      expect(runs).toBeGreaterThan(10);
      console.log(`fuzz: ${runs} inputs in ${SECONDS} s, all gave a verdict`);
    },
    (SECONDS + 60) * 1000,
  );
});
