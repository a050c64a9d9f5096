/**
 * Public LSE / softmax kernels on the active backend (CI runs this file on native and js):
 * shift invariance, -inf entries, eps over 12 decades, empty and single-element inputs,
 * dense vs online agreement.
 */
import { describe, expect, it } from 'vitest';
import { dist, logSumExp, logSumExpPoints, softmaxWeightedSum } from '../src/index.js';
import { uniform } from './helpers/random.js';

/** Two-pass double-precision reference of log Σ_j exp((alpha_i + beta_j − C_ij)/eps). */
function refRows(C: Float64Array, n: number, m: number, eps: number, alpha?: ArrayLike<number>, beta?: ArrayLike<number>) {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let j = 0; j < m; j++) mx = Math.max(mx, ((alpha?.[i] ?? 0) + (beta?.[j] ?? 0) - C[i * m + j]) / eps);
    let s = 0;
    for (let j = 0; j < m; j++) s += Math.exp(((alpha?.[i] ?? 0) + (beta?.[j] ?? 0) - C[i * m + j]) / eps - mx);
    out[i] = mx === -Infinity ? -Infinity : mx + Math.log(s);
  }
  return out;
}

describe('logSumExp', () => {
  const n = 23, m = 301;
  // Dyadic entries (k/1024) so that adding 1e3 is exact in float64.
  const C = Float64Array.from(uniform(5, n * m), (v) => Math.round(v * 1024) / 1024);
  const M = { data: C, rows: n, cols: m };

  it('shift invariance: adding 1e3 to every score shifts the result by 1e3 (to the final rounding)', () => {
    const base = logSumExp(M, { eps: 1 });
    const shifted = logSumExp(M, { eps: 1, beta: new Float64Array(m).fill(1e3) });
    for (let i = 0; i < n; i++) {
      // one rounding of a value near 1e3: |error| ≤ ulp(1e3)/2 ≈ 5.7e-14
      expect(Math.abs(shifted[i] - base[i] - 1e3)).toBeLessThanOrEqual(1.2e-13);
    }
    const colsBase = logSumExp(M, { eps: 1, axis: 'cols' });
    const colsShift = logSumExp(M, { eps: 1, axis: 'cols', alpha: new Float64Array(n).fill(1e3) });
    for (let j = 0; j < m; j++) expect(Math.abs(colsShift[j] - colsBase[j] - 1e3)).toBeLessThanOrEqual(1.2e-13);
  });

  it('matches the two-pass reference for eps from 1e-6 to 1e6', () => {
    for (const eps of [1e-6, 1e-4, 1e-2, 1, 1e2, 1e4, 1e6]) {
      const got = logSumExp(M, { eps });
      const ref = refRows(C, n, m, eps);
      for (let i = 0; i < n; i++) expect(Math.abs(got[i] - ref[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(ref[i])));
    }
  });

  it('-inf offsets drop terms; a row of only -inf gives -inf', () => {
    const beta = new Float64Array(m);
    for (let j = 0; j < m; j++) if (j % 3) beta[j] = -Infinity;
    const got = logSumExp(M, { eps: 0.1, beta });
    const ref = refRows(C, n, m, 0.1, undefined, beta);
    for (let i = 0; i < n; i++) expect(Math.abs(got[i] - ref[i])).toBeLessThanOrEqual(1e-12 * Math.abs(ref[i]));
    const all = logSumExp(M, { eps: 0.1, beta: new Float64Array(m).fill(-Infinity) });
    expect(Array.from(all).every((v) => v === -Infinity)).toBe(true);
    const alpha = new Float64Array(n);
    alpha[2] = -Infinity;
    expect(logSumExp(M, { eps: 0.1, alpha })[2]).toBe(-Infinity);
  });

  it('empty and single-element inputs', () => {
    expect(logSumExp({ data: new Float64Array(0), rows: 0, cols: 5 }).length).toBe(0);
    expect(Array.from(logSumExp({ data: new Float64Array(0), rows: 3, cols: 0 }))).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(logSumExp([[2]], { eps: 0.5 })[0]).toBe(-4);
    expect(logSumExp([[2]], { eps: 0.5, axis: 'cols' })[0]).toBe(-4);
    const one = logSumExpPoints([[1, 2]], [[1, 2]], { eps: 1 });
    expect(one[0]).toBe(0);
    const none = logSumExpPoints({ data: new Float64Array(0), rows: 0, cols: 2 }, [[1, 2]]);
    expect(none.length).toBe(0);
  });

  it('float32 input gives float32 output within float32 accuracy', () => {
    const C32 = Float32Array.from(C);
    const got = logSumExp({ data: C32, rows: n, cols: m }, { eps: 0.05 });
    expect(got).toBeInstanceOf(Float32Array);
    const ref = refRows(Float64Array.from(C32), n, m, 0.05);
    for (let i = 0; i < n; i++) expect(Math.abs(got[i] - ref[i])).toBeLessThanOrEqual(2e-6 * (Math.abs(ref[i]) + 20));
  });
});

describe('online LSE and softmax sum', () => {
  const n = 40, m = 700, d = 2;
  const x = { data: uniform(7, n * d), rows: n, cols: d };
  const y = { data: uniform(8, m * d), rows: m, cols: d };

  it('online equals dense on the same costs', () => {
    // Direct Σ(x−y)² vs POT's expansion differ by a few ulps of |x|²+|y|² (≤ 2) in the cost, i.e.
    // ~1e-15/eps in the scores.
    for (const axis of ['rows', 'cols'] as const) {
      const dense = logSumExp(dist(x, y), { eps: 0.01, axis });
      const online = logSumExpPoints(x, y, { eps: 0.01, axis });
      for (let i = 0; i < dense.length; i++) expect(Math.abs(dense[i] - online[i])).toBeLessThanOrEqual(1e-15 / 0.01 + 1e-13 * Math.abs(dense[i]));
    }
  });

  it('softmax-weighted sum of V = y is a barycentre inside the hull; lse agrees', () => {
    const { values, lse } = softmaxWeightedSum(x, y, y, { eps: 0.05, withLse: true });
    expect(values.rows).toBe(n);
    for (let k = 0; k < n * d; k++) expect(values.data[k]).toBeGreaterThanOrEqual(0), expect(values.data[k]).toBeLessThanOrEqual(1);
    const ref = logSumExpPoints(x, y, { eps: 0.05 });
    for (let i = 0; i < n; i++) expect(Math.abs((lse as Float64Array)[i] - ref[i])).toBeLessThanOrEqual(1e-11 * Math.abs(ref[i]));
  });

  it('dot scores with a huge scale select the argmax (flash-attention limit)', () => {
    const q = [[1, 0]], k = [[0.9, 0], [1, 0], [0.5, 0]], V = [[1], [2], [3]];
    const { values } = softmaxWeightedSum(q, k, V, { score: 'dot', scale: 1e4 });
    expect(values.data[0]).toBeCloseTo(2, 12);
  });
});
