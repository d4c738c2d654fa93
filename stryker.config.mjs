// @ts-check
import fs from 'node:fs';
import process from 'node:process';

/**
 * `file:first-last` from the line holding `from` to the line reached by finding each of `to` in turn
 * after it (a string is looked for in a line, a RegExp matched against it): found in the code as it
 * is, so a range still covers its function after lines are added above it.
 * @param {string} file
 * @param {string} from
 * @param {Array<string | RegExp>} to
 */
function between(file, from, ...to) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const first = lines.findIndex((l) => l.includes(from));
  let last = first;
  for (const mark of to) {
    last = lines.findIndex((l, i) => i > last && (typeof mark === 'string' ? l.includes(mark) : mark.test(l)));
    if (last < 0) break;
  }
  if (first < 0 || last < 0) throw new Error(`stryker.config.mjs: a range of ${file} is no longer found (${from})`);
  return `${file}:${first + 1}-${last + 1}`;
}

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
    between('src/domain/reports/case-service.ts', '  async act(', /^}$/),
    'src/domain/sos/alert.ts',
    between('src/domain/sos/sos-service.ts', '  async act(alertId', "'SOS not acknowledged: escalated'", /^ {2}}$/),
    'src/domain/officer-gate.ts',
    'src/domain/people.ts',
    'src/store/repositories/counter-repository.ts',
    between('src/store/repositories/case-repository.ts', 'Moves a case from `from` to `to`', /^ {2}}$/),
    between('src/store/repositories/alert-repository.ts', 'Records a ladder step once', '  addMessage(', /^ {2}}$/),
    'src/store/repositories/lease-repository.ts',
    'src/messaging/rate-limiter.ts',
    between('src/bot/inbox.ts', 'export function isVerifyEvent', /^}$/),
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
