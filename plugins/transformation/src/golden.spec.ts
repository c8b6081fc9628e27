import { describe } from 'vitest';
import { goldenDir, pluginGoldens } from '../../../test/harness/plugin-golden.js';

describe('transformation goldens', () => pluginGoldens(goldenDir(import.meta.dirname)));
