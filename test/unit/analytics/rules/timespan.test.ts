import { describe, expect, it } from 'vitest';
import { dateWindow, explicitWindow, inWindow, isoDay, monthsBack } from '../../../../shared/analytics/rules/timespan';

const AT = new Date('2031-03-31T23:59:59.999Z');

describe('dateWindow', () => {
  it.each([
    ['TODAY', { from: '2031-03-31', to: '2031-03-31' }],
    ['YESTERDAY', { from: '2031-03-30', to: '2031-03-30' }],
    ['LAST_7_DAYS', { from: '2031-03-25', to: '2031-03-31' }],
    ['LAST_14_DAYS', { from: '2031-03-18', to: '2031-03-31' }],
    ['LAST_30_DAYS', { from: '2031-03-02', to: '2031-03-31' }],
    ['LAST_90_DAYS', { from: '2031-01-01', to: '2031-03-31' }],
    ['LAST_180_DAYS', { from: '2030-10-03', to: '2031-03-31' }],
    ['LAST_365_DAYS', { from: '2030-04-01', to: '2031-03-31' }],
    ['LAST_MONTH', { from: '2031-02-28', to: '2031-03-31' }],
    ['LAST_3_MONTHS', { from: '2030-12-31', to: '2031-03-31' }],
    ['LAST_6_MONTHS', { from: '2030-09-30', to: '2031-03-31' }],
    ['LAST_1_YEAR', { from: '2030-03-31', to: '2031-03-31' }],
    ['LIFETIME', { to: '2031-03-31' }],
  ] as const)('%s at the last instant of 31 March 2031 is %j', (span, window) => {
    expect(dateWindow(span, AT)).toEqual(window);
  });

  it('starts at midnight: the first instant of a day is that day', () => {
    expect(dateWindow('LAST_7_DAYS', new Date('2031-03-10T00:00:00Z'))).toEqual({ from: '2031-03-04', to: '2031-03-10' });
    expect(dateWindow('YESTERDAY', new Date('2031-03-01T00:00:00Z'))).toEqual({ from: '2031-02-28', to: '2031-02-28' });
  });
});

describe('monthsBack', () => {
  it.each([
    ['2031-03-31T10:00:00Z', 1, '2031-02-28'],
    ['2032-03-31T10:00:00Z', 1, '2032-02-29'],
    ['2031-03-15T10:00:00Z', 1, '2031-02-15'],
    ['2031-01-31T10:00:00Z', 2, '2030-11-30'],
    ['2031-05-31T10:00:00Z', 1, '2031-04-30'],
    ['2031-03-30T10:00:00Z', 1, '2031-02-28'],
    ['2031-03-28T10:00:00Z', 1, '2031-02-28'],
    ['2031-03-27T10:00:00Z', 1, '2031-02-27'],
    ['2031-03-01T10:00:00Z', 12, '2030-03-01'],
  ] as const)('%s minus %i months is %s', (at, months, day) => {
    expect(monthsBack(new Date(at), months)).toBe(day);
  });
});

describe('explicitWindow and inWindow', () => {
  it('takes the days of QueryStartTime and QueryEndTime, open where absent', () => {
    expect(explicitWindow('2031-01-05T10:00:00Z', '2031-02-01T00:00:00Z', AT)).toEqual({ from: '2031-01-05', to: '2031-02-01' });
    expect(explicitWindow(undefined, undefined, AT)).toEqual({ to: '2031-03-31' });
    expect(explicitWindow('2031-01-05T10:00:00Z', undefined, AT)).toEqual({ from: '2031-01-05', to: '2031-03-31' });
  });

  it('includes both ends; a null day only in an unbounded window', () => {
    const window = { from: '2031-01-05', to: '2031-01-07' };
    expect(['2031-01-04', '2031-01-05', '2031-01-06', '2031-01-07', '2031-01-08'].map((d) => inWindow(d, window))).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
    expect(inWindow(null, window)).toBe(false);
    expect(inWindow(null, { to: '2031-01-07' })).toBe(true);
    expect(inWindow('1999-01-01', { to: '2031-01-07' })).toBe(true);
    expect(inWindow('2031-01-08', { to: '2031-01-07' })).toBe(false);
  });

  it('isoDay is the UTC day', () => {
    expect(isoDay(new Date('2031-03-31T23:59:59.999Z'))).toBe('2031-03-31');
  });
});
