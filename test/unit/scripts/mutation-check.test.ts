/** Issue 22: CI fails when a rules folder's mutation score drops under its floor, or a new rules folder has none. */
import { describe, expect, it } from 'vitest';
import { check, folderCounts, score } from '../../../scripts/mutation-check.mjs';

const mutants = (...statuses: string[]) => ({ mutants: statuses.map((status) => ({ status })) });

const report = {
  files: {
    'shared/metering/rules/time.ts': mutants('Killed', 'Killed', 'Timeout', 'Survived'),
    'shared/metering/rules/billing.ts': mutants('Killed', 'NoCoverage', 'CompileError', 'Ignored'),
    'shared/saas/rules/lifecycle.ts': mutants('Killed'),
    'shared/saas/service/changes.ts': mutants('Survived'),
  },
};

describe('mutation floors', () => {
  it('adds up each rules folder, ignoring invalid and ignored mutants and files outside rules/', () => {
    expect(folderCounts(report)).toEqual({
      'shared/metering/rules': { killed: 3, timeout: 1, survived: 1, noCoverage: 1 },
      'shared/saas/rules': { killed: 1, timeout: 0, survived: 0, noCoverage: 0 },
    });
  });

  it("scores as Stryker does: detected over valid (a timeout counts as detected, no coverage as survived)", () => {
    expect(score({ killed: 3, timeout: 1, survived: 1, noCoverage: 1 })).toBeCloseTo(66.67, 2);
  });

  it('fails a folder under its floor and a folder with no floor, and passes one at its floor', () => {
    const counts = folderCounts(report);
    expect(check(counts, { 'shared/metering/rules': 66.66, 'shared/saas/rules': 100 })).toEqual([]);
    expect(check(counts, { 'shared/metering/rules': 70, 'shared/saas/rules': 100 })).toEqual([
      'shared/metering/rules: 66.67% is under its floor of 70%',
    ]);
    expect(check(counts, { 'shared/metering/rules': 60 })).toEqual(['shared/saas/rules: no floor in scripts/mutation-floors.json']);
  });
});
