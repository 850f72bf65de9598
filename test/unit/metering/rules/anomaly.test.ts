/**
 * The anomaly detector's band and the publisher's decisions (shared/metering/rules/anomaly.ts; specs/metering.md
 * 2.10, 3.13; decision record 0305): the expected value is the median of the trailing 28 days, the band
 * k · 1.4826 · MAD wide on each side but never narrower than 10 % of the expected value, and a day is flagged when
 * it leaves the band upwards (a spike) or downwards (a drop).
 */
import { describe, expect, it } from 'vitest';
import {
  checkDecision,
  creditQuantity,
  decisionLabel,
  deviationPercent,
  judgeDay,
  type Anomaly,
} from '../../../../shared/metering/rules/anomaly';
import { DAY_MS, isoDate } from '../../../../shared/metering/rules/time';

const JUDGED = '2024-03-01';
/** The day `back` days before the judged day. */
const before = (back: number) => isoDate(new Date(Date.parse(`${JUDGED}T00:00:00Z`) - back * DAY_MS));

/** A series with `history(back)` on each of the given days back, and `value` on the judged day. */
function series(days: readonly number[], history: (back: number) => number, value: number): Map<string, number> {
  const s = new Map(days.map((back) => [before(back), history(back)]));
  s.set(JUDGED, value);
  return s;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const last28 = range(1, 28);
const flat100 = (value: number) => series(last28, () => 100, value);
/** 90 and 110 on alternate days: median 100, MAD 10. */
const swinging = (value: number) => series(last28, (back) => (back % 2 === 0 ? 90 : 110), value);

describe('judgeDay: the band', () => {
  it('is ±10 % of the expected value around a flat history (the floor), and says so', () => {
    expect(judgeDay(flat100(100), JUDGED)).toEqual({ expected: 100, lower: 90, upper: 110, anomalous: false });
  });

  it.each([
    [109, false],
    [110, false], // on the upper bound: inside
    [111, true],
    [1000, true],
  ])('flags a spike above a flat history: %s → %s', (value, anomalous) => {
    expect(judgeDay(flat100(value), JUDGED)?.anomalous).toBe(anomalous);
  });

  it.each([
    [91, false],
    [90, false], // on the lower bound: inside
    [89, true],
    [10, true], // a customer whose usage collapses is flagged too
  ])('flags a drop below a flat history: %s → %s', (value, anomalous) => {
    expect(judgeDay(flat100(value), JUDGED)?.anomalous).toBe(anomalous);
  });

  it('widens to 3 × 1.4826 × MAD when the history swings more than the floor', () => {
    const verdict = judgeDay(swinging(100), JUDGED);
    expect(verdict?.expected).toBe(100);
    expect(verdict?.lower).toBeCloseTo(100 - 3 * 1.4826 * 10, 9); // 55.522
    expect(verdict?.upper).toBeCloseTo(100 + 3 * 1.4826 * 10, 9); // 144.478
  });

  it.each([
    [140, false], // inside 3 robust standard deviations, though outside ±10 % and outside 3 / 1.4826 × MAD
    [145, true],
    [60, false],
    [55, true],
  ])('judges %s against a swinging history as anomalous: %s', (value, anomalous) => {
    expect(judgeDay(swinging(value), JUDGED)?.anomalous).toBe(anomalous);
  });

  it('follows the options: k and the floor', () => {
    const options = { historyDays: 28, minHistoryDays: 14, k: 1, minBandFraction: 0.5 };
    expect(judgeDay(swinging(100), JUDGED, options)).toMatchObject({ lower: 50, upper: 150 }); // 50 > 1.4826 × 10
    expect(judgeDay(flat100(100), JUDGED, { ...options, minBandFraction: 0.25 })).toMatchObject({ lower: 75, upper: 125 });
  });
});

describe('judgeDay: the history window (28 days back, at least 14 with usage)', () => {
  it('judges with exactly 14 days of history, the oldest of them 28 days back', () => {
    const verdict = judgeDay(
      series([...range(1, 13), 28], () => 100, 200),
      JUDGED,
    );
    expect(verdict).toEqual({ expected: 100, lower: 90, upper: 110, anomalous: true });
  });

  it('does not judge with 13 days of history, nor count a day 29 days back', () => {
    expect(
      judgeDay(
        series(range(1, 13), () => 100, 200),
        JUDGED,
      ),
    ).toBeUndefined();
    expect(
      judgeDay(
        series([...range(1, 13), 29], () => 100, 200),
        JUDGED,
      ),
    ).toBeUndefined();
  });

  it('takes the median of the whole window, not only its recent part', () => {
    // 14 days at 100 from 15 to 28 days back, 14 days at 300 from 1 to 14 back: median 200.
    const verdict = judgeDay(
      series(last28, (back) => (back > 14 ? 100 : 300), 200),
      JUDGED,
    );
    expect(verdict?.expected).toBe(200);
  });
});

const AN: Anomaly = {
  anomalyId: 'an1',
  publisherId: 'contoso',
  offerId: 'contoso-cns',
  planId: 'premium',
  resourceKey: 's2',
  meterId: 'email',
  usageDate: '2024-03-04',
  reportedUsage: 1000,
  expectedUsage: 100,
  pricePerUnitUSD: 0.5,
  flaggedAt: '2024-03-11T02:00:00.000Z',
};
const NOW = new Date('2024-03-12T00:00:00Z');

describe('deviationPercent (A14)', () => {
  it.each([
    ['a spike to 150 of 100', 150, 100, 50],
    ['a drop to 40 of 100', 40, 100, 60],
    ['1000 of 100', 1000, 100, 900],
    ['1 of 3, rounded to 2 decimals', 1, 3, 66.67],
    ['any usage where none was expected', 5, 0, 100],
  ])('%s deviates %s %%', (_name, reportedUsage, expectedUsage, percent) => {
    expect(deviationPercent({ reportedUsage, expectedUsage })).toBe(percent);
  });
});

describe('checkDecision: what the publisher is told', () => {
  it.each([
    ['missing', undefined],
    ['negative', -1],
    ['not a number', NaN],
    ['infinite', Infinity],
  ])('refuses a corrected usage that is %s, on newReportedUsage', (_name, value) => {
    expect(checkDecision(AN, 'MarkedAsAnomaly', NOW, value)).toEqual({
      kind: 'invalid',
      field: 'newReportedUsage',
      message: 'must be a number of at least 0',
    });
  });

  it('refuses an increase, naming the reported usage', () => {
    expect(checkDecision(AN, 'MarkedAsAnomaly', NOW, 1000)).toEqual({
      kind: 'invalid',
      field: 'newReportedUsage',
      message: 'must be less than the reported usage (1000): under-reported usage is not eligible for restatement',
    });
  });

  it('names the instant the 30-day window closed', () => {
    expect(checkDecision(AN, 'NotAnAnomaly', new Date('2024-04-10T02:00:00.001Z'))).toEqual({
      kind: 'conflict',
      code: 'ActionWindowExpired',
      message: 'The 30-day window to act on this anomaly closed at 2024-04-10T02:00:00.000Z.',
    });
  });

  it.each([
    ['MarkedAsAnomaly', 'The anomaly is already marked "Marked as Anomaly".'],
    ['NotAnAnomaly', 'The anomaly is already marked "Not an anomaly".'],
  ] as const)('answers the same decision twice (%s) with AlreadyDecided', (decision, message) => {
    expect(checkDecision({ ...AN, decision, newReportedUsage: 150 }, decision, NOW, 100)).toEqual({
      kind: 'conflict',
      code: 'AlreadyDecided',
      message,
    });
  });

  it('locks "Mark as anomaly" against "Not an anomaly"', () => {
    expect(checkDecision({ ...AN, decision: 'MarkedAsAnomaly', newReportedUsage: 150 }, 'NotAnAnomaly', NOW)).toEqual({
      kind: 'conflict',
      code: 'DecisionLocked',
      message: 'An anomaly marked as an anomaly cannot be changed to "Not an anomaly".',
    });
  });

  it('labels the decisions as Partner Center does', () => {
    expect([decisionLabel('MarkedAsAnomaly'), decisionLabel('NotAnAnomaly')]).toEqual(['Marked as Anomaly', 'Not an anomaly']);
  });
});

describe('creditQuantity: what a decision takes off the bill', () => {
  it.each([
    ['"Mark as anomaly" down to 150 of 1000', { decision: 'MarkedAsAnomaly', newReportedUsage: 150 }, 850],
    ['"Mark as anomaly" down to 0', { decision: 'MarkedAsAnomaly', newReportedUsage: 0 }, 1000],
    ['"Mark as anomaly" without a corrected usage', { decision: 'MarkedAsAnomaly' }, 0],
    ['"Not an anomaly", even with a corrected usage on record', { decision: 'NotAnAnomaly', newReportedUsage: 150 }, 0],
    ['no decision yet', {}, 0],
  ] as const)('%s credits %s units', (_name, decision, credit) => {
    expect(creditQuantity({ ...AN, ...decision })).toBe(credit);
  });

  it('subtracts exactly: 0.3 reported, 0.1 kept, 0.2 credited', () => {
    expect(creditQuantity({ ...AN, reportedUsage: 0.3, decision: 'MarkedAsAnomaly', newReportedUsage: 0.1 })).toBe(0.2);
  });
});
