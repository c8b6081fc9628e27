// Golden cases of a built-in filter plugin (plugins/<name>/golden/<case>.in.yaml → <case>.xds.json and
// <case>.status.json), through the built `gatehouse translate` and the real `envoy --mode validate`, with the SDK's
// test kit — the same one a plugin author uses. UPDATE_GOLDEN=1 rewrites the expected files; review their diff.
import { join } from 'node:path';
import { it } from 'vitest';
import { checkGoldenCase, goldenCases } from '@gatehouse/plugin-sdk/testing';
import { CLI, envoyBinary } from './peers.js';

/** One test per case in `dir` (the plugin is built in: nothing to load with --plugin). */
export function pluginGoldens(dir: string): void {
  const kit = { plugins: [], dir, gatehouse: CLI, envoy: envoyBinary() };
  it.each(goldenCases(dir))('golden %s', (name) => {
    checkGoldenCase(kit, name);
  });
}

export const goldenDir = (pluginSrc: string) => join(pluginSrc, '..', 'golden');
