/** The webhook delivery schedule (rules/delivery.ts): retry spacing and when the delivery has run its course. */
import { describe, expect, it } from 'vitest';
import { followingAttempt, retryDelayMs, type DeliveryInput } from '../../../../shared/saas/rules/delivery';

const T0 = '2026-01-01T00:00:00.000Z';
const HOURS_8 = 8 * 3_600_000;
const base: DeliveryInput = { publisherId: 'contoso', operationId: 'op-1', generation: 0, maxAttempts: 500, retryPeriodMs: HOURS_8 };

describe('retry schedule [DEC-A29]', () => {
  it('backs off exponentially up to the even spacing of 500 attempts over 8 hours [DEC-A29]', () => {
    const period = 8 * 3600_000;
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, period, 500))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(50, period, 500)).toBe(57_600);
  });

  it.each([
    { maxAttempts: 500, period: HOURS_8, n: 1, expected: '2026-01-01T00:00:01.000Z' },
    { maxAttempts: 500, period: HOURS_8, n: 499, expected: '2026-01-01T00:00:57.600Z' },
    { maxAttempts: 500, period: HOURS_8, n: 500, expected: undefined },
    { maxAttempts: 500, period: 60_000, n: 2, expected: undefined }, // the next one would fall outside the period
  ])('the attempt after $n (max $maxAttempts over $period ms) is due at $expected', ({ maxAttempts, period, n, expected }) => {
    expect(followingAttempt({ ...base, maxAttempts, retryPeriodMs: period }, n, T0, '2025-12-31T23:59:00.000Z')).toBe(expected);
  });
});
