// Hostile files never crash, freeze or take served config away: each is a problem with its file and line, at
// startup (load) and while watching alike, and the files around it keep being served and updated.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResourceSnapshot, SourceProblem } from '@gatehouse/api';
import { DirectorySource, type DirectorySourceOptions } from './directory-source.js';
import { MemoryFirstSeen } from './first-seen.js';

const PROTOTYPE_NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];
const svc = (name: string, extra = '') => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${extra}spec: { ports: [{ port: 80 }] }\n`;
const sources: DirectorySource[] = [];
const dirs: string[] = [];

function setup(files: Record<string, string>, options: Partial<DirectorySourceOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-hostile-'));
  dirs.push(dir);
  for (const [f, text] of Object.entries(files)) write(dir, f, text);
  const source = new DirectorySource({ dir, debounceMs: 5, now: () => '2026-01-01T00:00:00Z', firstSeen: new MemoryFirstSeen(), ...options });
  sources.push(source);
  return { dir, source };
}

function write(dir: string, file: string, text: string | Uint8Array) {
  mkdirSync(join(dir, file, '..'), { recursive: true });
  writeFileSync(join(dir, `${file}.tmp~`), text);
  renameSync(join(dir, `${file}.tmp~`), join(dir, file));
}

/** Watches `source`; `until(pred)` resolves with the first snapshot (past or future) that satisfies `pred`. */
async function watching(source: DirectorySource) {
  const snaps: ResourceSnapshot[] = [];
  const waiters: Array<() => void> = [];
  await source.watch((s) => {
    snaps.push(s);
    waiters.splice(0).forEach((w) => w());
  });
  const until = async (pred: (s: ResourceSnapshot) => boolean, what = 'snapshot'): Promise<ResourceSnapshot> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const hit = snaps.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no ${what} within 10 s`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };
  return { snaps, until };
}

/** Every source problem names a file and a line, and quotes a bounded amount of user input. */
function wellFormed(problems: readonly SourceProblem[]) {
  for (const p of problems) {
    expect(p.origin.file, p.message).toBeTruthy();
    expect(p.origin.line, p.message).toBeGreaterThanOrEqual(1);
    expect(p.message.length, p.message.slice(0, 200)).toBeLessThan(5000);
  }
}

const problemsOf = (s: ResourceSnapshot, file: string) => s.problems.filter((p) => p.origin.file === file);

afterEach(() => {
  sources.splice(0).forEach((s) => s.close());
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe('Object.prototype names in every position', () => {
  const positions: Record<string, (n: string) => string> = {
    kind: (n) => `apiVersion: v1\nkind: ${n}\nmetadata: { name: a }\n`,
    apiVersion: (n) => `apiVersion: ${n}\nkind: Service\nmetadata: { name: a }\nspec: { ports: [{ port: 80 }] }\n`,
    name: (n) => `apiVersion: v1\nkind: Service\nmetadata: { name: ${n} }\nspec: { ports: [{ port: 80 }] }\n`,
    namespace: (n) => `apiVersion: v1\nkind: Service\nmetadata: { name: a, namespace: ${n} }\nspec: { ports: [{ port: 80 }] }\n`,
    'List item kind': (n) => `apiVersion: v1\nkind: List\nitems:\n  - { apiVersion: v1, kind: ${n}, metadata: { name: a } }\n`,
  };
  for (const [position, doc] of Object.entries(positions)) {
    it.each(PROTOTYPE_NAMES)(`${position}: %s neither stops startup nor freezes later updates`, async (name) => {
      const { dir, source } = setup({ 'evil.yaml': doc(name), 'good.yaml': svc('good') });
      const first = await source.load();
      expect(first.resources.has('Service/default/good')).toBe(true);
      wellFormed(first.problems);
      const { until } = await watching(source);
      write(dir, 'later.yaml', svc('later'));
      await until((s) => s.resources.has('Service/default/later'), 'update after the hostile file');
      // The hostile file changing (and being added while running) is handled the same way.
      write(dir, 'evil2.yaml', doc(name));
      write(dir, 'later2.yaml', svc('later2'));
      const s = await until((x) => x.resources.has('Service/default/later2'));
      wellFormed(s.problems);
      // Whatever became of it, it is in the snapshot as a resource or as a problem on its file.
      expect(problemsOf(s, 'evil2.yaml').length + [...s.resources.values()].filter((r) => r.origin.file === 'evil2.yaml').length).toBeGreaterThan(0);
    });
  }
});

describe('hostile files are problems with file and line, at startup and while watching', () => {
  const bomb = (() => {
    const names = 'abcdefghij';
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++)
      lines.push(
        `${names[i]}: &${names[i]} [${Array(9)
          .fill(`*${names[i - 1]}`)
          .join(',')}]`,
      );
    return `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: bomb }\n${lines.join('\n')}\n`;
  })();
  const cases: Array<[string, string | Uint8Array, RegExp]> = [
    ['alias-bomb.yaml', bomb, /^YAML could not be read: Excessive alias count/],
    ['list-items-scalar.yaml', 'apiVersion: v1\nkind: List\nitems: 5\n', /^List: items: must be a list of objects/],
    ['list-item-null.yaml', 'apiVersion: v1\nkind: List\nitems:\n  - null\n', /^List item 1: a document must be a mapping/],
    [
      'list-in-list.yaml',
      'apiVersion: v1\nkind: List\nitems:\n  - { apiVersion: v1, kind: List, items: [] }\n',
      /^List item 1: a List inside a List is not read/,
    ],
    ['scalar.yaml', 'hello\n', /^a document must be a mapping .*\(this one is the string "hello"\)/],
    ['array.json', '[1, 2, 3]', /^a document must be a mapping .*\(this one is a list\)/],
    ['binary.yaml', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), /^not UTF-8 text/],
    [
      'deep.json',
      `{"apiVersion":"v1","kind":"Service","metadata":{"name":"d"},"spec":${'['.repeat(200_000)}${']'.repeat(200_000)}}`,
      /^nested deeper than 100 levels; not read$/,
    ],
    [
      'deep-block.yaml',
      `apiVersion: v1\nkind: Service\nmetadata: { name: d }\nspec:\n${Array.from({ length: 150 }, (_, i) => `${' '.repeat(i + 1)}a${i}:`).join('\n')} 1\n`,
      /^document nested deeper than 100 levels; not read$/,
    ],
    ['huge-kind.yaml', `apiVersion: v1\nkind: ${'K'.repeat(1_000_000)}\nmetadata: { name: a }\n`, /kind/],
  ];

  it('at startup', async () => {
    const { dir, source } = setup({
      'good.yaml': svc('good'),
      'bom.yaml': `\uFEFF${svc('bom')}`,
      ...Object.fromEntries(cases.map(([f, t]) => [f, t])),
    } as Record<string, string>);
    execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
    symlinkSync('missing.yaml', join(dir, 'dangling.yaml'));
    const s = await source.load();
    expect([...s.resources.keys()].sort()).toEqual(['Service/default/bom', 'Service/default/good']);
    wellFormed(s.problems);
    for (const [file, , message] of cases)
      expect(
        problemsOf(s, file).map((p) => p.message),
        file,
      ).toContainEqual(expect.stringMatching(message));
    expect(problemsOf(s, 'fifo.yaml').map((p) => p.message)).toEqual(['not a regular file (a FIFO); not read']);
    expect(problemsOf(s, 'dangling.yaml').map((p) => p.message)).toEqual(['symlink to a file that does not exist; not read']);
  });

  it('while watching, and the good files keep updating', async () => {
    const { dir, source } = setup({ 'good.yaml': svc('good') });
    const { until } = await watching(source);
    for (const [file, text] of cases) write(dir, file, text);
    execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
    symlinkSync('missing.yaml', join(dir, 'dangling.yaml'));
    const s = await until((x) => ['fifo.yaml', 'dangling.yaml', ...cases.map(([f]) => f)].every((f) => problemsOf(x, f).length > 0), 'every problem');
    wellFormed(s.problems);
    for (const [file, , message] of cases)
      expect(
        problemsOf(s, file).map((p) => p.message),
        file,
      ).toContainEqual(expect.stringMatching(message));
    write(dir, 'good.yaml', svc('good', '  labels: { v: "2" }\n'));
    await until((x) => x.resources.get('Service/default/good')?.object.metadata.labels?.['v'] === '2', 'the good file updated');
  });

  it('a file over --max-file-bytes or --max-documents-per-file is reported, and keeps what it served', async () => {
    const { dir, source } = setup({ 'a.yaml': svc('a'), 'b.yaml': svc('b') }, { maxFileBytes: 2048, maxDocumentsPerFile: 3 });
    await source.load();
    write(dir, 'a.yaml', svc('a') + '#'.repeat(3000) + '\n');
    write(dir, 'b.yaml', [svc('b'), svc('b2'), svc('b3'), svc('b4')].join('---\n'));
    write(dir, 'new.yaml', '#'.repeat(3000));
    const s = await source.load();
    expect([...s.resources.keys()].sort()).toEqual(['Service/default/a', 'Service/default/b']);
    const messages = s.problems.map((p) => `${p.severity} ${p.origin.file}:${p.origin.line} ${p.message}`);
    expect(messages).toContain('error a.yaml:1 3.0 KiB is over the 2 KiB limit (--max-file-bytes); not read');
    expect(messages).toContain('error new.yaml:1 2.9 KiB is over the 2 KiB limit (--max-file-bytes); not read');
    expect(messages).toContain('error b.yaml:1 more than 3 documents (List items count as documents; the limit is --max-documents-per-file); not read');
    expect(messages).toContainEqual(
      expect.stringMatching(/^warning a\.yaml:1 a\.yaml no longer parses \(line 1: 3.0 KiB is over .*\); serving its last good version$/),
    );
  });

  it('quotes user input as a bounded prefix and gives every refused resource its ref', async () => {
    const long = 'n'.repeat(1_000_000);
    const { source } = setup({
      'name.yaml': `apiVersion: v1\nkind: Service\nmetadata: { name: ${long} }\nspec: { ports: [{ port: 80 }] }\n`,
      'version.yaml': `apiVersion: ${long}\nkind: Service\nmetadata: { name: a }\nspec: { ports: [{ port: 80 }] }\n`,
      'invalid.yaml': 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: r }\nspec: { rules: 5 }\n',
    });
    const s = await source.load();
    wellFormed(s.problems);
    for (const p of s.problems) {
      expect(p.message.length).toBeLessThan(4100);
      expect(p.ref, p.message).toBeDefined();
      for (const part of Object.values(p.ref!)) expect(part.length).toBeLessThan(300);
    }
    expect(s.problems.find((p) => p.origin.file === 'invalid.yaml')).toMatchObject({
      severity: 'error',
      ref: { kind: 'HTTPRoute', namespace: 'default', name: 'r' },
      origin: { file: 'invalid.yaml', line: 1 },
    });
  });
});
