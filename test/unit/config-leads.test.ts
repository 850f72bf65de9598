/**
 * Lead delivery settings (decisions 0520, 0521, 0523): the retry window, one attempt's time-out, the sweeper's
 * schedule and grace, and the bench-only floor route. Defaults follow spec 2.5 (72 h, every minute, 2 minutes); a
 * bad value stops the app naming the setting.
 */
import { describe, expect, it } from 'vitest';
import { parseSchedule } from '../../local/ncrontab';
import { ConfigError, leadSweepSchedule, parseConfig } from '../../shared/config';

const base = { STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };

describe('lead delivery settings', () => {
  it('default to a 72 h window, 30 s per attempt, a sweep every minute with a 2-minute grace, and no floor route', () => {
    expect(parseConfig(base).leadDelivery).toEqual({
      windowHours: 72,
      timeoutMs: 30_000,
      sweepSchedule: '0 * * * * *',
      sweepGraceMs: 120_000,
      offerConcurrency: 5,
      firstAttempt: { concurrency: 16, queueMax: 2000 },
      offerCacheTtlMs: 5000,
    });
    expect(parseConfig(base).benchFloorRoute).toBe(false);
    expect(leadSweepSchedule({})).toBe('0 * * * * *');
    const schedule = parseSchedule(leadSweepSchedule({}));
    const first = schedule.next(new Date('2026-01-01T00:00:01Z'));
    expect(first.toISOString()).toBe('2026-01-01T00:01:00.000Z');
  });

  it('take overrides', () => {
    const env = {
      ...base,
      LEADS_DELIVERY_WINDOW_HOURS: '1.5',
      LEADS_TARGET_TIMEOUT_MS: '120000',
      LEADS_SWEEP_SCHEDULE: '*/2 * * * * *',
      LEADS_SWEEP_GRACE_MS: '0',
      LEADS_OFFER_CONCURRENCY: '1',
      LEADS_FIRST_ATTEMPT_CONCURRENCY: '0',
      LEADS_FIRST_ATTEMPT_QUEUE: '10',
      LEADS_OFFER_CACHE_TTL_MS: '0',
      BENCH_FLOOR_ROUTE: 'true',
    };
    expect(parseConfig(env).leadDelivery).toEqual({
      windowHours: 1.5,
      timeoutMs: 120_000,
      sweepSchedule: '*/2 * * * * *',
      sweepGraceMs: 0,
      offerConcurrency: 1,
      firstAttempt: { concurrency: 0, queueMax: 10 },
      offerCacheTtlMs: 0,
    });
    expect(parseConfig(env).benchFloorRoute).toBe(true);
    expect(leadSweepSchedule(env)).toBe('*/2 * * * * *');
  });

  it.each([
    ['LEADS_DELIVERY_WINDOW_HOURS', '0'],
    ['LEADS_DELIVERY_WINDOW_HOURS', '-1'],
    ['LEADS_DELIVERY_WINDOW_HOURS', '8761'],
    ['LEADS_DELIVERY_WINDOW_HOURS', 'forever'],
    ['LEADS_TARGET_TIMEOUT_MS', '0'],
    ['LEADS_TARGET_TIMEOUT_MS', '300001'],
    ['LEADS_SWEEP_GRACE_MS', '-1'],
    ['LEADS_OFFER_CONCURRENCY', '0'],
    ['LEADS_OFFER_CONCURRENCY', '1.5'],
    ['LEADS_FIRST_ATTEMPT_CONCURRENCY', '-1'],
    ['LEADS_FIRST_ATTEMPT_QUEUE', '100001'],
    ['LEADS_OFFER_CACHE_TTL_MS', '300001'],
    ['LEADS_SWEEP_SCHEDULE', '* * * * *'],
    ['BENCH_FLOOR_ROUTE', 'maybe'],
  ])('refuses %s=%j, naming it', (name, value) => {
    expect(() => parseConfig({ ...base, [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ ...base, [name]: value })).toThrow(name);
  });

  it('refuses a bad sweep schedule at registration too', () => {
    expect(() => leadSweepSchedule({ LEADS_SWEEP_SCHEDULE: 'every minute' })).toThrow('LEADS_SWEEP_SCHEDULE');
  });

  it('accept the largest window and time-out', () => {
    expect(parseConfig({ ...base, LEADS_DELIVERY_WINDOW_HOURS: '8760', LEADS_TARGET_TIMEOUT_MS: '300000' }).leadDelivery).toMatchObject({
      windowHours: 8760,
      timeoutMs: 300_000,
    });
  });
});
