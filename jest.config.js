/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // src as a root too, so coverage counts the files no test imports (jest only sees files under its roots).
  roots: ['<rootDir>/test', '<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // flatbush and its flatqueue ship ESM only; jest's own module loader cannot require() ESM on
  // Node 20/22, so these two are compiled to CommonJS like our sources.
  transformIgnorePatterns: ['/node_modules/(?!(flatbush|flatqueue)/)'],
  // Only loopback: any other host in a test is a bug (STYLE 11).
  setupFiles: ['<rootDir>/test/support/block-network.ts'],
  testTimeout: 20000,
  // `npm run coverage`. The simulator's page scripts (src/emulator/web) and the dashboard (src/dashboard,
  // built by Vite) run in Chromium, not in Node: test/browser drives them there, and jest does not load
  // them (tsconfig.json leaves them out too); declaration files hold no code.
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.d.ts', '!src/emulator/web/**', '!src/dashboard/**'],
  coverageReporters: ['text-summary', 'json-summary', 'html'],
};
