import { describe, expect, it } from 'vitest';
import {
  CATCH_UP_MS,
  callbackDelayMs,
  dueOccurrences,
  executionIdOf,
  firstIndexFrom,
  iso,
  nextRunFrom,
  occurrenceAt,
  scheduleProblems,
} from '../../../../shared/analytics/rules/recurrence';

const schedule = (count: number | null = 3) => ({ startTime: '2031-01-06T19:00:00Z', recurrenceInterval: 48, recurrenceCount: count });

describe('occurrences', () => {
  it('are StartTime plus whole intervals', () => {
    expect(iso(occurrenceAt(schedule(), 0))).toBe('2031-01-06T19:00:00Z');
    expect(iso(occurrenceAt(schedule(), 2))).toBe('2031-01-10T19:00:00Z');
  });

  it('firstIndexFrom: 0 before and at the start, the next whole interval after', () => {
    expect(firstIndexFrom(schedule(), new Date('2031-01-01T00:00:00Z'))).toBe(0);
    expect(firstIndexFrom(schedule(), new Date('2031-01-06T19:00:00Z'))).toBe(0);
    expect(firstIndexFrom(schedule(), new Date('2031-01-06T19:00:01Z'))).toBe(1);
    expect(firstIndexFrom(schedule(), new Date('2031-01-08T19:00:00Z'))).toBe(1);
    expect(firstIndexFrom(schedule(), new Date('2031-01-08T19:00:01Z'))).toBe(2);
  });

  it('nextRunFrom: the first occurrence at or after the time, or none when the count is used up', () => {
    expect(nextRunFrom(schedule(), new Date('2031-01-07T00:00:00Z'))).toBe('2031-01-08T19:00:00Z');
    expect(nextRunFrom(schedule(), new Date('2031-01-10T19:00:00Z'))).toBe('2031-01-10T19:00:00Z');
    expect(nextRunFrom(schedule(), new Date('2031-01-10T19:00:01Z'))).toBe('');
    expect(nextRunFrom(schedule(null), new Date('2041-01-10T19:00:01Z'))).not.toBe('');
  });
});

describe('dueOccurrences', () => {
  it('nothing before the next run, or when none is left', () => {
    expect(dueOccurrences({ ...schedule(), nextRunAt: '2031-01-06T19:00:00Z' }, new Date('2031-01-06T18:59:59Z'))).toEqual({
      due: [],
      nextRunAt: '2031-01-06T19:00:00Z',
    });
    expect(dueOccurrences({ ...schedule(), nextRunAt: '' }, new Date('2031-02-01T00:00:00Z'))).toEqual({ due: [], nextRunAt: '' });
    expect(dueOccurrences({ ...schedule(null), nextRunAt: '' }, new Date('2031-02-01T00:00:00Z'))).toEqual({ due: [], nextRunAt: '' });
  });

  it('the occurrence that has come, and the next one after it', () => {
    expect(dueOccurrences({ ...schedule(), nextRunAt: '2031-01-06T19:00:00Z' }, new Date('2031-01-06T19:00:00Z'))).toEqual({
      due: ['2031-01-06T19:00:00Z'],
      nextRunAt: '2031-01-08T19:00:00Z',
    });
  });

  it('every missed occurrence once after a long stop, and none past the count', () => {
    expect(dueOccurrences({ ...schedule(), nextRunAt: '2031-01-06T19:00:00Z' }, new Date('2031-02-01T00:00:00Z'))).toEqual({
      due: ['2031-01-06T19:00:00Z', '2031-01-08T19:00:00Z', '2031-01-10T19:00:00Z'],
      nextRunAt: '',
    });
  });

  it('catches up at most 90 days', () => {
    const now = new Date(Date.parse('2031-01-06T19:00:00Z') + 200 * 86_400_000);
    const { due, nextRunAt } = dueOccurrences({ ...schedule(null), nextRunAt: '2031-01-06T19:00:00Z' }, now);
    expect(due).toHaveLength(46); // both ends of the 90 days are occurrences: 45 intervals, 46 runs
    expect(Date.parse(due[0] as string)).toBeGreaterThanOrEqual(now.getTime() - CATCH_UP_MS);
    expect(Date.parse(due[0] as string) - 48 * 3_600_000).toBeLessThan(now.getTime() - CATCH_UP_MS);
    expect(Date.parse(nextRunAt)).toBeGreaterThan(now.getTime());
    expect(CATCH_UP_MS).toBe(90 * 86_400_000);
  });
});

describe('scheduleProblems', () => {
  const now = new Date('2031-01-06T10:00:00Z');
  const at = (iso: string) => new Date(iso);

  it('accepts 4 and 90 hours, a start 4 hours ahead, no count', () => {
    expect(scheduleProblems({ startTime: at('2031-01-06T14:00:00Z'), recurrenceInterval: 4, recurrenceCount: null }, now, true)).toEqual(
      [],
    );
    expect(scheduleProblems({ startTime: at('2031-01-06T14:00:00Z'), recurrenceInterval: 90, recurrenceCount: 1 }, now, true)).toEqual([]);
  });

  it.each([3, 91, 4.5])('refuses an interval of %s hours with the FAQ message', (interval) => {
    expect(
      scheduleProblems({ startTime: at('2031-01-07T00:00:00Z'), recurrenceInterval: interval, recurrenceCount: null }, now, true),
    ).toEqual([['RecurrenceInterval', 'Recurrence Interval must be between 4 and 90']]);
  });

  it.each([0, -1, 1.5])('refuses a count of %s', (count) => {
    expect(scheduleProblems({ startTime: at('2031-01-07T00:00:00Z'), recurrenceInterval: 4, recurrenceCount: count }, now, true)).toEqual([
      ['RecurrenceCount', 'RecurrenceCount must be a positive whole number'],
    ]);
  });

  it('refuses a start less than 4 hours ahead on creation only', () => {
    const soon = { startTime: at('2031-01-06T13:59:59Z'), recurrenceInterval: 4, recurrenceCount: null };
    expect(scheduleProblems(soon, now, true)).toEqual([
      ['StartTime', 'Invalid report parameters for creation - Start time of report should at least be 4 hours from current UTC time'],
    ]);
    expect(scheduleProblems(soon, now, false)).toEqual([]);
  });
});

describe('ids and delays', () => {
  it('names an execution by its report and occurrence, the same every time', () => {
    const id = executionIdOf('r1', '2031-01-06T19:00:00Z');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(executionIdOf('r1', '2031-01-06T19:00:00Z')).toBe(id);
    expect(executionIdOf('r1', '2031-01-08T19:00:00Z')).not.toBe(id);
    expect(executionIdOf('r2', '2031-01-06T19:00:00Z')).not.toBe(id);
  });

  it('waits 1, 5, 15, then 60 minutes between callback attempts', () => {
    expect([1, 2, 3, 4, 9].map(callbackDelayMs)).toEqual([60_000, 300_000, 900_000, 3_600_000, 3_600_000]);
  });

  it('writes times as yyyy-MM-ddTHH:mm:ssZ', () => {
    expect(iso(new Date('2031-01-06T19:00:00.987Z'))).toBe('2031-01-06T19:00:00Z');
  });
});
