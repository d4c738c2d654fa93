/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // Only loopback: any other host in a test is a bug (STYLE 11).
  setupFiles: ['<rootDir>/test/support/block-network.ts'],
  testTimeout: 20000,
};
