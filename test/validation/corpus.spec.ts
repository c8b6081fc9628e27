// The validation corpus: every object's expected outcome, from apiserver-grade validation or the translator.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject, StoredResource } from '@gatehouse/api';
import { BUILTIN_PLUGINS } from '@gatehouse/controller';
import { translate } from '@gatehouse/engine';
import { describeErrors, validateObject } from '@gatehouse/validation';

const docs = parseAllDocuments(readFileSync(join(import.meta.dirname, 'corpus.yaml'), 'utf8')).map((d) => d.toJS() as KubeObject);
const ann = (o: KubeObject, k: string) => o.metadata.annotations?.[`test.gatehouse.dev/${k}`];

function get(obj: unknown, path: string): unknown {
  return path
    .split(/\.|\[(\d+)\]/)
    .filter(Boolean)
    .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

describe('validation corpus', () => {
  it.each(docs.filter((d) => ann(d, 'layer') === 'apiserver').map((d) => [d.metadata.name, d] as const))('%s', (_name, doc) => {
    const result = validateObject(doc, { loopbackEndpoints: false });
    const expected = ann(doc, 'expect')!;
    if (expected === 'valid') expect(describeErrors(result.errors)).toBe('');
    else expect(describeErrors(result.errors)).toContain(expected);
    for (const [path, value] of Object.entries(JSON.parse(ann(doc, 'expect-defaults') ?? '{}') as Record<string, unknown>)) {
      expect(get(result.object, path), `default of ${path}`).toEqual(value);
    }
  });

  it.each(docs.filter((d) => ann(d, 'layer') === 'translator').map((d) => [d.metadata.name, d] as const))('%s (translator)', (_name, doc) => {
    const valid = validateObject(doc, { loopbackEndpoints: false });
    expect(describeErrors(valid.errors), 'the apiserver accepts it').toBe('');
    const stored: StoredResource = {
      key: `HTTPRoute/corpus/${doc.metadata.name}`,
      ref: { kind: 'HTTPRoute', namespace: 'corpus', name: doc.metadata.name },
      object: valid.object,
      origin: { source: 'inline' },
      createdAt: '2026-01-01T00:00:00Z',
    };
    const t = translate({ resources: new Map([[stored.key, stored]]), problems: [] }, { plugins: BUILTIN_PLUGINS });
    const messages = t.reports.find((r) => r.ref.name === doc.metadata.name)?.messages.join('\n') ?? '';
    expect(messages).toContain(ann(doc, 'expect')!);
  });
});
