// translate(snapshot) → { ir, gateways (xDS per node group), reports }. Pure and deterministic.
import type { ResourceSnapshot } from '@gatehouse/api';
import { Translator, type TranslateOptions, type Translation } from './translator.js';

/** One whole translation. A control plane keeps a Translator instead, which redoes only what changed. */
export function translate(snapshot: ResourceSnapshot, options: TranslateOptions): Translation {
  return new Translator(options, true).translate(snapshot);
}
