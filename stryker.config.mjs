// @ts-check
/**
 * Mutation testing of the rules (`npm run mutation`; issue 22, decision 0013): every `shared/<capability>/rules/`
 * folder, against the unit tests. Incremental: `reports/stryker-incremental.json` is committed, so a run (and CI)
 * tests only the mutants whose code or covering tests changed since it was written. `.ci/run` fails below `break`.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  mutate: ['shared/*/rules/**/*.ts'],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: 0 },
  concurrency: 2,
  // The sandbox copies the project: leave out what the unit tests never read.
  ignorePatterns: ['dist', '.azurite', '.local', 'bench/results', 'coverage', 'reports', '.stryker-tmp*'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  // Static mutants (module-level constants) reload every related test file each; decision 0013 (revision) leaves them out.
  ignoreStatic: true,
};
