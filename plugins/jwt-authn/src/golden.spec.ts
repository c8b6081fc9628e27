import { describe } from 'vitest';
import { goldenDir, pluginGoldens } from '../../../test/harness/plugin-golden.js';

describe('jwt-authn goldens', () => pluginGoldens(goldenDir(import.meta.dirname)));
