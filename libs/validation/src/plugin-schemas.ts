// The schemas of plugin-owned kinds, by `group/version/kind`: filled by registerPluginKinds, read by resolveKind.
import type { KindSchema } from './schema.js';

export const PLUGIN_SCHEMAS = new Map<string, KindSchema>();
