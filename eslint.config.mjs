import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.tools/', '.data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
      'no-console': 'off',
    },
  },
  {
    // The processes log through their pino logger (telemetry/logger.ts); tools/ and scripts/ print to the terminal.
    files: ['api/**/*.ts', 'worker/**/*.ts', 'activities/**/*.ts', 'telemetry/**/*.ts', 'sandbox/**/*.ts', 'config/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // CommonJS files Node loads as they are (node --require).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', process: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Workflow code is bundled into Temporal's deterministic sandbox: no Node built-ins, no I/O libraries.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          // Types erase at compile time, so workflow code may share the activities' contracts. zod is allowed: it is pure,
          // and the command contract (workflows/contract.ts) is validated inside the workflow with it.
          patterns: [
            { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'child_process', 'net'], message: 'Workflow code must not import Node built-ins.' },
            { group: ['mongoose', 'express', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '**/activities/**', '**/api/**', '**/config/**'], message: 'Workflow code must stay deterministic and free of I/O.', allowTypeImports: true },
          ],
        },
      ],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Read time through workflows/clock-source.ts so every use of workflow time is in one place.' }],
    },
  },
  {
    // The console's browser modules (console/js), served as they are: no bundler, no Node globals.
    files: ['console/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'sessionStorage', 'localStorage', 'navigator', 'Intl', 'fetch', 'URL', 'URLSearchParams', 'FormData', 'Node', 'Blob', 'setTimeout', 'setInterval', 'clearInterval', 'clearTimeout', 'queueMicrotask', 'console', 'Chart'].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ignores: ['console/**'],
    languageOptions: { globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
