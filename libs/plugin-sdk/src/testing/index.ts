// `@gatehouse/plugin-sdk/testing`: test a plugin with golden in/out files and the real `envoy --mode validate`,
// without running the control plane. Translation goes through the `gatehouse` CLI ($GATEHOUSE_CLI or on PATH), so the
// plugin is tested by the same pipeline and version that serves it.
export { checkGoldenCase, goldenCases, stableJson, translateCase, type GoldenKit, type GoldenResult } from './golden.js';
export { envoyBinary, staticBootstrap, validateWithEnvoy, type GatewayXds } from './envoy-validate.js';
export { gatehouseCommand, runGatehouse, type CliRun } from './gatehouse-cli.js';
