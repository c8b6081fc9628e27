export { translate } from './translate.js';
export { Translator, provenanceRecord, type GatewayXds, type Provenance, type TranslateOptions, type Translation } from './translator.js';
