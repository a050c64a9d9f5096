/**
 * Pairwise costs for the js backend, mirroring native/src/kernels/lse-inl.h.
 * `pairCost` is the direct form used by online kernels (Σ(x−y)² for sqeuclidean: no cancellation);
 * the dense `dist` uses POT's expansion (see core.ts).
 */
import type { FloatArray } from '../../types.js';

export const enum MetricCode {
  sqeuclidean = 0,
  euclidean = 1,
  cityblock = 2,
  minkowski = 3,
  cosine = 4,
}

/** Norms the cosine metric needs: |v_i| for each row of an r×d array. */
export function rowNorms(v: FloatArray, r: number, d: number): Float64Array {
  const out = new Float64Array(r);
  for (let i = 0; i < r; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += v[i * d + k] * v[i * d + k];
    out[i] = Math.sqrt(s);
  }
  return out;
}

/** c(x_i, y_j) in the direct form. xn/yn are row norms (cosine only). */
export function pairCost(
  x: FloatArray, i: number, y: FloatArray, j: number, d: number, metric: number, p: number,
  xn: Float64Array | null, yn: Float64Array | null,
): number {
  const xo = i * d, yo = j * d;
  let s = 0;
  switch (metric) {
    case MetricCode.sqeuclidean:
    case MetricCode.euclidean:
      for (let k = 0; k < d; k++) {
        const t = x[xo + k] - y[yo + k];
        s += t * t;
      }
      return metric === MetricCode.euclidean ? Math.sqrt(s) : s;
    case MetricCode.cityblock:
      for (let k = 0; k < d; k++) s += Math.abs(x[xo + k] - y[yo + k]);
      return s;
    case MetricCode.minkowski:
      for (let k = 0; k < d; k++) s += Math.abs(x[xo + k] - y[yo + k]) ** p;
      return s ** (1 / p);
    case MetricCode.cosine:
      for (let k = 0; k < d; k++) s += x[xo + k] * y[yo + k];
      return 1 - s / ((xn as Float64Array)[i] * (yn as Float64Array)[j]);
    default:
      throw new RangeError(`Expected a metric code from 0 to 4 for metric but received ${metric}`);
  }
}
