/**
 * When a report runs (decision 0903): occurrence i is StartTime + i × RecurrenceInterval hours, for i below
 * RecurrenceCount (no count: indefinitely); an ExecuteNow report has one occurrence, its creation time. The timer
 * turns every occurrence that is due into one execution; after a host was down, each missed occurrence of the last
 * 90 days runs once (older ones are beyond what the executions API shows anyway). A paused report skips the
 * occurrences of its pause: resuming continues with the first occurrence not yet past.
 */
import { createHash } from 'node:crypto';
import type { ReportRecord } from '../model';

const HOUR_MS = 3_600_000;
/** Missed occurrences further back than this are skipped, not run. */
export const CATCH_UP_MS = 90 * 24 * HOUR_MS;

type Schedule = Pick<ReportRecord, 'startTime' | 'recurrenceInterval' | 'recurrenceCount'>;

export function occurrenceAt(report: Schedule, index: number): Date {
  return new Date(Date.parse(report.startTime) + index * report.recurrenceInterval * HOUR_MS);
}

/** The index of the first occurrence at or after `at` (0 when `at` is before the start). */
export function firstIndexFrom(report: Schedule, at: Date): number {
  const elapsed = at.getTime() - Date.parse(report.startTime);
  return Math.max(0, Math.ceil(elapsed / (report.recurrenceInterval * HOUR_MS)));
}

function exists(report: Schedule, index: number): boolean {
  return report.recurrenceCount === null || index < report.recurrenceCount;
}

/** The first occurrence at or after `at`, as ISO text; '' when the count is used up. */
export function nextRunFrom(report: Schedule, at: Date): string {
  const index = firstIndexFrom(report, at);
  return exists(report, index) ? iso(occurrenceAt(report, index)) : '';
}

/**
 * The occurrences from `nextRunAt` up to `now` that are due (oldest first, none older than CATCH_UP_MS), and the
 * report's next run after them ('' when none is left).
 */
export function dueOccurrences(report: Schedule & { nextRunAt: string }, now: Date): { due: string[]; nextRunAt: string } {
  if (report.nextRunAt === '') return { due: [], nextRunAt: '' };
  const earliest = new Date(Math.max(Date.parse(report.nextRunAt), now.getTime() - CATCH_UP_MS));
  const due: string[] = [];
  let index = firstIndexFrom(report, earliest);
  while (exists(report, index) && occurrenceAt(report, index).getTime() <= now.getTime()) {
    due.push(iso(occurrenceAt(report, index)));
    index += 1;
  }
  return { due, nextRunAt: exists(report, index) ? iso(occurrenceAt(report, index)) : '' };
}

/** yyyy-MM-ddTHH:mm:ssZ, the seed's time format. */
export function iso(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export const MIN_INTERVAL_HOURS = 4;
export const MAX_INTERVAL_HOURS = 90;
/** "The start time of the report should be at least 4 hours from the current UTC time" (seed 004 ~21457). */
export const START_LEAD_MS = 4 * HOUR_MS;

/** The documented refusals of a schedule, as [field, message] pairs; empty when it is valid. */
export function scheduleProblems(
  input: { startTime: Date; recurrenceInterval: number; recurrenceCount: number | null },
  now: Date,
  creating: boolean,
): [string, string][] {
  const problems: [string, string][] = [];
  const interval = input.recurrenceInterval;
  if (!Number.isInteger(interval) || interval < MIN_INTERVAL_HOURS || interval > MAX_INTERVAL_HOURS) {
    problems.push(['RecurrenceInterval', `Recurrence Interval must be between ${MIN_INTERVAL_HOURS} and ${MAX_INTERVAL_HOURS}`]);
  }
  if (input.recurrenceCount !== null && (!Number.isInteger(input.recurrenceCount) || input.recurrenceCount < 1)) {
    problems.push(['RecurrenceCount', 'RecurrenceCount must be a positive whole number']);
  }
  if (creating && input.startTime.getTime() < now.getTime() + START_LEAD_MS) {
    problems.push([
      'StartTime',
      'Invalid report parameters for creation - Start time of report should at least be 4 hours from current UTC time',
    ]);
  }
  return problems;
}

/** The execution id of a report's occurrence: a name GUID, so every runner derives the same id for it. */
export function executionIdOf(reportId: string, scheduledAt: string): string {
  const h = createHash('sha256').update(`analytics-execution:${reportId}|${scheduledAt}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Waits before the callback's next attempt after `attempts` failed ones: 1, 5, 15, then 60 minutes. */
export function callbackDelayMs(attempts: number): number {
  const minutes = [1, 5, 15][attempts - 1] ?? 60;
  return minutes * 60_000;
}
