/**
 * The bounds of what metering accepts and bills (decision record 0311). The seed says only that a quantity
 * "must be greater than 0, can be integer or float value" (seed 004 ~7805–7806) and that InvalidQuantity is
 * "lower or equal to 0" (~8045); the catalog takes any finite price ≥ 0. Without upper bounds one event of
 * 1e308 units, or two units at a price near the largest double, made every sum Infinity (JSON `null`).
 *
 * With these bounds the largest line of a statement (744 hours of a 31-day period × 10^9 units × $10^6) is
 * 7.44 × 10^17 USD, far inside what a JSON number holds.
 */

/** The largest quantity one event (one resource, dimension and hour) may carry; exactly this much is accepted. */
export const MAX_QUANTITY = 1_000_000_000;

/** The largest price per unit metering bills; a dimension priced above it cannot be billed (InvalidDimension). */
export const MAX_PRICE_PER_UNIT_USD = 1_000_000;

export type QuantityCheck = 'ok' | 'notPositive' | 'notFinite' | 'tooLarge';

/** 0 < quantity ≤ MAX_QUANTITY, and a real number (JSON's `1e400` parses to Infinity). */
export function checkQuantity(quantity: number): QuantityCheck {
  if (Number.isNaN(quantity)) return 'notFinite';
  if (quantity <= 0) return 'notPositive';
  if (quantity === Infinity) return 'notFinite';
  if (quantity > MAX_QUANTITY) return 'tooLarge';
  return 'ok';
}

/** A price per unit metering can bill: absent (free), or finite in [0, MAX_PRICE_PER_UNIT_USD]. */
export function isBillablePrice(pricePerUnitUSD: number | undefined): boolean {
  if (pricePerUnitUSD === undefined) return true;
  return Number.isFinite(pricePerUnitUSD) && pricePerUnitUSD >= 0 && pricePerUnitUSD <= MAX_PRICE_PER_UNIT_USD;
}

/** Whether a stored quantity may be summed and billed (rows accepted before these bounds existed may not). */
export const isBillableQuantity = (quantity: number): boolean => checkQuantity(quantity) === 'ok';
