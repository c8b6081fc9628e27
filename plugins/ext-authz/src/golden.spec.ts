import { describe } from 'vitest';
import { goldenDir, pluginGoldens } from '../../../test/harness/plugin-golden.js';

describe('ext-authz goldens', () => pluginGoldens(goldenDir(import.meta.dirname)));
