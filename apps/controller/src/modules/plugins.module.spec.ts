import { expect, it } from 'vitest';
import { pluginsView } from './plugins.module.js';

it('moves a plugin whose declared protos do not load from loaded to failed, with the file and why', () => {
  const state = {
    report: {
      sdkVersion: '0.2.0',
      builtin: ['router'],
      loaded: [
        { name: 'good', module: './good.mjs', origin: 'command-line' as const, file: '/x/good.mjs', warnings: [] },
        { name: 'bad', module: '@acme/bad', origin: 'settings' as const, file: '/x/bad.js', warnings: [] },
      ],
      failed: [],
    },
    restartPending: 'Settings a/b: spec.plugins changed',
  };
  const v = pluginsView(state, [{ plugin: 'bad', file: 'envoy/nope.proto', message: 'not in the Envoy API set' }]);
  expect(v.loaded.map((p) => p.name)).toEqual(['good']);
  expect(v.failed).toEqual([
    {
      module: '@acme/bad',
      origin: 'settings',
      where: 'Settings',
      name: 'bad',
      reason: 'its declared protos do not load: envoy/nope.proto: not in the Envoy API set',
    },
  ]);
  expect(v.restartPending).toBe('Settings a/b: spec.plugins changed');
  expect(state.report.loaded).toHaveLength(2);
});
