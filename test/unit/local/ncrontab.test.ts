import { describe, it, expect } from 'vitest';
import { occurrencesBetween, parseSchedule } from '../../../local/ncrontab';

/*
 * Calendar facts the expected values below rely on (all UTC):
 *   2024 is a leap year; 2024-01-01 is a Monday, so 2024-03-01 is a Friday,
 *   2024-03-15 a Friday, 2024-03-18 a Monday and 2024-07-01 a Monday
 *   (182 days = 26 weeks after 1 January).
 *   29 February falls on a Monday in 2016 and next in 2044 (each leap year
 *   moves it 5 weekdays on: 2016 Mon, 2020 Sat, 2024 Thu, 2028 Tue, 2032 Sun,
 *   2036 Fri, 2040 Wed, 2044 Mon). 2100 is not a leap year.
 *   Friday the 13th in 2024: September and December only.
 */

function nextIso(expression: string, afterIso: string): string {
  return parseSchedule(expression).next(new Date(afterIso)).toISOString();
}

function isoList(dates: readonly Date[]): string[] {
  return dates.map((date) => date.toISOString());
}

describe('parseSchedule().next — NCRONTAB', () => {
  it.each([
    ['*/5 * * * * *', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:05.000Z'],
    ['*/5 * * * * *', '2024-01-01T00:00:03.000Z', '2024-01-01T00:00:05.000Z'],
    ['*/5 * * * * *', '2024-01-01T00:00:04.999Z', '2024-01-01T00:00:05.000Z'],
    ['*/5 * * * * *', '2024-01-01T00:00:05.000Z', '2024-01-01T00:00:10.000Z'],
    ['*/5 * * * * *', '2024-01-01T00:00:57.000Z', '2024-01-01T00:01:00.000Z'],
    ['*/5 * * * * *', '2024-12-31T23:59:55.500Z', '2025-01-01T00:00:00.000Z'],
    ['* * * * * *', '2024-01-01T10:00:00.400Z', '2024-01-01T10:00:01.000Z'],
  ])('every 5 seconds / every second: %s after %s -> %s', (expression, after, expected) => {
    expect(nextIso(expression, after)).toBe(expected);
  });

  it.each([
    ['0 */5 * * * *', '2024-01-01T00:00:00.000Z', '2024-01-01T00:05:00.000Z'],
    ['0 */5 * * * *', '2024-01-01T00:07:30.000Z', '2024-01-01T00:10:00.000Z'],
    ['0 */5 * * * *', '2024-01-01T23:55:00.000Z', '2024-01-02T00:00:00.000Z'],
    ['0 0 * * * *', '2024-01-01T10:00:00.000Z', '2024-01-01T11:00:00.000Z'],
    ['0 0 * * * *', '2024-01-01T10:59:59.999Z', '2024-01-01T11:00:00.000Z'],
    ['0 0 * * * *', '2024-02-29T23:30:00.000Z', '2024-03-01T00:00:00.000Z'],
  ])('every 5 minutes / hourly: %s after %s -> %s', (expression, after, expected) => {
    expect(nextIso(expression, after)).toBe(expected);
  });

  it.each([
    ['2024-03-15T08:00:00.000Z', '2024-03-15T09:30:00.000Z'],
    ['2024-03-15T09:29:59.999Z', '2024-03-15T09:30:00.000Z'],
    ['2024-03-15T09:30:00.000Z', '2024-03-16T09:30:00.000Z'],
    ['2024-03-15T23:59:59.000Z', '2024-03-16T09:30:00.000Z'],
  ])('daily at 09:30 (0 30 9 * * *) after %s -> %s', (after, expected) => {
    expect(nextIso('0 30 9 * * *', after)).toBe(expected);
  });

  it.each([
    ['Friday 09:30 -> Monday', '2024-03-15T09:30:00.000Z', '2024-03-18T09:30:00.000Z'],
    ['Saturday -> Monday', '2024-03-16T12:00:00.000Z', '2024-03-18T09:30:00.000Z'],
    ['Sunday -> Monday', '2024-03-17T23:00:00.000Z', '2024-03-18T09:30:00.000Z'],
    ['Thursday after 09:30 -> Friday', '2024-03-14T10:00:00.000Z', '2024-03-15T09:30:00.000Z'],
  ])('weekdays at 09:30 (0 30 9 * * 1-5): %s', (_label, after, expected) => {
    expect(nextIso('0 30 9 * * 1-5', after)).toBe(expected);
  });

  it.each([
    ['0 0 12 * Jan,Jul Mon', '2024-01-01T00:00:00.000Z', '2024-01-01T12:00:00.000Z'],
    ['0 0 12 * Jan,Jul Mon', '2024-01-01T12:00:00.000Z', '2024-01-08T12:00:00.000Z'],
    ['0 0 12 * Jan,Jul Mon', '2024-01-29T12:00:00.000Z', '2024-07-01T12:00:00.000Z'],
    ['0 0 12 * jan,JUL mOn', '2024-01-29T12:00:00.000Z', '2024-07-01T12:00:00.000Z'],
    ['0 0 12 * January,July Monday', '2024-01-29T12:00:00.000Z', '2024-07-01T12:00:00.000Z'],
    ['0 0 9 * * Mon-Fri', '2024-03-15T09:00:00.000Z', '2024-03-18T09:00:00.000Z'],
    ['0 0 0 1 Mar-May *', '2024-05-01T00:00:00.000Z', '2025-03-01T00:00:00.000Z'],
  ])('month and day names: %s after %s -> %s', (expression, after, expected) => {
    expect(nextIso(expression, after)).toBe(expected);
  });

  it.each([
    ['0 0 0 29 2 *', '2023-01-01T00:00:00.000Z', '2024-02-29T00:00:00.000Z'],
    ['0 0 0 29 2 *', '2024-02-29T00:00:00.000Z', '2028-02-29T00:00:00.000Z'],
    ['0 0 0 29 Feb *', '2024-03-01T00:00:00.000Z', '2028-02-29T00:00:00.000Z'],
    ['0 0 0 29 2 *', '2096-03-01T00:00:00.000Z', '2104-02-29T00:00:00.000Z'],
    ['0 0 0 29 2 Mon', '2016-02-29T00:00:00.000Z', '2044-02-29T00:00:00.000Z'],
  ])('29 February skips non-leap years: %s after %s -> %s', (expression, after, expected) => {
    expect(nextIso(expression, after)).toBe(expected);
  });

  it('finds 29 February quickly by skipping months, days and hours', () => {
    const schedule = parseSchedule('0 0 0 29 2 Mon');
    const started = performance.now();
    for (let i = 0; i < 200; i++) schedule.next(new Date('2016-02-29T00:00:00.000Z'));
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it.each([
    // Vixie cron (OR) would give 2024-01-05, the first Friday of 2024.
    ['Friday the 13th', '0 0 0 13 * Fri', '2024-01-01T00:00:00.000Z', '2024-09-13T00:00:00.000Z'],
    ['next Friday the 13th', '0 0 0 13 * 5', '2024-09-13T00:00:00.000Z', '2024-12-13T00:00:00.000Z'],
    // Vixie cron (OR) would give 2024-01-03 (day 3 is within 1-7).
    ['first Monday of the month', '0 0 8 1-7 * Mon', '2024-01-02T00:00:00.000Z', '2024-02-05T08:00:00.000Z'],
    ['first Monday of the next month', '0 0 8 1-7 * Mon', '2024-02-05T08:00:00.000Z', '2024-03-04T08:00:00.000Z'],
  ])('day-of-month AND day-of-week: %s', (_label, expression, after, expected) => {
    expect(nextIso(expression, after)).toBe(expected);
  });

  it.each([
    ['0 0 0 31 * *', '2024-01-31T00:00:00.000Z', '2024-03-31T00:00:00.000Z'],
    ['0 0 0 31 * *', '2024-03-31T00:00:00.000Z', '2024-05-31T00:00:00.000Z'],
    ['0 0 0 30 * *', '2024-01-30T00:00:00.000Z', '2024-03-30T00:00:00.000Z'],
    ['0 0 0 * * *', '2024-01-31T12:00:00.000Z', '2024-02-01T00:00:00.000Z'],
    ['0 0 0 * * *', '2023-02-28T00:00:00.000Z', '2023-03-01T00:00:00.000Z'],
    ['0 0 0 * * *', '2024-02-28T00:00:00.000Z', '2024-02-29T00:00:00.000Z'],
    ['0 0 0 31 1,4,6,8 *', '2024-01-31T00:00:00.000Z', '2024-08-31T00:00:00.000Z'],
  ])('month-end rollover: %s after %s -> %s', (expression, after, expected) => {
    expect(nextIso(expression, after)).toBe(expected);
  });

  it.each([
    ['0 0 0 1 1 *', '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
    ['59 59 23 31 12 *', '2024-06-01T00:00:00.000Z', '2024-12-31T23:59:59.000Z'],
    ['59 59 23 31 12 *', '2024-12-31T23:59:59.000Z', '2025-12-31T23:59:59.000Z'],
    ['* * * * * *', '2024-12-31T23:59:59.000Z', '2025-01-01T00:00:00.000Z'],
    ['0 0 12 * * Mon', '2024-12-30T12:00:00.000Z', '2025-01-06T12:00:00.000Z'],
  ])('year rollover: %s after %s -> %s', (expression, after, expected) => {
    expect(nextIso(expression, after)).toBe(expected);
  });

  it.each([
    ['5-20/5 * * * * *', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:05.000Z'],
    ['5-20/5 * * * * *', '2024-01-01T00:00:12.000Z', '2024-01-01T00:00:15.000Z'],
    ['5-20/5 * * * * *', '2024-01-01T00:00:20.000Z', '2024-01-01T00:01:05.000Z'],
    ['0 10,20,40 * * * *', '2024-01-01T10:20:00.000Z', '2024-01-01T10:40:00.000Z'],
    ['0 10,20,40 * * * *', '2024-01-01T10:40:00.000Z', '2024-01-01T11:10:00.000Z'],
    ['0 0 1-10/3 * * *', '2024-01-01T04:00:00.000Z', '2024-01-01T07:00:00.000Z'],
    ['0 0 1-10/3 * * *', '2024-01-01T10:00:00.000Z', '2024-01-02T01:00:00.000Z'],
    ['0 0,30 8-9,17 * * *', '2024-01-01T09:30:00.000Z', '2024-01-01T17:00:00.000Z'],
  ])('lists, ranges and steps: %s after %s -> %s', (expression, after, expected) => {
    expect(nextIso(expression, after)).toBe(expected);
  });

  it.each([
    ['minutes 45,50,55', '0 45/5 * * * *', '2024-01-01T10:50:00.000Z', '2024-01-01T10:55:00.000Z'],
    ['minutes 45,50,55 wraps to next hour', '0 45/5 * * * *', '2024-01-01T10:55:00.000Z', '2024-01-01T11:45:00.000Z'],
    ['hours 20,22', '0 0 20/2 * * *', '2024-01-01T22:00:00.000Z', '2024-01-02T20:00:00.000Z'],
    ['months Oct,Dec', '0 0 0 1 Oct/2 *', '2024-10-01T00:00:00.000Z', '2024-12-01T00:00:00.000Z'],
    ['months Oct,Dec wraps to next year', '0 0 0 1 Oct/2 *', '2024-12-01T00:00:00.000Z', '2025-10-01T00:00:00.000Z'],
    // 1/2 in day-of-week runs to 6 as in NCrontab: Mon, Wed, Fri (not Sunday).
    ['days Mon,Wed,Fri', '0 0 12 * * 1/2', '2024-03-15T12:00:00.000Z', '2024-03-18T12:00:00.000Z'],
  ])('a/n runs from a to the field maximum: %s', (_label, expression, after, expected) => {
    expect(nextIso(expression, after)).toBe(expected);
  });

  it.each([
    ['0 0 12 * * 7', '2024-03-15T00:00:00.000Z', '2024-03-17T12:00:00.000Z'],
    ['0 0 12 * * 0', '2024-03-15T00:00:00.000Z', '2024-03-17T12:00:00.000Z'],
    ['0 0 12 * * Sun', '2024-03-15T00:00:00.000Z', '2024-03-17T12:00:00.000Z'],
    ['0 0 12 * * 5-7', '2024-03-16T13:00:00.000Z', '2024-03-17T12:00:00.000Z'],
    ['0 0 12 * * 5-7', '2024-03-17T12:00:00.000Z', '2024-03-22T12:00:00.000Z'],
  ])('day-of-week 7 is Sunday: %s after %s -> %s', (expression, after, expected) => {
    expect(nextIso(expression, after)).toBe(expected);
  });

  it('keeps the expression and does not mutate the argument', () => {
    const schedule = parseSchedule('  0 30 9 * * 1-5 ');
    const after = new Date('2024-03-15T09:30:00.000Z');
    schedule.next(after);
    expect(schedule.expression).toBe('  0 30 9 * * 1-5 ');
    expect(after.toISOString()).toBe('2024-03-15T09:30:00.000Z');
  });

  it('rejects an invalid Date argument', () => {
    expect(() => parseSchedule('0 * * * * *').next(new Date('not a date'))).toThrow('expected a valid Date');
  });
});

describe('parseSchedule().next — TimeSpan hh:mm:ss', () => {
  it.each([
    ['00:05:00', '2024-01-01T10:00:00.000Z', '2024-01-01T10:05:00.000Z'],
    ['00:05:00', '2024-01-01T10:03:17.250Z', '2024-01-01T10:08:17.250Z'],
    ['01:30:00', '2024-01-01T23:00:00.000Z', '2024-01-02T00:30:00.000Z'],
    ['00:00:30', '2024-12-31T23:59:45.000Z', '2025-01-01T00:00:15.000Z'],
    ['23:59:59', '2024-01-01T00:00:00.000Z', '2024-01-01T23:59:59.000Z'],
    ['1:0:5', '2024-01-01T00:00:00.000Z', '2024-01-01T01:00:05.000Z'],
  ])('%s after %s -> %s', (expression, after, expected) => {
    expect(nextIso(expression, after)).toBe(expected);
  });

  it.each([
    ['24:00:00', 'hours 24 is out of range 0-23'],
    ['00:60:00', 'minutes 60 is out of range 0-59'],
    ['00:00:60', 'seconds 60 is out of range 0-59'],
    ['00:00:00', 'the interval must be greater than zero'],
    ['00:05', 'expected hh:mm:ss'],
    ['aa:bb:cc', 'expected hh:mm:ss'],
    ['1.00:00:00', 'expected hh:mm:ss'],
  ])('rejects %s', (expression, detail) => {
    expect(() => parseSchedule(expression)).toThrow(`Invalid TimeSpan schedule "${expression}": ${detail}`);
  });
});

describe('parseSchedule — invalid NCRONTAB expressions', () => {
  it('gives the exact message for an out-of-range minute', () => {
    expect(() => parseSchedule('0 61 * * * *')).toThrowError(
      new Error('Invalid NCRONTAB expression "0 61 * * * *": minute value 61 is out of range 0-59'),
    );
  });

  it.each([
    // wrong field count
    ['0 * * * *', 'six fields are required ({second} {minute} {hour} {day} {month} {day-of-week}), found 5'],
    ['0 0 * * * * *', 'six fields are required ({second} {minute} {hour} {day} {month} {day-of-week}), found 7'],
    ['', 'six fields are required ({second} {minute} {hour} {day} {month} {day-of-week}), found 0'],
    // out of range
    ['60 * * * * *', 'second value 60 is out of range 0-59'],
    ['0 0 24 * * *', 'hour value 24 is out of range 0-23'],
    ['0 0 0 0 * *', 'day-of-month value 0 is out of range 1-31'],
    ['0 0 0 32 * *', 'day-of-month value 32 is out of range 1-31'],
    ['0 0 0 * 0 *', 'month value 0 is out of range 1-12'],
    ['0 0 0 * 13 *', 'month value 13 is out of range 1-12'],
    ['0 0 0 * * 8', 'day-of-week value 8 is out of range 0-7'],
    ['0 0 0-24 * * *', 'hour value 24 is out of range 0-23'],
    // garbage tokens
    ['x * * * * *', 'second value "x" is not a number'],
    ['0 abc * * * *', 'minute value "abc" is not a number'],
    ['0 1.5 * * * *', 'minute value "1.5" is not a number'],
    ['0 0 Mon * * *', 'hour value "Mon" is not a number'],
    ['0 0 0 * Foo *', 'month value "Foo" is not a number or a month name (Jan-Dec)'],
    ['0 0 0 * Ja *', 'month value "Ja" is not a number or a month name (Jan-Dec)'],
    ['0 0 0 * * Funday', 'day-of-week value "Funday" is not a number or a day name (Sun-Sat)'],
    ['0 0 0 L * *', 'day-of-month value "L" is not a number'],
    ['0 0 0 * * 1#2', 'day-of-week value "1#2" is not a number or a day name (Sun-Sat)'],
    ['0 1,,2 * * * *', 'minute list "1,,2" contains an empty item'],
    ['0 1-2-3 * * * *', 'minute range "1-2-3" is malformed'],
    ['0 */5/2 * * * *', 'minute item "*/5/2" has more than one step'],
    // step 0 or non-numeric step
    ['*/0 * * * * *', 'second step "0" must be a positive integer'],
    ['0 0 1-10/0 * * *', 'hour step "0" must be a positive integer'],
    ['0 0 */x * * *', 'hour step "x" must be a positive integer'],
    // reversed ranges
    ['0 0 10-5 * * *', 'hour range 10-5 is reversed (start 10 is after end 5)'],
    ['0 0 0 * * Fri-Mon', 'day-of-week range Fri-Mon is reversed (start 5 is after end 1)'],
    ['0 0 0 * Dec-Jan *', 'month range Dec-Jan is reversed (start 12 is after end 1)'],
    // dates that never exist
    ['0 0 0 31 2 *', 'day-of-month and month fields never match a calendar date (no day 31 in month 2)'],
    ['0 0 0 30 Feb *', 'day-of-month and month fields never match a calendar date (no day 30 in month 2)'],
    ['0 0 0 31 4,6,9,11 *', 'day-of-month and month fields never match a calendar date (no day 31 in month 4,6,9,11)'],
  ])('rejects %j', (expression, detail) => {
    expect(() => parseSchedule(expression)).toThrow(`Invalid NCRONTAB expression "${expression}": ${detail}`);
  });
});

describe('occurrencesBetween', () => {
  it.each([
    [
      'every 15 minutes, bounds exclusive/inclusive',
      '0 */15 * * * *',
      '2024-01-01T00:00:00.000Z',
      '2024-01-01T01:00:00.000Z',
      undefined,
      ['2024-01-01T00:15:00.000Z', '2024-01-01T00:30:00.000Z', '2024-01-01T00:45:00.000Z', '2024-01-01T01:00:00.000Z'],
    ],
    [
      'limit 2',
      '0 */15 * * * *',
      '2024-01-01T00:00:00.000Z',
      '2024-01-01T01:00:00.000Z',
      2,
      ['2024-01-01T00:15:00.000Z', '2024-01-01T00:30:00.000Z'],
    ],
    ['limit 0', '0 */15 * * * *', '2024-01-01T00:00:00.000Z', '2024-01-01T01:00:00.000Z', 0, []],
    ['empty interval', '0 */15 * * * *', '2024-01-01T00:10:00.000Z', '2024-01-01T00:10:00.000Z', undefined, []],
    ['no occurrence in range', '0 0 0 29 2 *', '2025-01-01T00:00:00.000Z', '2025-12-31T23:59:59.000Z', undefined, []],
    [
      'weekdays across a weekend',
      '0 0 9 * * Mon-Fri',
      '2024-03-15T00:00:00.000Z',
      '2024-03-20T23:59:59.000Z',
      10,
      ['2024-03-15T09:00:00.000Z', '2024-03-18T09:00:00.000Z', '2024-03-19T09:00:00.000Z', '2024-03-20T09:00:00.000Z'],
    ],
    [
      'TimeSpan form',
      '00:20:00',
      '2024-01-01T10:00:00.000Z',
      '2024-01-01T11:00:00.000Z',
      undefined,
      ['2024-01-01T10:20:00.000Z', '2024-01-01T10:40:00.000Z', '2024-01-01T11:00:00.000Z'],
    ],
  ])('%s', (_label, expression, from, to, limit, expected) => {
    const occurrences = occurrencesBetween(parseSchedule(expression), new Date(from), new Date(to), limit);
    expect(isoList(occurrences)).toEqual(expected);
  });

  it('caps the result at 1000 occurrences by default', () => {
    const occurrences = occurrencesBetween(
      parseSchedule('* * * * * *'),
      new Date('2024-01-01T00:00:00.000Z'),
      new Date('2024-01-02T00:00:00.000Z'),
    );
    expect(occurrences).toHaveLength(1000);
    expect(occurrences[0]?.toISOString()).toBe('2024-01-01T00:00:01.000Z');
    // 1000 seconds = 16 minutes 40 seconds.
    expect(occurrences[999]?.toISOString()).toBe('2024-01-01T00:16:40.000Z');
  });

  it.each([[-1], [1.5], [Number.NaN]])('rejects limit %s', (limit) => {
    const schedule = parseSchedule('0 * * * * *');
    expect(() => occurrencesBetween(schedule, new Date(0), new Date(60_000), limit)).toThrow(
      'limit must be a non-negative integer',
    );
  });
});
