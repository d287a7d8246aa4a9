/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.local/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.local/'],
  // The worker builds `@azure/functions-core` into itself; under Jest a fake stands in (test/helpers).
  // Only Jest's module registry sees this: the local host loads apps with Node's own loader.
  moduleNameMapper: { '^@azure/functions-core$': '<rootDir>/test/helpers/functions-core.module.ts' },
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
};
