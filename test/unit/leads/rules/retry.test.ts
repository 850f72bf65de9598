/** Lead delivery retries (rules/retry.ts; specs/leads.md 2.5 (4)–(6), decision 0520): exact values and boundaries. */
import { describe, expect, it } from 'vitest';
import {
  BACKOFF_MS,
  classifyStatus,
  DEFAULT_WINDOW_HOURS,
  JITTER,
  MAX_RETRY_AFTER_MS,
  nextState,
  parseRetryAfter,
  retryDelayMs,
  scheduledDelayMs,
  statusCategory,
  STEADY_DELAY_MS,
  WINDOW_EXPIRED,
  windowMs,
  withJitter,
} from '../../../../shared/leads/rules/retry';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

describe('classifyStatus (spec 2.5 (4))', () => {
  it.each([
    [200, 'success'],
    [201, 'success'],
    [202, 'success'],
    [204, 'success'],
    [299, 'success'],
    [100, 'permanent'],
    [199, 'permanent'],
    [300, 'permanent'],
    [301, 'permanent'],
    [302, 'permanent'],
    [307, 'permanent'],
    [399, 'permanent'],
    [400, 'permanent'],
    [401, 'permanent'],
    [403, 'permanent'],
    [404, 'permanent'],
    [405, 'permanent'],
    [407, 'permanent'],
    [408, 'retryable'],
    [409, 'permanent'],
    [410, 'permanent'],
    [413, 'permanent'],
    [415, 'permanent'],
    [422, 'permanent'],
    [424, 'permanent'],
    [425, 'retryable'],
    [426, 'permanent'],
    [428, 'permanent'],
    [429, 'retryable'],
    [430, 'permanent'],
    [499, 'permanent'],
    [500, 'retryable'],
    [502, 'retryable'],
    [503, 'retryable'],
    [504, 'retryable'],
    [599, 'retryable'],
    [600, 'permanent'],
    [0, 'permanent'],
  ] as const)('HTTP %i is %s', (status, kind) => {
    expect(classifyStatus(status)).toBe(kind);
  });

  it('names an answer by its status, and any 2xx delivered', () => {
    expect(statusCategory(200)).toBe('delivered');
    expect(statusCategory(299)).toBe('delivered');
    expect(statusCategory(503)).toBe('http_503');
    expect(statusCategory(301)).toBe('http_301');
    expect(statusCategory(404)).toBe('http_404');
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-03-01T12:00:00.000Z');

  it.each([
    ['0', 0],
    ['1', 1000],
    ['5', 5000],
    [' 120 ', 120_000],
    ['86400', 86_400_000],
  ])('delay-seconds %j is %i ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it('reads an HTTP-date as the time until then', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Sunday, 01-Mar-26 13:00:00 GMT', now)).toBe(H);
    expect(parseRetryAfter('Sun 01 Mar 2026 12:00:05 GMT', now)).toBe(5000);
  });

  it('reads an HTTP-date in the past as "now"', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 11:59:59 GMT', now)).toBe(0);
  });

  it.each([
    null,
    undefined,
    '',
    '   ',
    '-5',
    '1.5',
    '5s',
    'soon',
    'Sun, 99 Foo 2026 xx GMT',
    '2026-03-01T12:01:00Z',
    '-Sun, 01 Mar 2026 12:01:30 GMT',
  ])('ignores %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe('the backoff schedule (spec 2.5 (5))', () => {
  it('waits 30 s, 1 m, 2 m, 5 m, 10 m, 30 m, 1 h, 2 h, 4 h after attempts 1 to 9, then every 6 h', () => {
    const delays = Array.from({ length: 12 }, (_, i) => scheduledDelayMs(i + 1));
    expect(delays).toEqual([30 * S, M, 2 * M, 5 * M, 10 * M, 30 * M, H, 2 * H, 4 * H, 6 * H, 6 * H, 6 * H]);
    expect(BACKOFF_MS).toHaveLength(9);
    expect(STEADY_DELAY_MS).toBe(6 * H);
    expect(scheduledDelayMs(100)).toBe(6 * H);
  });

  it('treats attempt 0 or less as the first', () => {
    expect(scheduledDelayMs(0)).toBe(30 * S);
    expect(scheduledDelayMs(-3)).toBe(30 * S);
  });

  it('moves a delay by at most ±20%, in whole milliseconds', () => {
    expect(JITTER).toBe(0.2);
    expect(withJitter(30 * S, 0)).toBe(24 * S);
    expect(withJitter(30 * S, 0.5)).toBe(30 * S);
    expect(withJitter(30 * S, 0.75)).toBe(33 * S);
    expect(withJitter(30 * S, 0.999999)).toBe(36 * S);
    expect(withJitter(30 * S, 0.25)).toBe(27 * S);
    expect(withJitter(1001, 0.5)).toBe(1001);
    expect(withJitter(7, 0.9)).toBe(8); // 7 × 1.16 = 8.12
    expect(withJitter(7, 0.6)).toBe(7); // 7 × 1.04 = 7.28
  });

  it('waits for the schedule, or the Retry-After when it is longer', () => {
    expect(retryDelayMs(1, 0.5)).toBe(30 * S);
    expect(retryDelayMs(3, 0)).toBe(96 * S);
    expect(retryDelayMs(1, 0.5, 5 * S)).toBe(30 * S);
    expect(retryDelayMs(1, 0.5, 45 * S)).toBe(45 * S);
    expect(retryDelayMs(1, 0.5, 30 * S)).toBe(30 * S);
    expect(retryDelayMs(1, 0.5, 0)).toBe(30 * S);
  });

  it('caps a Retry-After at 6 hours', () => {
    expect(MAX_RETRY_AFTER_MS).toBe(6 * H);
    expect(retryDelayMs(1, 0.5, 6 * H)).toBe(6 * H);
    expect(retryDelayMs(1, 0.5, 6 * H + 1)).toBe(6 * H);
    expect(retryDelayMs(1, 0.5, 48 * H)).toBe(6 * H);
    // The jittered steady delay may still exceed 6 h; the cap is on what the target asks for.
    expect(retryDelayMs(12, 1 - Number.EPSILON, 7 * H)).toBe(Math.round(6 * H * 1.2));
  });

  it('retries for 72 hours by default', () => {
    expect(DEFAULT_WINDOW_HOURS).toBe(72);
    expect(windowMs(72)).toBe(259_200_000);
    expect(windowMs(1)).toBe(3_600_000);
  });
});

describe('nextState after an attempt', () => {
  const start = '2026-03-01T00:00:00.000Z';
  const endedAt = new Date('2026-03-01T00:00:10.000Z');

  it('is delivered at the end of a successful attempt', () => {
    const outcome = { outcome: 'success' as const, category: 'delivered' };
    expect(nextState({ outcome, attempt: 1, endedAt, windowStartedAt: start, windowMs: windowMs(72), random: 0.5 })).toEqual({
      state: 'delivered',
      at: '2026-03-01T00:00:10.000Z',
    });
  });

  it('is dead-lettered at once on a permanent failure, with its category as the reason', () => {
    const outcome = { outcome: 'permanent' as const, category: 'http_404' };
    expect(nextState({ outcome, attempt: 1, endedAt, windowStartedAt: start, windowMs: windowMs(72), random: 0.5 })).toEqual({
      state: 'dead_lettered',
      at: '2026-03-01T00:00:10.000Z',
      reason: 'http_404',
    });
  });

  it('is pending until the scheduled delay after a retryable failure', () => {
    const outcome = { outcome: 'retryable' as const, category: 'http_503' };
    const base = { outcome, endedAt, windowStartedAt: start, windowMs: windowMs(72), random: 0.5 };
    expect(nextState({ ...base, attempt: 1 })).toEqual({ state: 'pending', nextAttemptAt: '2026-03-01T00:00:40.000Z' });
    expect(nextState({ ...base, attempt: 2 })).toEqual({ state: 'pending', nextAttemptAt: '2026-03-01T00:01:10.000Z' });
    expect(nextState({ ...base, attempt: 2, random: 0 })).toEqual({ state: 'pending', nextAttemptAt: '2026-03-01T00:00:58.000Z' });
  });

  it('honours the target Retry-After when it is later than the schedule', () => {
    const outcome = { outcome: 'retryable' as const, category: 'http_429', retryAfterMs: 120 * S };
    expect(nextState({ outcome, attempt: 1, endedAt, windowStartedAt: start, windowMs: windowMs(72), random: 0.5 })).toEqual({
      state: 'pending',
      nextAttemptAt: '2026-03-01T00:02:10.000Z',
    });
  });

  it('still retries when the next attempt falls exactly at the end of the window, and dead-letters one millisecond later', () => {
    const outcome = { outcome: 'retryable' as const, category: 'timeout' };
    // The attempt ended 30 s before the window closes; the next one is due 30 s later (attempt 1, no jitter).
    const ended = new Date(Date.parse(start) + windowMs(1) - 30 * S);
    expect(nextState({ outcome, attempt: 1, endedAt: ended, windowStartedAt: start, windowMs: windowMs(1), random: 0.5 })).toEqual({
      state: 'pending',
      nextAttemptAt: '2026-03-01T01:00:00.000Z',
    });
    const later = new Date(ended.getTime() + 1);
    expect(nextState({ outcome, attempt: 1, endedAt: later, windowStartedAt: start, windowMs: windowMs(1), random: 0.5 })).toEqual({
      state: 'dead_lettered',
      at: '2026-03-01T00:59:30.001Z',
      reason: WINDOW_EXPIRED,
    });
    expect(WINDOW_EXPIRED).toBe('window_expired');
  });

  it('counts the window from its start (capture or replay), not from the attempt', () => {
    const outcome = { outcome: 'retryable' as const, category: 'network' };
    const replayedAt = '2026-03-05T00:00:00.000Z';
    const ended = new Date('2026-03-05T00:00:01.000Z');
    expect(nextState({ outcome, attempt: 30, endedAt: ended, windowStartedAt: replayedAt, windowMs: windowMs(72), random: 0.5 })).toEqual({
      state: 'pending',
      nextAttemptAt: '2026-03-05T06:00:01.000Z',
    });
    expect(nextState({ outcome, attempt: 30, endedAt: ended, windowStartedAt: start, windowMs: windowMs(72), random: 0.5 })).toMatchObject({
      state: 'dead_lettered',
      reason: 'window_expired',
    });
  });

  it('dead-letters when a Retry-After would reach past the window', () => {
    const outcome = { outcome: 'retryable' as const, category: 'http_503', retryAfterMs: 2 * H };
    const ended = new Date(Date.parse(start) + windowMs(72) - H);
    expect(nextState({ outcome, attempt: 1, endedAt: ended, windowStartedAt: start, windowMs: windowMs(72), random: 0.5 })).toMatchObject({
      state: 'dead_lettered',
      reason: 'window_expired',
    });
  });
});
