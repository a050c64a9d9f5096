/** Seeded inputs for tests. */
import { gaussian, mulberry32 } from '../../src/util/random.js';

export function uniform(seed: number, n: number, lo = 0, hi = 1): Float64Array {
  const r = mulberry32(seed);
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * r());
}

export function normal(seed: number, n: number): Float64Array {
  const g = gaussian(mulberry32(seed));
  return Float64Array.from({ length: n }, () => g());
}

/** Relative difference max_i |a_i − b_i| / max(|b|_∞, tiny). */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / Math.max(den, 1e-300);
}
