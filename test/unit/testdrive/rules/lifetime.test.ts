/** Drive and instance times (specs/testdrive.md G5, G23, G24, §4 cases 45, 50, 52). */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TIMEOUTS,
  estimatedWaitMinutes,
  expiresAt,
  DEFAULT_HISTORY_MS,
  isExpired,
  isPastHistory,
  isStuck,
  MAX_TIMER_MS,
  nextTimer,
  provisionBackoffMs,
} from '../../../../shared/testdrive/rules/lifetime';

const T = new Date('2026-01-01T00:00:00.000Z');

describe('expiry', () => {
  it('expires durationHours after activation', () => {
    expect(expiresAt(T, 2).toISOString()).toBe('2026-01-01T02:00:00.000Z');
    expect(expiresAt(T, 999).toISOString()).toBe('2026-02-11T15:00:00.000Z');
  });

  it('sets timers of at most 6 days', () => {
    expect(MAX_TIMER_MS).toBe(518_400_000);
    const far = expiresAt(T, 999);
    expect(nextTimer(T, far).toISOString()).toBe('2026-01-07T00:00:00.000Z');
    const near = expiresAt(T, 2);
    expect(nextTimer(T, near).toISOString()).toBe('2026-01-01T02:00:00.000Z');
    const exactly = new Date(T.getTime() + MAX_TIMER_MS);
    expect(nextTimer(T, exactly).toISOString()).toBe(exactly.toISOString());
  });

  it('is expired from the expiry instant on', () => {
    expect(isExpired('2026-01-01T00:00:00.000Z', T)).toBe(true);
    expect(isExpired('2026-01-01T00:00:00.001Z', T)).toBe(false);
    expect(isExpired('2025-12-31T23:59:59.999Z', T)).toBe(true);
    expect(isExpired(undefined, T)).toBe(false);
  });
});

describe('provisionBackoffMs', () => {
  it('doubles from one minute up to 30 minutes', () => {
    expect(provisionBackoffMs(0)).toBe(0);
    expect(provisionBackoffMs(-1)).toBe(0);
    expect(provisionBackoffMs(1)).toBe(60_000);
    expect(provisionBackoffMs(2)).toBe(120_000);
    expect(provisionBackoffMs(3)).toBe(240_000);
    expect(provisionBackoffMs(5)).toBe(960_000);
    expect(provisionBackoffMs(6)).toBe(1_800_000);
    expect(provisionBackoffMs(20)).toBe(1_800_000);
  });
});

describe('isStuck', () => {
  const at = (minutes: number) => new Date(T.getTime() + minutes * 60_000);
  it('uses the provision time-out for Provisioning and Stopping (120 min)', () => {
    for (const state of ['Provisioning', 'Stopping']) {
      expect(isStuck(state, T.toISOString(), at(120), DEFAULT_TIMEOUTS)).toBe(false);
      expect(isStuck(state, T.toISOString(), new Date(at(120).getTime() + 1), DEFAULT_TIMEOUTS)).toBe(true);
    }
  });

  it('uses the start time-out for Starting (20 min) and the delete time-out for Deprovisioning (30 min)', () => {
    expect(isStuck('Starting', T.toISOString(), at(20), DEFAULT_TIMEOUTS)).toBe(false);
    expect(isStuck('Starting', T.toISOString(), new Date(at(20).getTime() + 1), DEFAULT_TIMEOUTS)).toBe(true);
    expect(isStuck('Deprovisioning', T.toISOString(), at(30), DEFAULT_TIMEOUTS)).toBe(false);
    expect(isStuck('Deprovisioning', T.toISOString(), new Date(at(30).getTime() + 1), DEFAULT_TIMEOUTS)).toBe(true);
  });

  it('never holds a ready, in-use or deleted instance stuck', () => {
    for (const state of ['ReadyHot', 'ReadyWarm', 'InUse', 'Deleted']) expect(isStuck(state, T.toISOString(), at(100_000), DEFAULT_TIMEOUTS)).toBe(false);
  });

  it('has the spec defaults', () => {
    expect(DEFAULT_TIMEOUTS).toEqual({ provisionMs: 7_200_000, startMs: 1_200_000, deleteMs: 1_800_000 });
  });
});

describe('estimatedWaitMinutes', () => {
  it('is 0 hot, 10 warm and 90 cold', () => {
    expect(estimatedWaitMinutes('hot')).toBe(0);
    expect(estimatedWaitMinutes('warm')).toBe(10);
    expect(estimatedWaitMinutes('cold')).toBe(90);
    expect(estimatedWaitMinutes('cold-adopted')).toBe(90);
  });
});

describe('isPastHistory', () => {
  const now = new Date('2026-01-31T00:00:00.000Z');

  it('keeps 30 days by default, up to and including the last millisecond', () => {
    expect(DEFAULT_HISTORY_MS).toBe(30 * 24 * 3_600_000);
    expect(isPastHistory('2026-01-01T00:00:00.000Z', now, DEFAULT_HISTORY_MS)).toBe(false);
    expect(isPastHistory('2025-12-31T23:59:59.999Z', now, DEFAULT_HISTORY_MS)).toBe(true);
  });

  it('never drops a row without an end, nor one that ends later', () => {
    expect(isPastHistory(undefined, now, 0)).toBe(false);
    expect(isPastHistory('2026-01-31T00:00:00.001Z', now, 0)).toBe(false);
    expect(isPastHistory('2026-01-31T00:00:00.000Z', now, 0)).toBe(false);
    expect(isPastHistory('2026-01-30T23:59:59.999Z', now, 0)).toBe(true);
  });
});
