// Mutation testing of the domain (`npm run test:mutation`): every mutant of src/domain must be
// killed by test/domain alone. Incremental: reports/mutation/stryker-incremental.json is kept in
// the repository, so a run re-tests only the mutants whose code or covering tests changed
// (`npm run test:mutation -- --force` rebuilds it from scratch).
import process from 'node:process';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: ['src/domain/**/*.ts'],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: process.stdout.isTTY ? ['clear-text', 'progress'] : ['clear-text'],
  clearTextReporter: { logTests: false, reportTests: false },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['data/', 'dist/', 'coverage/'],
  concurrency: 2,
};
