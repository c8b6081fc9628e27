import { defineConfig } from 'vitest/config';

// Unit and golden tests import TypeScript sources directly (the `@gatehouse/source` export condition);
// end-to-end tests drive the built CLI, a real Envoy and real backends.
export default defineConfig({
  resolve: { conditions: ['@gatehouse/source'] },
  ssr: { resolve: { conditions: ['@gatehouse/source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'libs/*/src/**/*.spec.ts',
            'plugins/*/src/**/*.spec.ts',
            'apps/*/src/**/*.spec.ts',
            'test/golden/**/*.spec.ts',
            'test/validation/**/*.spec.ts',
            'test/robustness/**/*.spec.ts',
            'test/fuzz/**/*.spec.ts',
          ],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.spec.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Envoys and control planes per file; two cores: keep files sequential.
          fileParallelism: false,
        },
      },
    ],
  },
});
