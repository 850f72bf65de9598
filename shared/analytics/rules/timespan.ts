/**
 * Time spans as UTC date windows (decision 0903). Every span ends with the day of `at` (the execution's scheduled
 * time, or the request's time for a try), inclusive; `from` is the first day included. Day spans count whole UTC
 * days including today; month spans go back that many calendar months to the same day (clamped to the month's
 * end); LIFETIME has no lower bound. Windows are yyyy-MM-dd strings, compared with a row's date column as text.
 */
import type { TimeSpan } from '../model';

export interface DateWindow {
  /** First day included (yyyy-MM-dd); undefined = no lower bound. */
  from?: string;
  /** Last day included (yyyy-MM-dd). */
  to: string;
}

const DAY_MS = 86_400_000;

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function daysBack(at: Date, days: number): string {
  const start = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  return isoDay(new Date(start - days * DAY_MS));
}

/** The same day `months` calendar months earlier; the 31st of a 30-day month becomes the 30th. */
export function monthsBack(at: Date, months: number): string {
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth() - months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return isoDay(new Date(Date.UTC(year, month, Math.min(at.getUTCDate(), lastDay))));
}

const DAY_SPANS: Partial<Record<TimeSpan, number>> = {
  LAST_7_DAYS: 7,
  LAST_14_DAYS: 14,
  LAST_30_DAYS: 30,
  LAST_90_DAYS: 90,
  LAST_180_DAYS: 180,
  LAST_365_DAYS: 365,
};

const MONTH_SPANS: Partial<Record<TimeSpan, number>> = { LAST_MONTH: 1, LAST_3_MONTHS: 3, LAST_6_MONTHS: 6, LAST_1_YEAR: 12 };

export function dateWindow(span: TimeSpan, at: Date): DateWindow {
  const today = isoDay(at);
  if (span === 'LIFETIME') return { to: today };
  if (span === 'TODAY') return { from: today, to: today };
  if (span === 'YESTERDAY') {
    const yesterday = daysBack(at, 1);
    return { from: yesterday, to: yesterday };
  }
  const days = DAY_SPANS[span];
  if (days !== undefined) return { from: daysBack(at, days - 1), to: today };
  return { from: monthsBack(at, MONTH_SPANS[span] as number), to: today };
}

/** An ExecuteNow report's own window (QueryStartTime / QueryEndTime), as days; either end may be open. */
export function explicitWindow(start: string | undefined, end: string | undefined, at: Date): DateWindow {
  return { ...(start ? { from: start.slice(0, 10) } : {}), to: end ? end.slice(0, 10) : isoDay(at) };
}

/** Whether a day (yyyy-MM-dd) falls in the window; a row without a date is outside every bounded window. */
export function inWindow(day: string | null, window: DateWindow): boolean {
  if (day === null) return window.from === undefined;
  return (window.from === undefined || day >= window.from) && day <= window.to;
}
