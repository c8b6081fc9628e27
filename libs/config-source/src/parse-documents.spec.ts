import { describe, expect, it } from 'vitest';
import { MAX_ALIASES, MAX_DEPTH } from './document-bounds.js';
import { parseDocuments, parseFile } from './parse-documents.js';

const PROTOTYPE_NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];
const bytes = (s: string) => new TextEncoder().encode(s);

describe('parseDocuments', () => {
  it('reads every document with its line, and skips empty ones', () => {
    const r = parseDocuments(
      '---\napiVersion: v1\nkind: Service\nmetadata: { name: a }\n---\n---\n# comment\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n',
    );
    expect(r.problems).toEqual([]);
    expect(r.objects.map((o) => [o.object.metadata.name, o.line])).toEqual([
      ['a', 2],
      ['b', 8],
    ]);
  });

  it('reports a bad document with its line and keeps the others', () => {
    const r = parseDocuments(
      'apiVersion: v1\nkind: Service\nmetadata: { name: a }\n---\napiVersion: v1\nkind: [oops\n---\napiVersion: v1\nkind: Service\nmetadata: { name: c }\n',
    );
    expect(r.objects.map((o) => o.object.metadata.name)).toEqual(['a', 'c']);
    expect(r.syntaxError).toBe(true);
    expect(r.problems[0]!.line).toBeGreaterThanOrEqual(6); // where YAML notices the unclosed flow
    expect(r.problems[0]!.message).toMatch(/^YAML syntax error/);
  });

  it.each([
    ['- just\n- a list\n', 'a document must be a mapping with apiVersion, kind and metadata (this one is a list)'],
    ['just a string\n', 'a document must be a mapping with apiVersion, kind and metadata (this one is the string "just a string")'],
    ['42\n', 'a document must be a mapping with apiVersion, kind and metadata (this one is the number 42)'],
    ['kind: Service\nmetadata: { name: a }\n', 'apiVersion: required'],
    ['apiVersion: v1\nmetadata: { name: a }\n', 'kind: required'],
    ['apiVersion: v1\nkind: [Service]\nmetadata: { name: a }\n', 'kind: required, a string such as HTTPRoute (it is a list)'],
    ['apiVersion: v1\nkind: Service\n', 'Service: metadata: required'],
    ['apiVersion: v1\nkind: Service\nmetadata: [a]\n', 'Service: metadata: required, a mapping with a name (it is a list)'],
    ['apiVersion: v1\nkind: Service\nmetadata: { namespace: x }\n', 'Service: metadata.name: required'],
    ['apiVersion: v1\nkind: Service\nmetadata: { name: a, namespace: 5 }\n', 'Service a: metadata.namespace: must be a string (it is the number 5)'],
    ['apiVersion: v1\nkind: Service\nmetadata: { name: a, name: b }\n', 'YAML syntax error'],
  ])('names what is wrong: %j', (text, message) => {
    const r = parseDocuments(text);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.message).toContain(message);
    expect(r.problems[0]!.line).toBe(message.startsWith('YAML') ? 3 : 1);
  });

  describe('Object.prototype names are ordinary strings, in every position', () => {
    const positions = {
      kind: (n: string) => `apiVersion: v1\nkind: ${n}\nmetadata: { name: a }\n`,
      apiVersion: (n: string) => `apiVersion: ${n}\nkind: Service\nmetadata: { name: a }\n`,
      name: (n: string) => `apiVersion: v1\nkind: Service\nmetadata: { name: ${n} }\n`,
      namespace: (n: string) => `apiVersion: v1\nkind: Service\nmetadata: { name: a, namespace: ${n} }\n`,
      key: (n: string) => `apiVersion: v1\nkind: Service\nmetadata: { name: a }\n${n}: { kind: Evil }\n`,
    };
    for (const [position, doc] of Object.entries(positions)) {
      it.each(PROTOTYPE_NAMES)(`${position}: %s`, (name) => {
        const r = parseDocuments(doc(name));
        expect(r.problems).toEqual([]);
        const o = r.objects[0]!.object as unknown as Record<string, unknown>;
        expect(Object.getPrototypeOf(o)).toBe(Object.prototype); // a `__proto__` key never sets the prototype
        if (position === 'key') expect(Object.hasOwn(o, name)).toBe(true);
      });
    }

    it.each(PROTOTYPE_NAMES)('a missing field is missing even when Object.prototype has it: %s', (name) => {
      // `metadata` holds only `name`: reading `metadata.namespace` etc. must not find inherited members.
      const r = parseDocuments(`apiVersion: v1\nkind: Service\nmetadata: { ${name}: x, name: a }\n`);
      expect(r.objects).toHaveLength(1);
      expect(parseDocuments(`${name}: x\n`).problems[0]!.message).toContain('apiVersion: required');
    });
  });

  describe('List', () => {
    it('unwraps a List, each item on its own line', () => {
      const r = parseDocuments(
        'apiVersion: v1\nkind: List\nitems:\n  - { apiVersion: v1, kind: Service, metadata: { name: a } }\n  - apiVersion: v1\n    kind: Service\n    metadata: { name: b }\n',
      );
      expect(r.objects.map((o) => [o.object.metadata.name, o.line])).toEqual([
        ['a', 4],
        ['b', 5],
      ]);
    });

    it.each([
      ['items: 5', 1, 'List: items: must be a list of objects (it is the number 5)'],
      ['items: null', 1, 'List: items: must be a list of objects (it is null)'],
      ['items: { a: b }', 1, 'List: items: must be a list of objects (it is a mapping)'],
      ['', 1, 'List: items: must be a list of objects (it is missing)'],
    ])('items that are not a list: %j', (items, line, message) => {
      const r = parseDocuments(`apiVersion: v1\nkind: List\n${items}\n`);
      expect(r.objects).toEqual([]);
      expect(r.problems).toEqual([{ line, message }]);
    });

    it('reports items that are scalars, null, lists or Lists, and keeps the good ones', () => {
      const r = parseDocuments(
        'apiVersion: v1\nkind: List\nitems:\n  - 5\n  - null\n  - [a]\n  - { apiVersion: v1, kind: List, items: [] }\n  - { apiVersion: v1, kind: Service, metadata: { name: ok } }\n  - "constructor"\n',
      );
      expect(r.objects.map((o) => o.object.metadata.name)).toEqual(['ok']);
      expect(r.problems.map((p) => `${p.line} ${p.message}`)).toEqual([
        '4 List item 1: a document must be a mapping with apiVersion, kind and metadata (this one is the number 5)',
        '5 List item 2: a document must be a mapping with apiVersion, kind and metadata (this one is null)',
        '6 List item 3: a document must be a mapping with apiVersion, kind and metadata (this one is a list)',
        '7 List item 4: a List inside a List is not read',
        '9 List item 6: a document must be a mapping with apiVersion, kind and metadata (this one is the string "constructor")',
      ]);
      expect(r.syntaxError).toBe(false);
    });
  });

  describe('hostile YAML is a problem on its line, never an exception', () => {
    it('an alias bomb (billion laughs)', () => {
      const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      for (let i = 1; i < 10; i++)
        levels.push(
          `${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(9)
            .fill(`*${'abcdefghij'[i - 1]}`)
            .join(',')}]`,
        );
      const text = `apiVersion: v1\nkind: Service\nmetadata: { name: a }\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: bomb }\n${levels.join('\n')}\n`;
      const r = parseDocuments(text);
      expect(r.objects.map((o) => o.object.metadata.name)).toEqual(['a']);
      expect(r.problems).toEqual([{ line: 5, message: expect.stringMatching(/^YAML could not be read: Excessive alias count/) }]);
      expect(r.syntaxError).toBe(true);
    });

    it('an alias inside its own anchor (a cycle)', () => {
      const r = parseDocuments('apiVersion: v1\nkind: Service\nmetadata: { name: a }\nspec: &x { loop: *x }\n');
      expect(r.problems[0]?.message).toMatch(/nested deeper than 100 levels|YAML/);
      expect(r.objects).toEqual([]);
    });

    it(`more than ${MAX_ALIASES} aliases in one document`, () => {
      const r = parseDocuments(
        `apiVersion: v1\nkind: Service\nmetadata: { name: a }\nx: &x 1\ny: [${Array(MAX_ALIASES + 1)
          .fill('*x')
          .join(', ')}]\n`,
      );
      expect(r.problems).toEqual([{ line: 5, message: `document has more than ${MAX_ALIASES} aliases (*name); not read` }]);
    });

    it.each([
      ['flow', (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`],
      ['flow, after a good document', (n: number) => `apiVersion: v1\nkind: Service\nmetadata: { name: a }\n---\n${'['.repeat(n)}${']'.repeat(n)}`],
      ['flow in a mapping', (n: number) => `apiVersion: v1\nkind: Service\nmetadata: { name: a }\nspec: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`],
      ['block', (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n'],
    ])('deep nesting (%s) is refused with a message that says so', (_shape, make) => {
      for (const depth of [MAX_DEPTH + 1, 100_000]) {
        if (_shape === 'block' && depth > 5000) continue; // 100,000 indented lines would be 5 GB
        const r = parseDocuments(make(depth));
        expect(r.problems).toHaveLength(1);
        expect(r.problems[0]!.message).toMatch(new RegExp(`^(document )?nested deeper than ${MAX_DEPTH} levels; not read$`));
        expect(r.problems[0]!.line).toBe(_shape.includes('after') ? 5 : _shape === 'flow in a mapping' ? 4 : _shape === 'block' ? MAX_DEPTH + 1 : 1);
        expect(r.syntaxError).toBe(true);
      }
      expect(
        parseDocuments(make(MAX_DEPTH - 5))
          .problems.map((p) => p.message)
          .join(),
      ).not.toContain('nested deeper');
    });

    it('deep nesting in JSON', () => {
      const started = performance.now();
      const r = parseDocuments(`{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"},"spec":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`);
      expect(r.problems).toEqual([{ line: 1, message: `nested deeper than ${MAX_DEPTH} levels; not read` }]);
      expect(performance.now() - started).toBeLessThan(1000); // refused as soon as it is seen
    });

    it('duplicate keys, found in linear time', () => {
      expect(parseDocuments('apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  "name": b\n').problems).toEqual([
        { line: 5, message: 'YAML syntax error: Map keys must be unique ("name" appears twice)' },
      ]);
      expect(parseDocuments('{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"},"kind":"Secret"}').problems[0]!.message).toBe(
        'YAML syntax error: Map keys must be unique ("kind" appears twice)',
      );
      const keys = Array.from({ length: 200_000 }, (_, i) => `  k${i}: 1`).join('\n');
      const started = performance.now();
      const r = parseDocuments(`apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\ndata:\n${keys}\n  k7: 2\n`);
      expect(r.problems).toEqual([{ line: 200_005, message: 'YAML syntax error: Map keys must be unique ("k7" appears twice)' }]);
      expect(performance.now() - started).toBeLessThan(15_000); // yaml's own pairwise check: hours
    });

    it('YAML 1.1 tags that make values JSON cannot hold', () => {
      const r = parseDocuments('%YAML 1.1\n---\napiVersion: v1\nkind: Secret\nmetadata: { name: a }\ndata: !!binary aGVsbG8=\n');
      expect(r.objects).toEqual([]);
      expect(r.problems[0]?.message).toMatch(/holds a value of type (Uint8Array|Buffer) \(from a YAML tag\), which is not JSON; not read/);
    });

    it('a thousand documents of nothing cost nothing; more than the limit refuse the file', () => {
      expect(parseDocuments('---\n'.repeat(1000)).problems).toEqual([]);
      const r = parseDocuments('apiVersion: v1\nkind: Service\nmetadata: { name: a }\n' + '---\n'.repeat(200_000), { maxDocuments: 5000 });
      expect(r).toEqual({
        objects: [],
        problems: [{ line: 1, message: 'more than 5000 documents (List items count as documents; the limit is --max-documents-per-file); not read' }],
        syntaxError: true,
      });
      const items = Array.from({ length: 11 }, (_, i) => `  - { apiVersion: v1, kind: Service, metadata: { name: s${i} } }`).join('\n');
      expect(parseDocuments(`apiVersion: v1\nkind: List\nitems:\n${items}\n`, { maxDocuments: 10 }).problems[0]!.message).toMatch(/^more than 10 documents/);
    });

    it('quotes user input as a bounded prefix', () => {
      const huge = 'K'.repeat(1_000_000);
      for (const text of [
        `apiVersion: v1\nkind: Service\nmetadata: { name: ${huge}, namespace: [x] }\n`,
        `apiVersion: v1\nkind: ${huge}\nmetadata: 5\n`,
        `apiVersion: v1\nkind: ${huge}\nmetadata: { name: 5 }\n`,
        `${huge}\n`,
        `apiVersion: v1\nkind: "${huge}\n`,
      ]) {
        const message = parseDocuments(text).problems[0]!.message;
        expect(message.length).toBeLessThan(400);
        if (!message.startsWith('YAML')) expect(message).toMatch(/more characters\)/);
      }
    });
  });
});

describe('parseFile', () => {
  it('reads UTF-8 with or without a byte order mark', () => {
    const doc = 'apiVersion: v1\nkind: Service\nmetadata: { name: a }\n';
    for (const prefix of ['', '\uFEFF']) expect(parseFile(bytes(prefix + doc)).objects.map((o) => o.object.metadata.name)).toEqual(['a']);
    expect(parseFile(bytes('\uFEFF{"apiVersion":"v1","kind":"Service","metadata":{"name":"j"}}')).objects).toHaveLength(1);
  });

  it.each([
    [
      'Latin-1 text',
      Buffer.concat([Buffer.from('apiVersion: v1\nkind: Service\nmetadata: { name: caf'), Buffer.from([0xe9]), Buffer.from(' }\n')]),
      3,
      'not UTF-8 text (byte 0xe9 is not valid UTF-8; a binary file?); not read',
    ],
    ['UTF-16', Buffer.from('\uFEFFapiVersion: v1\n', 'utf16le'), 1, 'UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8; not read'],
    ['a NUL byte', Buffer.from('apiVersion: v1\nkind: Service\u0000\n'), 2, 'binary content (a NUL byte); not read'],
    ['random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)), 1, undefined],
  ])('%s is a problem on its line', (_what, data, line, message) => {
    const r = parseFile(new Uint8Array(data));
    expect(r.objects).toEqual([]);
    expect(r.syntaxError).toBe(true);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.line).toBe(line);
    if (message) expect(r.problems[0]!.message).toBe(message);
  });
});
