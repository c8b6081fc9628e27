import { describe, expect, it } from 'vitest';
import type { ResourceSnapshot, StoredResource } from '@gatehouse/api';
import { commandLineSettings, withSettingsResource } from './settings-resource.js';

const settings = (name: string, discovery: Record<string, unknown>): StoredResource => ({
  key: `Settings/gatehouse/${name}`,
  ref: { kind: 'Settings', namespace: 'gatehouse', name },
  object: {
    apiVersion: 'gatehouse.dev/v1alpha1',
    kind: 'Settings',
    metadata: { name, namespace: 'gatehouse' },
    spec: { discovery },
  } as StoredResource['object'],
  origin: { source: 'file', file: 's.yaml', line: 1 },
  createdAt: '2026-01-01T00:00:00Z',
});
const snap = (rs: StoredResource[]): ResourceSnapshot => ({ resources: new Map(rs.map((r) => [r.key, r])), problems: [] });

describe('discovery settings', () => {
  const base = commandLineSettings(['kubernetes', 'openapi'], ['kubernetes'], { interval: '30s' });

  it('the command line enables by name, with defaults for all; an unknown name is refused', () => {
    expect(base['kubernetes']).toMatchObject({ enabled: true, intervalMs: 30_000, optIn: true, concurrency: 2 });
    expect(base['openapi']).toMatchObject({ enabled: false });
    expect(() => commandLineSettings(['kubernetes'], ['lambda'], {})).toThrow('--discovery: unknown discoverer lambda (known: kubernetes)');
  });

  it('a Settings resource overrides per discoverer; problems name it and the field', () => {
    const { settings: s, problems } = withSettingsResource(
      base,
      snap([settings('a', { openapi: { enabled: true, interval: '5m', namespaces: ['apps'] }, kubernetes: { interval: '1ms' }, nope: {} }), settings('b', {})]),
    );
    expect(s['openapi']).toMatchObject({ enabled: true, intervalMs: 300_000, namespaces: ['apps'] });
    expect(s['kubernetes']).toEqual(base['kubernetes']);
    expect(problems.map((p) => p.message)).toEqual([
      'Settings gatehouse/b is ignored: Settings gatehouse/a is the one in effect (keep one Settings resource)',
      "Settings gatehouse/a: spec.discovery.kubernetes.interval: at least 1s (discovery must not flood what it asks); the command line's settings are used for kubernetes",
      'Settings gatehouse/a: spec.discovery.nope: unknown discoverer (known: kubernetes, openapi)',
    ]);
  });
});
