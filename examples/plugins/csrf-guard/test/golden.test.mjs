// Golden cases (golden/<case>.in.yaml → .xds.json, .status.json) and envoy --mode validate, with the built plugin.
// Needs the gatehouse CLI ($GATEHOUSE_CLI or on PATH) and Envoy ($GATEHOUSE_ENVOY or on PATH). UPDATE_GOLDEN=1 rewrites.
import { test } from 'node:test';
import { URL } from 'node:url';
import { checkGoldenCase, goldenCases } from '@gatehouse/plugin-sdk/testing';

const kit = { plugins: [new URL('../dist/index.js', import.meta.url)], dir: new URL('../golden/', import.meta.url) };

for (const name of goldenCases(kit.dir)) {
  test(name, () => {
    checkGoldenCase(kit, name);
  });
}
