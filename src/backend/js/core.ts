/**
 * Pure-TypeScript twin of the native engine kernels (native/src/kernels/lse-inl.h).
 * Double precision throughout; float32 outputs are rounded once on store.
 * LSE uses the exact two-pass form (max, then Σ exp(x − max)), the reference the native
 * single-pass tiles are tested against.
 */
import type { FloatArray } from '../../types.js';
import type { CoreOps } from '../types.js';
import { MetricCode, pairCost, rowNorms } from './metric.js';

/** log Σ exp(v[k]) over a scratch array, -inf when every term is -inf; NaN propagates. */
export function lseOf(v: Float64Array, len: number): number {
  let mx = -Infinity;
  let nan = false;
  for (let k = 0; k < len; k++) {
    const t = v[k];
    if (t !== t) nan = true;
    else if (t > mx) mx = t;
  }
  if (nan) return NaN;
  if (mx === -Infinity) return -Infinity;
  if (mx === Infinity) return Infinity;
  let s = 0;
  for (let k = 0; k < len; k++) s += Math.exp(v[k] - mx);
  return mx + Math.log(s);
}

function dist(x: FloatArray, n: number, y: FloatArray, m: number, d: number, metric: number, p: number, out: FloatArray): void {
  if (metric === MetricCode.sqeuclidean || metric === MetricCode.euclidean) {
    // POT's euclidean_distances: (−2<x,y> + |x|²) + |y|², clamped at 0.
    const xn = new Float64Array(n), yn = new Float64Array(m);
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) xn[i] += x[i * d + k] * x[i * d + k];
    for (let j = 0; j < m; j++) for (let k = 0; k < d; k++) yn[j] += y[j * d + k] * y[j * d + k];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        let dot = 0;
        for (let k = 0; k < d; k++) dot += x[i * d + k] * y[j * d + k];
        let c = -2 * dot + xn[i] + yn[j];
        if (c < 0) c = 0;
        out[i * m + j] = metric === MetricCode.euclidean ? Math.sqrt(c) : c;
      }
    }
    return;
  }
  const xn = metric === MetricCode.cosine ? rowNorms(x, n, d) : null;
  const yn = metric === MetricCode.cosine ? rowNorms(y, m, d) : null;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[i * m + j] = pairCost(x, i, y, j, d, metric, p, xn, yn);
}

function lseDense(
  C: FloatArray, n: number, m: number, alpha: FloatArray | null, beta: FloatArray | null,
  eps: number, axis: 0 | 1, out: FloatArray,
): void {
  if (axis === 1) {
    const buf = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) buf[j] = ((beta ? beta[j] : 0) - C[i * m + j]) / eps;
      out[i] = lseOf(buf, m) + (alpha ? alpha[i] / eps : 0);
    }
  } else {
    const buf = new Float64Array(n);
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < n; i++) buf[i] = ((alpha ? alpha[i] : 0) - C[i * m + j]) / eps;
      out[j] = lseOf(buf, n) + (beta ? beta[j] / eps : 0);
    }
  }
}

function lseOnline(
  x: FloatArray, n: number, y: FloatArray, m: number, d: number, metric: number, p: number,
  alpha: FloatArray | null, beta: FloatArray | null, eps: number, axis: 0 | 1, out: FloatArray,
): void {
  if (axis === 0) {
    // Symmetric metrics: columns of (x, y) are rows of (y, x).
    lseOnline(y, m, x, n, d, metric, p, beta, alpha, eps, 1, out);
    return;
  }
  const xn = metric === MetricCode.cosine ? rowNorms(x, n, d) : null;
  const yn = metric === MetricCode.cosine ? rowNorms(y, m, d) : null;
  const buf = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) buf[j] = ((beta ? beta[j] : 0) - pairCost(x, i, y, j, d, metric, p, xn, yn)) / eps;
    out[i] = lseOf(buf, m) + (alpha ? alpha[i] / eps : 0);
  }
}

function softmaxSum(
  x: FloatArray, n: number, y: FloatArray, m: number, d: number, kind: 0 | 1, metric: number, p: number,
  eps: number, scale: number, beta: FloatArray | null, V: FloatArray, dv: number, out: FloatArray,
  lse: FloatArray | null,
): void {
  const xn = kind === 0 && metric === MetricCode.cosine ? rowNorms(x, n, d) : null;
  const yn = kind === 0 && metric === MetricCode.cosine ? rowNorms(y, m, d) : null;
  const s = new Float64Array(m);
  const acc = new Float64Array(dv);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const b = beta ? beta[j] : 0;
      if (kind === 0) s[j] = (b - pairCost(x, i, y, j, d, metric, p, xn, yn)) / eps;
      else {
        let dot = 0;
        for (let k = 0; k < d; k++) dot += x[i * d + k] * y[j * d + k];
        s[j] = b + scale * dot;
      }
    }
    const l = lseOf(s, m);
    acc.fill(0);
    let total = 0;
    if (l === l && l !== -Infinity) {
      for (let j = 0; j < m; j++) {
        const w = Math.exp(s[j] - l);
        total += w;
        for (let k = 0; k < dv; k++) acc[k] += w * V[j * dv + k];
      }
    }
    for (let k = 0; k < dv; k++) out[i * dv + k] = l !== l ? NaN : total > 0 ? acc[k] / total : 0;
    if (lse) lse[i] = l;
  }
}

function expArray(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]);
}

function sum(x: FloatArray): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}

function firstNonFinite(x: FloatArray): number {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return i;
  return -1;
}

export const jsCore: CoreOps = { expArray, sum, firstNonFinite, dist, lseDense, lseOnline, softmaxSum };
