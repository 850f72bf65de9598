/**
 * Quantities and money as metering shows them (decision records 0304, 0311): computed exactly (rules/decimal.ts),
 * rounded once, quantities to 9 decimals and USD to 6, and sent as JSON numbers.
 */
import { Decimal } from './decimal';

export const QUANTITY_DIGITS = 9;
export const USD_DIGITS = 6;

/** The value rounded exactly (halves away from zero); never NaN or Infinity for a finite input. */
export function roundTo(value: number, digits: number): number {
  return Decimal.of(value).round(digits).toNumber();
}

/** Σ values, exact, shown as a quantity. */
export function sumQuantities(values: Iterable<number>): number {
  return Decimal.sum(values).round(QUANTITY_DIGITS).toNumber();
}

/** Σ values, exact, shown as USD. */
export function sumUsd(values: Iterable<number>): number {
  return Decimal.sum(values).round(USD_DIGITS).toNumber();
}

/** quantity × price per unit, exact, rounded once to the micro-dollar ("the product of Price and Usage Quantity"). */
export function chargeOf(quantity: Decimal | number, pricePerUnitUSD: number): Decimal {
  const q = typeof quantity === 'number' ? Decimal.of(quantity) : quantity;
  return q.times(Decimal.of(pricePerUnitUSD)).round(USD_DIGITS);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
