import { describe, expect, it } from 'vitest';
import { FileParser } from './file-parser.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const services = (n: number, prefix = 's') =>
  Array.from({ length: n }, (_, i) => `apiVersion: v1\nkind: Service\nmetadata: { name: ${prefix}${i} }\nspec: { ports: [{ port: 80 }] }\n`).join('---\n');

describe('FileParser', () => {
  it('parses small files inline and big ones in the worker, with the same answer', async () => {
    const parser = new FileParser({ limits: { maxDocuments: 5000 }, maxFileBytes: 4 << 20 });
    try {
      const small = await parser.parse(bytes(services(3)));
      expect(small.objects.map((o) => [o.object.metadata.name, o.line])).toEqual([
        ['s0', 1],
        ['s1', 6],
        ['s2', 11],
      ]);
      const big = await parser.parse(bytes(services(1500, 'b'))); // ~110 KB: the worker, in several chunks
      expect(big.problems).toEqual([]);
      expect(big.objects).toHaveLength(1500);
      expect(big.objects[1499]).toEqual({
        object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'b1499' }, spec: { ports: [{ port: 80 }] } },
        line: 1499 * 5 + 1,
      });
      const broken = await parser.parse(bytes(`${services(400)}---\nkind: [oops\n`));
      expect(broken.syntaxError).toBe(true);
      expect(broken.objects).toHaveLength(400);
    } finally {
      parser.close();
    }
  });

  it('a file that takes too long is refused (its worker is replaced)', async () => {
    const parser = new FileParser({ limits: { maxDocuments: 100_000 }, maxFileBytes: 4 << 20, timeoutMs: 50 });
    try {
      expect(await parser.parse(bytes(services(20_000)))).toEqual({
        objects: [],
        problems: [{ line: 1, message: 'parsing it took longer than 0.05 s; not read' }],
        syntaxError: true,
      });
      expect((await parser.parse(bytes(services(3)))).objects).toHaveLength(3);
    } finally {
      parser.close();
    }
  });

  it('a file that needs more memory than the worker may have is refused; the next is parsed by a fresh worker', { timeout: 120_000 }, async () => {
    // One-letter items in one flow list: yaml needs about 1 KB of heap per item, 500 MB for these 0.5 MB.
    const parser = new FileParser({ limits: { maxDocuments: 5000 }, maxFileBytes: 1 << 20 });
    try {
      const r = await parser.parse(bytes(`apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\nx: [${'a,'.repeat(500_000)}]\n`));
      expect(r).toEqual({ objects: [], problems: [{ line: 1, message: 'parsing it needed more than 256 MiB of memory; not read' }], syntaxError: true });
      expect((await parser.parse(bytes(services(300)))).objects).toHaveLength(300);
    } finally {
      parser.close();
    }
  });
});
