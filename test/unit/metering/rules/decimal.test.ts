/**
 * The exact decimal helper behind metering's sums and charges (shared/metering/rules/decimal.ts, decision 0311)
 * and the rounding of rules/numbers.ts.
 */
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../../shared/metering/rules/decimal';
import { chargeOf, median, QUANTITY_DIGITS, roundTo, sumQuantities, sumUsd, USD_DIGITS } from '../../../../shared/metering/rules/numbers';

const d = (value: number) => Decimal.of(value);

describe('Decimal', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [5, '5'],
    [-12.5, '-12.5'],
    [0.1, '0.1'],
    [0.000001, '0.000001'],
    [1e-7, '0.0000001'],
    [1.5e-10, '0.00000000015'],
    [1e21, '1000000000000000000000'],
    [-2.5e22, '-25000000000000000000000'],
    [1000000000.0000001, '1000000000.0000001'],
  ])('reads %s as the decimal %s (its shortest round-trip text)', (value, text) => {
    expect(d(value).toString()).toBe(text);
  });

  it.each([NaN, Infinity, -Infinity])('refuses %s, naming it', (value) => {
    expect(() => Decimal.of(value)).toThrow(new RangeError(`not a finite number: ${value}`));
  });

  it('adds and multiplies exactly where doubles do not', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(d(0.1).plus(d(0.2)).toNumber()).toBe(0.3);
    expect(d(0.3).minus(d(0.1)).toNumber()).toBe(0.2);
    expect(d(1.1).times(d(1.1)).toString()).toBe('1.21');
    expect(Decimal.sum(Array.from({ length: 1000 }, () => 0.1)).toNumber()).toBe(100);
    expect(d(1e308).times(d(1e9)).toString()).toBe(`1${'0'.repeat(317)}`); // finite, exact, far beyond a double
  });

  it.each([
    [0.0000005, 6, '0.000001'], // an exact half rounds away from zero
    [0.00000049, 6, '0'],
    [-0.0000005, 6, '-0.000001'],
    [-0.00000049, 6, '0'],
    [2.5, 0, '3'],
    [-2.5, 0, '-3'],
    [1.0049999, 2, '1'],
    [1.005, 2, '1.01'], // 1.005 * 100 is 100.49999999999999 in doubles
    [12.34, 6, '12.34'], // fewer decimals than asked: unchanged
  ])('rounds %s to %s decimals as %s', (value, digits, text) => {
    expect(d(value).round(digits).toString()).toBe(text);
  });

  it('never gives -0', () => {
    expect(Object.is(d(-0.0000001).round(6).toNumber(), 0)).toBe(true);
  });
});

describe('rounding for display (rules/numbers.ts)', () => {
  it('rounds quantities to 9 and USD to 6 decimals, exactly, without overflowing', () => {
    expect(roundTo(0.0000000015, QUANTITY_DIGITS)).toBe(0.000000002);
    expect(roundTo(1.0000005, USD_DIGITS)).toBe(1.000001); // Math.round(1.0000005 * 1e6) / 1e6 gives 1
    expect(roundTo(1e300, 9)).toBe(1e300); // 1e300 * 1e9 is Infinity in doubles
    expect(sumQuantities([0.1, 0.2, 0.0000000004, 0.0000000004])).toBe(0.300000001);
    expect(sumUsd([0.1, 0.2, -0.3])).toBe(0);
  });

  it('charges quantity × price rounded once to the micro-dollar', () => {
    expect(chargeOf(0.0000005, 1).toNumber()).toBe(0.000001);
    expect(chargeOf(3, 0.1).toNumber()).toBe(0.3);
    expect(chargeOf(d(0.0000000012), 1_000_000).toNumber()).toBe(0.0012);
    expect(chargeOf(1_000_000_000, 1_000_000).toNumber()).toBe(1e15);
  });
});

describe("median (the anomaly model's expected value)", () => {
  it.each([
    [[5], 5],
    [[3, 1, 2], 2], // odd: the middle value
    [[100, 1, 2], 2],
    [[4, 1, 3, 2], 2.5], // even: the mean of the two middle values
    [[1, 100], 50.5],
    [[10, 2, 30, 4, 50, 6], 8],
  ])('of %j is %s', (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});
