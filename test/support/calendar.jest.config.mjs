// @ts-check
// `npm run test:calendar`: the suite with the calendar moved (calendar-shift.ts), browser tests aside.
import base from '../../jest.config.js';

/** @type {import('jest').Config} */
const config = {
  ...base,
  rootDir: '../..',
  setupFiles: [...(base.setupFiles ?? []), '<rootDir>/test/support/calendar-shift.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/'],
};

export default config;
