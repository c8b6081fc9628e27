import { describe, expect, it } from 'vitest';
import { parseDocuments } from './parse-documents.js';

describe('parseDocuments', () => {
  it('reads every document with its line, and skips empty ones', () => {
    const r = parseDocuments('---\napiVersion: v1\nkind: Service\nmetadata: { name: a }\n---\n---\n# comment\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n');
    expect(r.problems).toEqual([]);
    expect(r.objects.map((o) => [o.object.metadata.name, o.line])).toEqual([['a', 2], ['b', 8]]);
  });

  it('reports a bad document with its line and keeps the others', () => {
    const r = parseDocuments('apiVersion: v1\nkind: Service\nmetadata: { name: a }\n---\napiVersion: v1\nkind: [oops\n---\napiVersion: v1\nkind: Service\nmetadata: { name: c }\n');
    expect(r.objects.map((o) => o.object.metadata.name)).toEqual(['a', 'c']);
    expect(r.syntaxError).toBe(true);
    expect(r.problems[0]!.line).toBeGreaterThanOrEqual(6); // where YAML notices the unclosed flow
    expect(r.problems[0]!.message).toMatch(/^YAML syntax error/);
  });

  it.each([
    ['- just\n- a list\n', 'a document must be a mapping'],
    ['kind: Service\nmetadata: { name: a }\n', 'apiVersion: required'],
    ['apiVersion: v1\nmetadata: { name: a }\n', 'kind: required'],
    ['apiVersion: v1\nkind: Service\n', 'Service: metadata: required'],
    ['apiVersion: v1\nkind: Service\nmetadata: { namespace: x }\n', 'Service: metadata.name: required'],
    ['apiVersion: v1\nkind: Service\nmetadata: { name: a, name: b }\n', 'YAML syntax error'],
  ])('names what is wrong: %j', (text, message) => {
    expect(parseDocuments(text).problems[0]?.message).toContain(message);
  });

  it('unwraps a List', () => {
    const r = parseDocuments('apiVersion: v1\nkind: List\nitems:\n  - { apiVersion: v1, kind: Service, metadata: { name: a } }\n');
    expect(r.objects.map((o) => o.object.metadata.name)).toEqual(['a']);
  });
});
