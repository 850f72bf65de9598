import { defineConfig } from 'vitest/config';

/**
 * What `npm run mutation` runs against each mutant of a rules folder: the unit tests only (no Azurite, no host).
 * StrykerJS picks, per mutant, the tests that cover it.
 */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    exclude: ['test/unit/architecture.test.ts', 'test/unit/scripts/**', 'test/unit/local/**'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
