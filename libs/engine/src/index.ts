export { translate } from './translate.js';
export { Translator, provenanceRecord, shapedByRecord, type GatewayXds, type Provenance, type TranslateOptions, type Translation } from './translator.js';
export { DIRECT_HOOK_RUNNER, type HookCall, type HookName, type HookOverrun, type HookRunner } from '@gatehouse/xds-translator';
