/** Sums and products of decimal quantities and prices without binary-float noise (0.1 + 0.2 → 0.3). */
export function roundTo(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export const quantityOf = (value: number): number => roundTo(value, 9);
export const usd = (value: number): number => roundTo(value, 6);

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
