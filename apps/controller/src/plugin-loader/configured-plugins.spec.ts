// After start-up, a changed Settings spec.plugins asks for a restart (once per new value), and going back clears it.
import { expect, it } from 'vitest';
import { resourceKey, type ResourceSnapshot, type StoredResource } from '@gatehouse/api';
import { Log } from '../log.js';
import { settingsChangeWatcher } from './configured-plugins.js';
import { pluginsOfSettings } from './settings-plugins.js';

function snapshot(plugins: string[]): ResourceSnapshot {
  const ref = { kind: 'Settings', namespace: 'gatehouse', name: 'settings' };
  const object = { apiVersion: 'gatehouse.dev/v1alpha1', kind: 'Settings', metadata: { namespace: 'gatehouse', name: 'settings' }, spec: { plugins } };
  const stored: StoredResource = {
    key: resourceKey(ref),
    ref,
    object,
    origin: { source: 'file', file: 'settings.yaml', line: 1 },
    createdAt: '1970-01-01T00:00:00Z',
  };
  return { resources: new Map([[stored.key, stored]]), problems: [] };
}

it('warns once per new spec.plugins value and clears when it is back to what was loaded', () => {
  const atStart = pluginsOfSettings([snapshot(['./a.mjs']).resources.values().next().value!.object], '/cfg');
  const warned: string[] = [];
  const log = new Log('error');
  log.warn = (m: string) => void warned.push(m);
  const pending: Array<string | undefined> = [];
  const watch = settingsChangeWatcher(atStart, '/cfg', log, (p) => pending.push(p));
  watch(snapshot(['./a.mjs']));
  expect(warned).toEqual([]);
  watch(snapshot(['./a.mjs', '@acme/b']));
  watch(snapshot(['./a.mjs', '@acme/b']));
  expect(warned).toEqual([
    'Settings gatehouse/settings: spec.plugins changed to ["./a.mjs","@acme/b"]; plugins load at start-up: restart the controller to apply it (running with ["./a.mjs"])',
  ]);
  watch(snapshot(['./a.mjs']));
  expect(pending).toEqual([warned[0], undefined]);
});
