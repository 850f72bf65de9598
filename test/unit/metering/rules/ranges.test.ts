/**
 * How much a publisher may read at once (shared/metering/rules/ranges.ts, decision record 0303): a usage query
 * spans at most 366 days between its instants, a usage report at most 366 days counted inclusively, and neither
 * may end before it starts.
 */
import { describe, expect, it } from 'vitest';
import { checkQueryRange, checkReportRange, MAX_QUERY_DAYS, MAX_REPORT_DAYS } from '../../../../shared/metering/rules/ranges';

const START = '2024-01-01T00:00:00.000Z';
const at = (iso: string) => new Date(iso);

describe('checkQueryRange (GET /api/usageEvents)', () => {
  it('states the limit: 366 days', () => {
    expect(MAX_QUERY_DAYS).toBe(366);
  });

  it.each([
    ['an end 1 ms before the start', '2023-12-31T23:59:59.999Z', 'reversed'],
    ['an end equal to the start', START, 'ok'],
    ['a day', '2024-01-02T00:00:00.000Z', 'ok'],
    ['exactly 366 days (all of leap year 2024)', '2025-01-01T00:00:00.000Z', 'ok'],
    ['366 days and 1 ms', '2025-01-01T00:00:00.001Z', 'tooLong'],
    ['two years', '2026-01-01T00:00:00.000Z', 'tooLong'],
  ])('from %s: %s → %s', (_name, end, expected) => {
    expect(checkQueryRange(at(START), at(end))).toBe(expected);
  });
});

describe('checkReportRange (the usage report, first and last day inclusive)', () => {
  it('states the limit: 366 days', () => {
    expect(MAX_REPORT_DAYS).toBe(366);
  });

  it.each([
    ['a last day before the first', '2023-12-31T00:00:00.000Z', 'reversed'],
    ['a last day 1 ms before the first', '2023-12-31T23:59:59.999Z', 'reversed'],
    ['a single day (last = first)', START, 'ok'],
    ['366 days inclusive: 2024-01-01 to 2024-12-31', '2024-12-31T00:00:00.000Z', 'ok'],
    ['the last millisecond of 2024-12-31', '2024-12-31T23:59:59.999Z', 'ok'],
    ['367 days inclusive: 2024-01-01 to 2025-01-01', '2025-01-01T00:00:00.000Z', 'tooLong'],
  ])('%s → %s', (_name, end, expected) => {
    expect(checkReportRange(at(START), at(end))).toBe(expected);
  });
});
