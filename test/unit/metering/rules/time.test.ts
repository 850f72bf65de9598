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
