/**
 * The date ranges a publisher may read at once (decision record 0303): a usage query or a usage report reads one
 * table partition per day, so both are bounded to 366 days, and the end may not come before the start.
 */
import { DAY_MS } from './time';

/** The widest date range one usage query may read (GET /api/usageEvents). */
export const MAX_QUERY_DAYS = 366;
/** As the usage query's range: a usage report reads one partition range per day. */
export const MAX_REPORT_DAYS = 366;

export type RangeCheck = 'ok' | 'reversed' | 'tooLong';

/** A usage query's instants: the end not before the start and at most MAX_QUERY_DAYS after it. */
export function checkQueryRange(start: Date, end: Date): RangeCheck {
  if (end.getTime() < start.getTime()) return 'reversed';
  if (end.getTime() - start.getTime() > MAX_QUERY_DAYS * DAY_MS) return 'tooLong';
  return 'ok';
}

/** A usage report's first and last day (inclusive): the last not before the first, fewer than MAX_REPORT_DAYS apart. */
export function checkReportRange(start: Date, end: Date): RangeCheck {
  if (end < start) return 'reversed';
  if (end.getTime() - start.getTime() >= MAX_REPORT_DAYS * DAY_MS) return 'tooLong';
  return 'ok';
}
