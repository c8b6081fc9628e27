import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.tools/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Boundaries: plugins import only the SDK; the translation core does no I/O and no NestJS.
    files: ['plugins/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@gatehouse/*', '!@gatehouse/plugin-sdk'], message: 'Plugins import only @gatehouse/plugin-sdk.' }] },
      ],
    },
  },
  {
    files: ['libs/{ir,translator,xds-translator,engine,plugin-sdk}/src/**/*.ts'],
    // The SDK's test kit is a development tool beside translation: it reads golden files and runs the CLI and Envoy.
    ignores: ['**/*.spec.ts', 'libs/plugin-sdk/src/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:fs*', 'node:net', 'node:http*', '@nestjs/*', '@grpc/*', 'typeorm'], message: 'The translation core does no I/O.' }] },
      ],
    },
  },
  {
    // The translation core reads no clock: same input, same output. Hook budgets are measured by the control plane's
    // hook runner (apps/controller/src/hook-budget.ts), outside the core.
    files: ['libs/{engine,translator,xds-translator}/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'performance', message: 'The translation core reads no clock; measure in the hook runner (TranslateOptions.hookRunner).' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'The translation core reads no clock (Date.now).' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'The translation core reads no clock (new Date()).' },
        { selector: "CallExpression[callee.name='Date']", message: 'The translation core reads no clock (Date()).' },
        {
          selector: "MemberExpression[object.name='process'][property.name=/^(hrtime|uptime)$/]",
          message: 'The translation core reads no clock (process.hrtime).',
        },
        { selector: "MemberExpression[object.name='globalThis'][property.name='performance']", message: 'The translation core reads no clock (performance).' },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', '.ci/**'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        globalThis: 'readonly',
      },
    },
  },
);
