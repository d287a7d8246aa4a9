/** Small figures helpers for the bench: medians and rounded ratios. */

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `a / b` rounded to 3 decimals; 0 when b is 0 (nothing measured). */
export function ratio(a: number, b: number): number {
  return b === 0 ? 0 : round(a / b, 3);
}

export function round(value: number, decimals = 2): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
