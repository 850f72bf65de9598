import { describe, expect, it } from 'vitest';
import { AdjustableClock, parseDuration } from '../../shared/clock';

describe('AdjustableClock', () => {
  it('keeps ticking with real time after being set', () => {
    let real = Date.parse('2026-01-01T00:00:00Z');
    const clock = new AdjustableClock({ adjustable: true, realNow: () => real });
    clock.set(new Date('2030-05-05T10:00:00Z'));
    real += 1500;
    expect(clock.now().toISOString()).toBe('2030-05-05T10:00:01.500Z');
  });

  it('advances and notifies listeners once per change', () => {
    const clock = new AdjustableClock({ adjustable: true, realNow: () => 0 });
    let calls = 0;
    const off = clock.onChange(() => calls++);
    clock.advance(3 * 24 * 3600_000);
    expect(clock.now().toISOString()).toBe('1970-01-04T00:00:00.000Z');
    clock.advance(0);
    off();
    clock.advance(1);
    expect(calls).toBe(1);
  });

  it('restores a saved state', () => {
    const a = new AdjustableClock({ adjustable: true, realNow: () => 1000 });
    a.advance(5000);
    const b = new AdjustableClock({ adjustable: true, realNow: () => 1000 });
    b.restore(a.state());
    expect(b.now().getTime()).toBe(6000);
  });

  it('refuses to move when the test clock is off', () => {
    const clock = new AdjustableClock({ adjustable: false });
    expect(() => clock.advance(1)).toThrow(/not adjustable/);
  });
});

describe('parseDuration', () => {
  it.each([
    ['PT1H', 3_600_000],
    ['P3D', 259_200_000],
    ['PT1H30M', 5_400_000],
    ['PT0.5S', 500],
    ['P1DT2H', 93_600_000],
  ])('%s is %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'P', 'PT', '1H', 'PT1X', 'P1W', 'one hour'])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined());
});
