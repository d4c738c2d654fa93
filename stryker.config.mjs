// @ts-check
import process from 'node:process';

// Mutation testing (npm run mutation): how many deliberate bugs in the rules the suite notices.
// scripts/mutation.ts runs one folder at a time (MUTATION_FOLDER), each with its own incremental
// file under stryker/, so a later run of a folder re-tests only the mutants whose code or tests
// changed. Not part of `npm test`: a full first run takes hours on two cores.

/** What `npm run mutation -- <name>` mutates: the four folders, and the rules tests.md found unguarded. */
export const TARGETS = {
  domain: ['src/domain/**/*.ts'],
  bot: ['src/bot/**/*.ts'],
  messaging: ['src/messaging/**/*.ts'],
  repositories: ['src/store/repositories/**/*.ts'],
  // Across the four folders, the code behind the 20 mutations of tests.md (lifecycles, officer gates,
  // first acknowledge, ladder, counter, leases, token bucket, verify events): a run that fits in an hour.
  rules: [
    'src/domain/reports/case.ts',
    'src/domain/reports/case-service.ts:164-262',
    'src/domain/sos/alert.ts',
    'src/domain/sos/sos-service.ts:197-400',
    'src/domain/officer-gate.ts',
    'src/domain/people.ts',
    'src/store/repositories/counter-repository.ts',
    'src/store/repositories/case-repository.ts:65-80',
    'src/store/repositories/alert-repository.ts:74-133',
    'src/store/repositories/lease-repository.ts',
    'src/messaging/rate-limiter.ts',
    'src/bot/inbox.ts:57-60',
  ],
};

const name = process.env.MUTATION_FOLDER ?? 'domain';
// A sample (scripts/mutation.ts --sample): the lines chosen, as Stryker's `file:first-last` ranges.
const sampled = process.env.MUTATION_MUTATE
  ? /** @type {string[]} */ (JSON.parse(process.env.MUTATION_MUTATE))
  : undefined;
const mutate = sampled ?? TARGETS[/** @type {keyof typeof TARGETS} */ (name)];
if (!mutate) throw new Error(`MUTATION_FOLDER must be one of ${Object.keys(TARGETS).join(', ')}, not "${name}"`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // The browser test drives Chromium against a server of its own (mutants in this process never
    // reach it); benches live outside test/ and are not jest files at all.
    // Instrumented code with per-test coverage runs slower than `npm test`: more time per test.
    config: { testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/'], testTimeout: 60_000 },
  },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  // A mutant in code that runs when a module loads (a constant table, a regex) is "static": only the
  // whole suite (minutes here) can test it, once per mutant. Left out of the run and of the score.
  ignoreStatic: true,
  // The machine has two cores. Stryker gives half of these processes to the TypeScript checker,
  // which is idle once its program is built: four gives two test runners.
  concurrency: 4,
  // A mutant's run may take twice what its tests took unmutated, plus this. Integration tests start a
  // hub and the LINE emulator; a hung mutant costs this much, so not more than a quiet machine needs.
  timeoutMS: 10_000,
  timeoutFactor: 2,
  mutate,
  incremental: true,
  incrementalFile: `stryker/${name}.incremental.json`,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  clearTextReporter: { allowEmojis: false, logTests: false, reportScoreTable: true, reportMutants: false },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  // Anchored at the root: a bare 'reports' would also drop src/domain/reports.
  ignorePatterns: ['/reports', '/stryker', '/coverage', '/dist', '/data', '/bench/results'],
  thresholds: { high: 90, low: 80, break: null },
};

export default config;
