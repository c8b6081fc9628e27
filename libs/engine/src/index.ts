export { translate, type TranslateOptions, type Translation } from './translate.js';
export type { GatewayXds, Provenance } from '@gatehouse/xds-translator';
