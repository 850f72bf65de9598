/**
 * Anomaly detection and the publisher's decisions (specs/metering.md 2.10, 3.13; seed 004 ~22434–22549,
 * ~24458–24538). Microsoft's model (a generalized additive model with retrospective confidence intervals) cannot
 * be reproduced from the docs; this is the spec's deterministic stand-in: per customer (resource) and meter, the
 * daily accepted quantity, compared with the median of the trailing 28 days and a band of k · 1.4826 · MAD.
 * Missing days are gaps, not zeros (seed 004 ~24495 "can gracefully handle long periods of missing data").
 */
import { DAY_MS, isoDate } from './time';
import { Decimal } from './decimal';
import { median, QUANTITY_DIGITS, roundTo, USD_DIGITS } from './numbers';

export interface DetectorOptions {
  /** Days of history the model looks back over. */
  historyDays: number;
  /** Fewer days with usage than this in the history window: no model, no verdict. */
  minHistoryDays: number;
  /** Band half-width in robust standard deviations (1.4826 · MAD). */
  k: number;
  /**
   * A floor for the band, as a fraction of the expected value: a perfectly flat history has MAD 0, and without a
   * floor any change at all, however small, would be "an anomaly". Decision record 0305.
   */
  minBandFraction: number;
}

export const defaultDetector: DetectorOptions = { historyDays: 28, minHistoryDays: 14, k: 3, minBandFraction: 0.1 };

export interface Verdict {
  expected: number;
  lower: number;
  upper: number;
  anomalous: boolean;
}

/** Judges the value of `day` (YYYY-MM-DD) against the series' trailing history; undefined without enough history. */
export function judgeDay(
  series: ReadonlyMap<string, number>,
  day: string,
  options: DetectorOptions = defaultDetector,
): Verdict | undefined {
  const value = series.get(day);
  if (value === undefined) return undefined; // a gap is not a dip
  const dayMs = Date.parse(`${day}T00:00:00Z`);
  const history: number[] = [];
  for (let i = 1; i <= options.historyDays; i += 1) {
    const past = series.get(isoDate(new Date(dayMs - i * DAY_MS)));
    if (past !== undefined) history.push(past);
  }
  if (history.length < options.minHistoryDays) return undefined;
  const expected = median(history);
  const mad = median(history.map((v) => Math.abs(v - expected)));
  const halfWidth = Math.max(options.k * 1.4826 * mad, options.minBandFraction * Math.abs(expected));
  const lower = expected - halfWidth;
  const upper = expected + halfWidth;
  return { expected, lower, upper, anomalous: value < lower || value > upper };
}

export type AnomalyDecision = 'MarkedAsAnomaly' | 'NotAnAnomaly';

export interface Anomaly {
  anomalyId: string;
  publisherId: string;
  offerId: string;
  offerName?: string;
  planId: string;
  /** The customer's resource (SaaS subscription id). */
  resourceKey: string;
  customerName?: string;
  /** The custom meter dimension. */
  meterId: string;
  /** YYYY-MM-DD (UTC). */
  usageDate: string;
  reportedUsage: number;
  expectedUsage: number;
  pricePerUnitUSD: number;
  flaggedAt: string;
  decision?: AnomalyDecision;
  newReportedUsage?: number;
  reason?: string;
  actionTakenAt?: string;
  actionTakenBy?: string;
}

/** "After the 30-day period … you would not be able to act on the anomalies" (seed 004 ~22521); F + 30 d is still in. */
export const ACTION_WINDOW_MS = 30 * DAY_MS;

export function actionExpiry(anomaly: Pick<Anomaly, 'flaggedAt'>): Date {
  return new Date(Date.parse(anomaly.flaggedAt) + ACTION_WINDOW_MS);
}

export function financialImpactUSD(a: Pick<Anomaly, 'reportedUsage' | 'expectedUsage' | 'pricePerUnitUSD'>): number {
  return Decimal.of(a.reportedUsage).minus(Decimal.of(a.expectedUsage)).times(Decimal.of(a.pricePerUnitUSD)).round(USD_DIGITS).toNumber();
}

/** Local definition (A14): |reported − expected| / expected · 100. */
export function deviationPercent(a: Pick<Anomaly, 'reportedUsage' | 'expectedUsage'>): number {
  if (a.expectedUsage === 0) return 100;
  return roundTo((Math.abs(a.reportedUsage - a.expectedUsage) / Math.abs(a.expectedUsage)) * 100, 2);
}

export type DecisionProblem = { kind: 'invalid'; field: string; message: string } | { kind: 'conflict'; code: string; message: string };

/**
 * Whether a decision may be taken now (T118–T124, T129): within 30 days of flagging; "Mark as anomaly" only
 * restates usage downwards, 0 ≤ new < reported ("Under-reported overage usage units are not eligible for
 * restatement", seed 004 ~22514); once marked as an anomaly it cannot become "Not an anomaly" (seed 004
 * ~22537); the same decision twice is a conflict. The reverse direction is allowed (A15).
 */
export function checkDecision(
  anomaly: Anomaly,
  decision: AnomalyDecision,
  now: Date,
  newReportedUsage?: number,
): DecisionProblem | undefined {
  if (decision === 'MarkedAsAnomaly') {
    if (newReportedUsage === undefined || !Number.isFinite(newReportedUsage) || newReportedUsage < 0) {
      return { kind: 'invalid', field: 'newReportedUsage', message: 'must be a number of at least 0' };
    }
    if (newReportedUsage >= anomaly.reportedUsage) {
      return {
        kind: 'invalid',
        field: 'newReportedUsage',
        message: `must be less than the reported usage (${anomaly.reportedUsage}): under-reported usage is not eligible for restatement`,
      };
    }
  }
  if (now.getTime() > actionExpiry(anomaly).getTime()) {
    return {
      kind: 'conflict',
      code: 'ActionWindowExpired',
      message: `The 30-day window to act on this anomaly closed at ${actionExpiry(anomaly).toISOString()}.`,
    };
  }
  if (anomaly.decision === 'MarkedAsAnomaly' && decision === 'NotAnAnomaly') {
    return {
      kind: 'conflict',
      code: 'DecisionLocked',
      message: 'An anomaly marked as an anomaly cannot be changed to "Not an anomaly".',
    };
  }
  if (anomaly.decision === decision) {
    return { kind: 'conflict', code: 'AlreadyDecided', message: `The anomaly is already marked "${decisionLabel(decision)}".` };
  }
  return undefined;
}

export function decisionLabel(decision: AnomalyDecision): string {
  return decision === 'MarkedAsAnomaly' ? 'Marked as Anomaly' : 'Not an anomaly';
}

/** The billing credit a decision implies: reported − new for "Mark as anomaly" (seed 004 ~22516), else none. */
export function creditQuantity(anomaly: Anomaly): number {
  if (anomaly.decision !== 'MarkedAsAnomaly' || anomaly.newReportedUsage === undefined) return 0;
  return Decimal.of(anomaly.reportedUsage).minus(Decimal.of(anomaly.newReportedUsage)).round(QUANTITY_DIGITS).toNumber();
}
