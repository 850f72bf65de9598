/** The cleanup's stored report: counts, the first ids of each list, what was left out (decision 0707). */
import { describe, expect, it } from 'vitest';
import { REPORT_ERROR_CHARS, REPORT_ERRORS, REPORT_IDS, reportOf, type CleanupTally } from '../../../../shared/testdrive/rules/report';

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

function tally(over: Partial<CleanupTally> = {}): CleanupTally {
  return {
    ranAt: '2026-03-01T00:00:00.000Z', pools: 2, expiredDrives: [], failedDrives: [], stuckInstances: [], orphanGroups: [],
    leadsCaptured: 1, created: 2, drained: 3, progressed: 4, purged: 5, errors: [], ...over,
  };
}

describe('reportOf', () => {
  it('keeps a small tally whole, with its counts and nothing truncated', () => {
    const report = reportOf(tally({ expiredDrives: ['d1'], failedDrives: ['d2', 'd3'], stuckInstances: ['i1'], orphanGroups: ['g1'], errors: ['e'] }));
    expect(report).toEqual({
      ranAt: '2026-03-01T00:00:00.000Z', pools: 2, expiredDrives: ['d1'], failedDrives: ['d2', 'd3'], stuckInstances: ['i1'], orphanGroups: ['g1'],
      leadsCaptured: 1, created: 2, drained: 3, progressed: 4, purged: 5, errors: ['e'],
      counts: { expiredDrives: 1, failedDrives: 2, stuckInstances: 1, orphanGroups: 1, errors: 1 },
      truncated: 0,
    });
  });

  it('keeps exactly the first REPORT_IDS ids of each list and counts the rest', () => {
    expect(REPORT_IDS).toBe(100);
    const report = reportOf(
      tally({ expiredDrives: ids('d', 1000), failedDrives: ids('f', 101), stuckInstances: ids('s', 100), orphanGroups: ids('g', 99) }),
    );
    expect(report.expiredDrives).toEqual(ids('d', 100));
    expect(report.failedDrives).toEqual(ids('f', 100));
    expect(report.stuckInstances).toEqual(ids('s', 100));
    expect(report.orphanGroups).toEqual(ids('g', 99));
    expect(report.counts).toEqual({ expiredDrives: 1000, failedDrives: 101, stuckInstances: 100, orphanGroups: 99, errors: 0 });
    expect(report.truncated).toBe(900 + 1);
  });

  it('keeps the first REPORT_ERRORS errors, each cut to REPORT_ERROR_CHARS characters', () => {
    expect([REPORT_ERRORS, REPORT_ERROR_CHARS]).toEqual([20, 500]);
    const long = 'x'.repeat(501);
    const exact = 'y'.repeat(500);
    const report = reportOf(tally({ errors: [long, exact, ...ids('e', 20)] }));
    expect(report.errors).toHaveLength(20);
    expect(report.errors[0]).toBe(`${'x'.repeat(499)}…`);
    expect(report.errors[1]).toBe(exact);
    expect(report.errors[19]).toBe('e17');
    expect(report.counts.errors).toBe(22);
    expect(report.truncated).toBe(2);
  });

  it('bounds the report of any cleanup: the largest one fits in a few Table properties, far below 1 MiB', () => {
    const id = (n: number) => Array.from({ length: n }, (_, i) => `${'p'.repeat(50)}.${'o'.repeat(50)}.${String(i).padStart(26, '0')}`);
    const report = reportOf(
      tally({ expiredDrives: id(100_000), failedDrives: id(5000), stuckInstances: id(5000), orphanGroups: id(5000), errors: Array(500).fill('z'.repeat(2000)) }),
    );
    expect(JSON.stringify(report).length).toBeLessThan(4 * 32_000);
    expect(report.truncated).toBe(99_900 + 3 * 4900 + 480);
  });
});
