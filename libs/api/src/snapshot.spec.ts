import { describe, expect, it } from 'vitest';
import { DepRecorder, changeDeps, resourcesByLabel, resourcesOfKind, trackedSnapshot, type ResourceSnapshot, type StoredResource } from './snapshot.js';

const stored = (kind: string, name: string, labels?: Record<string, string>): StoredResource => ({
  key: `${kind}/default/${name}`,
  ref: { kind, namespace: 'default', name },
  object: { apiVersion: 'v1', kind, metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) } },
  origin: { source: 'inline' },
  createdAt: '2026-01-01T00:00:00Z',
});
const snap = (items: StoredResource[], extra: Partial<ResourceSnapshot> = {}): ResourceSnapshot => ({
  resources: new Map(items.map((r) => [r.key, r])),
  problems: [],
  ...extra,
});

describe('snapshot index', () => {
  it('derives the next index from the last one by patching what changed', () => {
    const a = stored('Service', 'a');
    const c = stored('Service', 'c');
    const slice = stored('EndpointSlice', 'a-1', { 'kubernetes.io/service-name': 'a' });
    const first = snap([a, c, slice], { revision: {} });
    expect(resourcesByLabel(first, 'EndpointSlice', 'default', 'kubernetes.io/service-name', 'a')).toEqual([slice]);
    const b = stored('Service', 'b');
    const moved = stored('EndpointSlice', 'a-1', { 'kubernetes.io/service-name': 'b' });
    const second = snap([a, b, moved], {
      revision: {},
      changes: { since: first.revision!, keys: new Set(['Service/default/b', 'Service/default/c', 'EndpointSlice/default/a-1']) },
    });
    expect(resourcesOfKind(second, 'Service').map((r) => r.ref.name)).toEqual(['a', 'b']);
    expect(resourcesByLabel(second, 'EndpointSlice', 'default', 'kubernetes.io/service-name', 'a')).toEqual([]);
    expect(resourcesByLabel(second, 'EndpointSlice', 'default', 'kubernetes.io/service-name', 'b')).toEqual([moved]);
    // The first snapshot's answers are untouched.
    expect(resourcesOfKind(first, 'Service').map((r) => r.ref.name)).toEqual(['a', 'c']);
  });
});

describe('tracked snapshot', () => {
  it('records keys, kind listings, label queries and whole-map reads', () => {
    const base = snap([stored('Service', 'a'), stored('EndpointSlice', 'a-1', { app: 'x' })]);
    const recorder = new DepRecorder();
    const view = trackedSnapshot(base, recorder);
    const { value, deps } = recorder.capture(() => {
      view.resources.get('Service/default/a');
      resourcesOfKind(view, 'Service');
      return resourcesByLabel(view, 'EndpointSlice', 'default', 'app', 'x').length;
    });
    expect(value).toBe(1);
    expect([...deps]).toEqual(['Service/default/a', 'kind:Service', 'label:EndpointSlice|app|default/x']);
    expect(recorder.capture(() => [...view.resources.values()].length).deps).toEqual(new Set(['*']));
  });

  it('counts an inner capture for the enclosing one too', () => {
    const recorder = new DepRecorder();
    const outer = recorder.capture(() => {
      recorder.read('a');
      recorder.capture(() => recorder.read('b'));
    });
    expect([...outer.deps]).toEqual(['a', 'b']);
  });

  it('names what a change touches: the key, its kind and each of its labels, old and new', () => {
    const out = new Set<string>();
    changeDeps('EndpointSlice/default/a-1', stored('EndpointSlice', 'a-1', { 'kubernetes.io/service-name': 'a' }), out);
    expect([...out]).toEqual(['EndpointSlice/default/a-1', 'kind:EndpointSlice', 'label:EndpointSlice|kubernetes.io/service-name|default/a']);
  });
});
