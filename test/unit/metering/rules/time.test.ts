import { describe, expect, it } from 'vitest';
import { checkWindow, dayKey, hourKey, messageTime, parseEffectiveTime } from '../../../../shared/metering/rules/time';

const NOW = new Date('2024-03-10T12:30:00Z');

describe('parseEffectiveTime (specs/metering.md 2.6)', () => {
  it.each([
    ['2024-03-10T11:15:00Z', '2024-03-10T11:15:00.000Z', '2024-03-10T11:15:00Z'],
    // No offset = UTC (seed 004 ~7839 example); the echo gains `Z` because the contract says date-time (0302).
    ['2024-03-10T11:15:00', '2024-03-10T11:15:00.000Z', '2024-03-10T11:15:00Z'],
    ['2018-12-01T08:30:14', '2018-12-01T08:30:14.000Z', '2018-12-01T08:30:14Z'],
    ['2020-01-12T11:03:28.14Z', '2020-01-12T11:03:28.140Z', '2020-01-12T11:03:28.14Z'],
    ['2020-01-12T11:03:28.3458658', '2020-01-12T11:03:28.345Z', '2020-01-12T11:03:28.3458658Z'],
    ['2024-03-10T13:15:00+02:00', '2024-03-10T11:15:00.000Z', '2024-03-10T11:15:00.000Z'],
    ['2024-03-10T15:00', '2024-03-10T15:00:00.000Z', '2024-03-10T15:00:00Z'],
    // Lower-case `z` is UTC too (RFC 3339 allows it) and is echoed as sent.
    ['2024-03-10T11:15:00z', '2024-03-10T11:15:00.000Z', '2024-03-10T11:15:00z'],
    // `Z` without seconds is not an RFC 3339 date-time: echoed as the UTC instant.
    ['2024-03-10T15:00Z', '2024-03-10T15:00:00.000Z', '2024-03-10T15:00:00.000Z'],
    // .NET's DateTime.MinValue, the earliest year there is.
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z', '0001-01-01T00:00:00Z'],
    ['2024-12-31T23:59:59Z', '2024-12-31T23:59:59.000Z', '2024-12-31T23:59:59Z'],
    ['2024-02-29T10:00:00Z', '2024-02-29T10:00:00.000Z', '2024-02-29T10:00:00Z'],
  ])('%s is the instant %s, echoed as %s', (input, instant, echo) => {
    const parsed = parseEffectiveTime(input);
    expect(parsed?.at.toISOString()).toBe(instant);
    expect(parsed?.echo).toBe(echo);
  });

  it.each([
    'yesterday',
    '2024-03-10',
    '2024-02-30T10:00:00Z',
    '2024-03-10T24:00:00Z',
    '2024-03-10T10:60:00Z',
    '2024-03-10T10:00:00+25:00',
    '',
  ])('refuses %j', (input) => {
    expect(parseEffectiveTime(input)).toBeUndefined();
  });

  it.each([
    ['month 13', '2024-13-01T10:00:00Z'],
    ['month 0', '2024-00-10T10:00:00Z'],
    ['day 0', '2024-03-00T10:00:00Z'],
    ['day 32', '2024-01-32T10:00:00Z'],
    ['year 0', '0000-01-01T00:00:00Z'],
    ['second 60 (no leap seconds)', '2024-03-10T10:00:60Z'],
    ['an offset of 24 hours', '2024-03-10T10:00:00+24:00'],
    ['an offset minute of 60', '2024-03-10T10:00:00+05:60'],
  ])('refuses a date part out of range instead of rolling it over: %s (%s)', (_name, input) => {
    expect(parseEffectiveTime(input)).toBeUndefined();
  });

  it.each([
    ['leading text', 'at 2024-03-10T11:15:00Z'],
    ['a leading space', ' 2024-03-10T11:15:00Z'],
    ['trailing text', '2024-03-10T11:15:00Z tomorrow'],
    ['a trailing newline', '2024-03-10T11:15:00Z\n'],
    ['text after an offset', '2024-03-10T11:15:00+02:00x'],
    ['text after a time without offset', '2024-03-10T11:15:00abc'],
    ['a second date-time', '2024-03-10T11:15:00Z2024-03-10T11:15:00Z'],
  ])('refuses a date-time with %s', (_name, input) => {
    expect(parseEffectiveTime(input)).toBeUndefined();
  });
});

describe('offsets (specs/metering.md 2.6: converted to UTC before bucketing)', () => {
  it.each([
    // A negative offset is behind UTC: 06:15 in New York (-05:00) is 11:15 UTC.
    ['2024-03-10T06:15:00-05:00', '2024-03-10T11:15:00.000Z', '20240310', '11'],
    // Evening at -05:00 is the next UTC day.
    ['2024-03-09T20:30:00-05:00', '2024-03-10T01:30:00.000Z', '20240310', '01'],
    // A half-hour offset moves the minutes, and so the hour: 16:45 in India (+05:30) is 11:15 UTC, not 10:15 or 11:45.
    ['2024-03-10T16:45:00+05:30', '2024-03-10T11:15:00.000Z', '20240310', '11'],
    ['2024-03-10T16:15:00+05:30', '2024-03-10T10:45:00.000Z', '20240310', '10'],
    // Negative half-hour offset (Newfoundland, -03:30).
    ['2024-03-10T07:45:00-03:30', '2024-03-10T11:15:00.000Z', '20240310', '11'],
    // The widest offsets still accepted: ±23:59.
    ['2024-03-10T23:59:00+23:59', '2024-03-10T00:00:00.000Z', '20240310', '00'],
    ['2024-03-10T00:00:00-23:59', '2024-03-10T23:59:00.000Z', '20240310', '23'],
    ['2024-03-10T23:15:00+23:00', '2024-03-10T00:15:00.000Z', '20240310', '00'],
    // -00:00 and +00:00 are UTC.
    ['2024-03-10T11:15:00-00:00', '2024-03-10T11:15:00.000Z', '20240310', '11'],
  ])('%s is %s, in bucket %s hour %s, echoed in UTC', (input, instant, day, hour) => {
    const parsed = parseEffectiveTime(input);
    expect(parsed?.at.toISOString()).toBe(instant);
    expect(parsed?.echo).toBe(instant);
    const at = parsed?.at as Date;
    expect([dayKey(at), hourKey(at)]).toEqual([day, hour]);
  });
});

describe('checkWindow (A3, A4)', () => {
  it.each([
    ['2024-03-09T12:30:00Z', 'ok'], // exactly 24 h old is accepted (T33)
    ['2024-03-09T12:29:59Z', 'expired'], // 24 h + 1 s (T34)
    ['2024-03-09T12:29:59.999Z', 'expired'],
    ['2024-03-10T12:30:00Z', 'ok'], // now (T36)
    ['2024-03-10T12:30:00.001Z', 'future'],
    ['2024-03-10T13:30:00Z', 'future'], // T37
  ])('%s → %s', (at, expected) => {
    expect(checkWindow(new Date(at), NOW)).toBe(expected);
  });
});

describe('buckets and message time', () => {
  it('buckets by UTC date and hour', () => {
    const at = parseEffectiveTime('2024-03-10T01:15:00+02:00')?.at as Date;
    expect([dayKey(at), hourKey(at)]).toEqual(['20240309', '23']);
  });

  it('formats messageTime with seven fractional digits and Z, like the seed', () => {
    expect(messageTime(new Date('2020-01-12T13:19:35.345Z'))).toBe('2020-01-12T13:19:35.3450000Z');
  });
});
