/**
 * Native vs js parity for the engine kernels, float64 and float32, every metric.
 * Tolerances: float64 1e-12 relative to the magnitude of the scores (the native kernels use a
 * ~1 ulp vector exp and a different summation order); float32 2e-5 of the score scale
 * (float32 costs carry ~6e-8 relative error, amplified by 1/eps in the scores and by m in sums).
 */
import { describe, expect, it } from 'vitest';
import { jsBackend, nativeBackend } from './helpers/native.js';
import { uniform } from './helpers/random.js';
import type { FloatArray } from '../src/types.js';

const METRICS = [0, 1, 2, 3, 4] as const;
const DTYPES = [Float64Array, Float32Array] as const;

function close(a: FloatArray, b: FloatArray, scale: number, tol: number) {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue; // covers ±inf
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / (Math.abs(b[i]) + scale));
  }
  expect(worst).toBeLessThanOrEqual(tol);
}

for (const T of DTYPES) {
  const f32 = T === Float32Array;
  const tol = f32 ? 2e-5 : 1e-12;
  describe(`engine kernels parity (${T.name})`, () => {
    const n = 37, m = 529, d = 3;
    const x = T.from(uniform(1, n * d)), y = T.from(uniform(2, m * d));
    const alpha = T.from(uniform(3, n, -0.5, 0.5)), beta = T.from(uniform(4, m, -0.5, 0.5));
    alpha[5] = -Infinity;
    beta[7] = -Infinity;

    for (const metric of METRICS) {
      it(`dist metric ${metric}`, () => {
        const a = new T(n * m), b = new T(n * m);
        nativeBackend.core.dist(x, n, y, m, d, metric, 3, a);
        jsBackend.core.dist(x, n, y, m, d, metric, 3, b);
        if (f32 && metric === 1) {
          // float32 euclidean: POT's expansion |x|²+|y|²−2<x,y> has absolute error ~1e-7·(|x|²+|y|²)
          // before the sqrt, which amplifies it near 0; compare the squares instead.
          close(a.map((v) => v * v), b.map((v) => v * v), 6, 1e-6);
        } else {
          close(a, b, 1, f32 ? 2e-6 : 1e-14);
        }
      });
      for (const axis of [0, 1] as const) {
        it(`online LSE metric ${metric} axis ${axis}`, () => {
          const len = axis === 1 ? n : m;
          const a = new T(len), b = new T(len);
          nativeBackend.core.lseOnline(x, n, y, m, d, metric, 3, alpha, beta, 0.05, axis, a);
          jsBackend.core.lseOnline(x, n, y, m, d, metric, 3, alpha, beta, 0.05, axis, b);
          close(a, b, 1 / 0.05, tol);
        });
      }
    }

    for (const axis of [0, 1] as const) {
      for (const eps of [1e-3, 0.1, 10]) {
        it(`dense LSE axis ${axis} eps ${eps}`, () => {
          const C = new T(n * m);
          jsBackend.core.dist(x, n, y, m, d, 0, 2, C);
          const len = axis === 1 ? n : m;
          const a = new T(len), b = new T(len);
          nativeBackend.core.lseDense(C, n, m, alpha, beta, eps, axis, a);
          jsBackend.core.lseDense(C, n, m, alpha, beta, eps, axis, b);
          close(a, b, 3 / eps, tol);
          expect(a[axis === 1 ? 5 : 7]).toBe(-Infinity);
        });
      }
    }

    for (const kind of [0, 1] as const) {
      it(`softmax-weighted sum kind ${kind}`, () => {
        const dv = 4;
        const V = T.from(uniform(9, m * dv, -1, 1));
        const a = new T(n * dv), b = new T(n * dv), la = new T(n), lb = new T(n);
        nativeBackend.core.softmaxSum(x, n, y, m, d, kind, 0, 2, 0.05, 2.5, beta, V, dv, a, la);
        jsBackend.core.softmaxSum(x, n, y, m, d, kind, 0, 2, 0.05, 2.5, beta, V, dv, b, lb);
        close(a, b, 1, f32 ? 1e-5 : 1e-12);
        close(la, lb, 20, tol);
      });
    }
  });
}

describe('sum', () => {
  it('matches the js sum in float64 and float32', () => {
    const v = uniform(11, 200_003, -1, 1);
    expect(Math.abs(nativeBackend.core.sum(v) - jsBackend.core.sum(v))).toBeLessThan(1e-10);
    const f = Float32Array.from(v);
    // Both sum float32 entries in double (different order): ~1e-16 · Σ|x| apart.
    expect(Math.abs(nativeBackend.core.sum(f) - jsBackend.core.sum(f))).toBeLessThan(1e-10);
  });
});

describe('NaN is never hidden', () => {
  for (const T of [Float64Array, Float32Array]) {
    it(`dense and online LSE propagate NaN to the affected outputs (${T.name})`, () => {
      for (const [n, m] of [[2, 2], [3, 1000], [40, 37]]) {
        const C = T.from(uniform(31, n * m));
        C[m + 1] = NaN; // row 1, column 1
        C[0] = NaN; // row 0, column 0: a NaN followed by finite entries in the scalar tail
        C[1] = 0.5;
        for (const be of [nativeBackend, jsBackend]) {
          const rows = new T(n), cols = new T(m);
          be.core.lseDense(C, n, m, null, null, 0.1, 1, rows);
          be.core.lseDense(C, n, m, null, null, 0.1, 0, cols);
          expect(Number.isNaN(rows[1])).toBe(true);
          expect(Number.isNaN(rows[0])).toBe(true);
          expect(Number.isNaN(cols[1])).toBe(true);
          expect(Number.isNaN(cols[0])).toBe(true);
          if (n > 2) expect(Number.isNaN(rows[2])).toBe(false);
          if (m > 2) expect(Number.isNaN(cols[2])).toBe(false);
        }
      }
    });
  }
});

describe('firstNonFinite', () => {
  for (const T of [Float64Array, Float32Array]) {
    it(`finds the first NaN or infinity at any position (${T.name})`, () => {
      for (const n of [0, 1, 7, 100, 70_001]) {
        const v = T.from(uniform(41, n));
        expect(nativeBackend.core.firstNonFinite(v)).toBe(-1);
        expect(jsBackend.core.firstNonFinite(v)).toBe(-1);
        for (const [pos, bad] of [[n - 1, NaN], [Math.floor(n / 2), Infinity], [0, -Infinity]] as const) {
          if (n === 0) continue;
          const w = v.slice();
          w[pos] = bad;
          if (pos + 3 < n) w[pos + 3] = NaN;
          expect(nativeBackend.core.firstNonFinite(w)).toBe(pos);
          expect(jsBackend.core.firstNonFinite(w)).toBe(pos);
        }
      }
    });
  }
});
