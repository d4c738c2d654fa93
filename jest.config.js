/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // flatbush and its flatqueue ship ESM only; jest's own module loader cannot require() ESM on
  // Node 20/22, so these two are compiled to CommonJS like our sources.
  transformIgnorePatterns: ['/node_modules/(?!(flatbush|flatqueue)/)'],
  // Only loopback: any other host in a test is a bug (STYLE 11).
  setupFiles: ['<rootDir>/test/support/block-network.ts'],
  testTimeout: 20000,
};
