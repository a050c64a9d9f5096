/**
 * Pure-TS twin of native/src/exact.cc: sort by (value, index), cumulative weights, merge of the
 * breakpoints with left-sided quantiles, Σ Δq·|Δx|^p — the same operations in the same order.
 */
import type { FloatArray } from '../../types.js';
import type { ExactOps } from '../exact.js';

function sortSamples(v: ArrayLike<number>, w: ArrayLike<number> | null): { x: Float64Array; w: Float64Array } {
  const n = v.length;
  if (!w) return { x: Float64Array.from(v).sort(), w: new Float64Array(n).fill(1 / n) };
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  perm.sort((i, j) => v[i] - v[j] || i - j);
  const x = new Float64Array(n), ws = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    x[k] = v[perm[k]];
    ws[k] = w[perm[k]];
  }
  return { x, w: ws };
}

function merge(u: { x: Float64Array; w: Float64Array }, v: { x: Float64Array; w: Float64Array }, p: number): number {
  const n = u.x.length, m = v.x.length;
  const cu = new Float64Array(n), cv = new Float64Array(m);
  let s = 0;
  for (let i = 0; i < n; i++) cu[i] = s += u.w[i];
  s = 0;
  for (let j = 0; j < m; j++) cv[j] = s += v.w[j];
  let i = 0, j = 0, iu = 0, iv = 0, prev = 0, total = 0;
  const p1 = p === 1, p2 = p === 2;
  for (let k = 0; k < n + m; k++) {
    let q: number;
    if (j >= m || (i < n && cu[i] <= cv[j])) q = cu[i++];
    else q = cv[j++];
    while (iu < n - 1 && cu[iu] < q) iu++;
    while (iv < m - 1 && cv[iv] < q) iv++;
    const d = Math.abs(u.x[iu] - v.x[iv]);
    total += (q - prev) * (p1 ? d : p2 ? d * d : d ** p);
    prev = q;
  }
  return total;
}

export const jsExact: ExactOps = {
  w1d: (u, uw, v, vw, p) => merge(sortSamples(u, uw), sortSamples(v, vw), p),
  sliced(xs: FloatArray, n, xt: FloatArray, m, d, P, K, a, b, p, out) {
    const px = new Float64Array(n), py = new Float64Array(m);
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let c = 0; c < d; c++) s += xs[i * d + c] * P[c * K + k];
        px[i] = s;
      }
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let c = 0; c < d; c++) s += xt[j * d + c] * P[c * K + k];
        py[j] = s;
      }
      out[k] = merge(sortSamples(px, a), sortSamples(py, b), p);
    }
  },
};
