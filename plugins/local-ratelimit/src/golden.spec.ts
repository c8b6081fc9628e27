import { describe } from 'vitest';
import { goldenDir, pluginGoldens } from '../../../test/harness/plugin-golden.js';

describe('local-ratelimit goldens', () => pluginGoldens(goldenDir(import.meta.dirname)));
