/** One jest run covers everything: static checks, unit, workflow (time-skipping), replay, integration and API. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  roots: ['<rootDir>/test'],
  setupFiles: ['<rootDir>/test/support/quiet-runtime.ts'],
  testMatch: ['**/*.test.ts'],
  testTimeout: 120_000,
  maxWorkers: 2,
  forceExit: false,
  verbose: false,
};
