/**
 * Gaussian (Bures–Wasserstein) closed forms: POT fixtures, the properties of notes/paper.md §2.7 and
 * §2.3c, and the linear-algebra core (Jacobi eigendecomposition).
 * Tolerances: Jacobi eigenpairs are accurate to a few ulps relative; map identities hold to
 * ~1e-13 relative on well-conditioned inputs (1e-9 asserted against POT, whose sqrtm differs).
 */
import { describe, expect, it } from 'vitest';
import {
  applyAffine, buresWasserstein, empiricalBuresWasserstein, empiricalGaussian, empiricalGaussianMap, gaussianCommutation,
  gaussianFlowMatching, gaussianFmMap, gaussianGeodesic, gaussianMap,
} from '../src/ot/gaussian.js';
import { eigh, sqrtm } from '../src/linalg/eigh.js';
import { add, identity, matmul, maxAbs, transpose, type Mat } from '../src/linalg/dense.js';
import { emd2 } from '../src/ot/emd.js';
import { dist } from '../src/kernels.js';
import { fixtureCases, loadFixture } from './helpers/fixtures.js';
import { maxRelDiff, normal } from './helpers/random.js';
import type { Matrix } from '../src/types.js';

const M = (x: Matrix): Mat => ({ data: Float64Array.from(x.data), rows: x.rows, cols: x.cols });

function randomSpd(seed: number, d: number, cond = 10): Mat {
  const G = { data: normal(seed, d * d), rows: d, cols: d };
  const S = matmul(G, transpose(G));
  for (let i = 0; i < d; i++) S.data[i * d + i] += d / cond;
  return S;
}

describe('gaussian vs POT fixtures', () => {
  for (const name of fixtureCases('gaussian')) {
    it(name, () => {
      const f = loadFixture('gaussian', name);
      const d = f.meta.d;
      const m0 = f.array('ms').data, m1 = f.array('mt').data;
      const S0 = { data: f.array('Cs').data, rows: d, cols: d }, S1 = { data: f.array('Ct').data, rows: d, cols: d };
      const r = buresWasserstein(m0, S0, m1, S1);
      // POT 0.9.7's bures_wasserstein_distance is W2 (not W2²); bures_distance is B.
      expect(maxRelDiff([r.w2], [f.meta.bures_wasserstein_distance])).toBeLessThan(1e-9);
      expect(maxRelDiff([Math.sqrt(r.bures2)], [f.meta.bures_distance])).toBeLessThan(1e-9);
      expect(maxRelDiff([r.w2sq], [f.meta.w2_squared_scipy])).toBeLessThan(1e-9);
      const T = gaussianMap(m0, S0, m1, S1);
      expect(maxRelDiff(T.A.data, f.array('A').data)).toBeLessThan(1e-9);
      expect(maxRelDiff(T.b, f.array('b').data)).toBeLessThan(1e-9);
    });
  }
});

describe('gaussian properties', () => {
  it('eigh: A = V Λ Vᵀ, orthonormal V, ascending values; relative accuracy on a graded matrix', () => {
    const A = randomSpd(1, 7);
    const e = eigh(A);
    const V = e.vectors;
    const L = { data: new Float64Array(49), rows: 7, cols: 7 };
    for (let i = 0; i < 7; i++) L.data[i * 8] = e.values[i];
    expect(maxAbs(add(matmul(matmul(V, L), transpose(V)), A, 1, -1)) / maxAbs(A)).toBeLessThan(1e-14);
    expect(maxAbs(add(matmul(transpose(V), V), identity(7), 1, -1))).toBeLessThan(1e-14);
    for (let i = 1; i < 7; i++) expect(e.values[i]).toBeGreaterThanOrEqual(e.values[i - 1]);
    // diag(1, 1e-8, 1e-16) rotated slightly: tiny eigenvalues keep relative accuracy.
    const D = { data: Float64Array.from([1, 1e-9, 0, 1e-9, 1e-8, 1e-13, 0, 1e-13, 1e-16]), rows: 3, cols: 3 };
    const ev = eigh(D).values;
    expect(ev[0]).toBeGreaterThan(0);
    expect(Math.abs(ev[0] - (1e-16 - 1e-26 / (1e-8 - 1e-16)))).toBeLessThan(1e-22);
  });

  it('T Σ0 T = Σ1, T is SPD; W2² = tr((T − I) Σ0 (T − I)) + |Δm|²; translation', () => {
    for (const [seed, d] of [[2, 2], [3, 5], [4, 9]] as const) {
      const S0 = randomSpd(seed, d), S1 = randomSpd(seed + 100, d);
      const m0 = normal(seed + 200, d), m1 = normal(seed + 300, d);
      const T = gaussianMap(m0, S0, m1, S1);
      const A = M(T.A);
      expect(maxAbs(add(matmul(matmul(A, S0), A), S1, 1, -1)) / maxAbs(S1)).toBeLessThan(1e-12);
      expect(maxAbs(add(A, transpose(A), 1, -1))).toBe(0);
      expect(eigh(A).values[0]).toBeGreaterThan(0);
      const AmI = add(A, identity(d), 1, -1);
      let tr = 0;
      const K = matmul(matmul(AmI, S0), AmI);
      for (let i = 0; i < d; i++) tr += K.data[i * d + i];
      const dm = m0.reduce((s, v, i) => s + (v - m1[i]) ** 2, 0);
      const r = buresWasserstein(m0, S0, m1, S1);
      expect(maxRelDiff([r.w2sq], [tr + dm])).toBeLessThan(1e-12);
      expect(Math.abs(buresWasserstein(m0, S0, m1, S0).w2sq - dm)).toBeLessThan(1e-12 * (1 + dm));
    }
  });

  it('1-D: W2² = (m0 − m1)² + (σ0 − σ1)²; commuting case T = diag(√(λ1/λ0))', () => {
    const r = buresWasserstein([1.5], [[4]], [-0.5], [[0.25]]);
    expect(Math.abs(r.w2sq - (4 + (2 - 0.5) ** 2))).toBeLessThan(1e-15);
    const T = gaussianMap([0, 0, 0], [[2, 0, 0], [0, 3, 0], [0, 0, 0.5]], [0, 0, 0], [[8, 0, 0], [0, 0.75, 0], [0, 0, 0.5]]);
    expect(maxRelDiff(T.A.data, [2, 0, 0, 0, 0.5, 0, 0, 0, 1])).toBeLessThan(1e-15);
  });

  it('McCann geodesic: W2(α0, αt) = t W2(α0, α1), W2(αt, α1) = (1−t) W2; endpoints', () => {
    const d = 4;
    const S0 = randomSpd(5, d), S1 = randomSpd(6, d);
    const m0 = normal(7, d), m1 = normal(8, d);
    const W = buresWasserstein(m0, S0, m1, S1).w2;
    for (const t of [0, 0.25, 0.6, 1]) {
      const g = gaussianGeodesic(m0, S0, m1, S1, t);
      expect(Math.abs(buresWasserstein(m0, S0, g.mean, g.cov).w2 - t * W)).toBeLessThan(1e-7 * W);
      expect(Math.abs(buresWasserstein(g.mean, g.cov, m1, S1).w2 - (1 - t) * W)).toBeLessThan(1e-7 * W);
    }
    const g1 = gaussianGeodesic(m0, S0, m1, S1, 1);
    expect(maxAbs(add(M(g1.cov), S1, 1, -1)) / maxAbs(S1)).toBeLessThan(1e-12);
  });

  it('flow matching (Prop. 2): A_0 = −I, A_1 = I, A_tΣ_t + Σ_tA_tᵀ = Σ̇_t; integrating Ṫ = A_t T gives T_FM', () => {
    const d = 3;
    const S0 = randomSpd(9, d), S1 = randomSpd(10, d);
    expect(maxAbs(add(M(gaussianFlowMatching(S0, S1, 0).A), identity(d), 1, 1))).toBeLessThan(1e-13);
    expect(maxAbs(add(M(gaussianFlowMatching(S0, S1, 1).A), identity(d), 1, -1))).toBeLessThan(1e-13);
    const t = 0.37;
    const { A, cov } = gaussianFlowMatching(S0, S1, t);
    const lhs = add(matmul(M(A), M(cov)), matmul(M(cov), transpose(M(A))));
    const rhs = add(S1, S0, 2 * t, -2 * (1 - t));
    expect(maxAbs(add(lhs, rhs, 1, -1)) / maxAbs(rhs)).toBeLessThan(1e-12);
    // RK4 on Ṫ = A_t T, T_0 = I (t from 0 to 1).
    let T = identity(d);
    const steps = 400, h = 1 / steps;
    const f = (s: number, X: Mat) => matmul(M(gaussianFlowMatching(S0, S1, s).A), X);
    for (let k = 0; k < steps; k++) {
      const s = k * h;
      const k1 = f(s, T), k2 = f(s + h / 2, add(T, k1, 1, h / 2)), k3 = f(s + h / 2, add(T, k2, 1, h / 2)), k4 = f(s + h, add(T, k3, 1, h));
      T = add(T, add(add(k1, k4), add(k2, k3), 1, 2), 1, h / 6);
    }
    const TFM = M(gaussianFmMap(S0, S1));
    expect(maxAbs(add(T, TFM, 1, -1))).toBeLessThan(1e-9);
    expect(maxAbs(add(matmul(matmul(TFM, S0), transpose(TFM)), S1, 1, -1)) / maxAbs(S1)).toBeLessThan(1e-12);
  });

  it('commutation diagnostic: FM map = OT map iff Σ0Σ1 = Σ1Σ0; FM cost ≥ W2²', () => {
    const S0 = randomSpd(11, 3), S1 = randomSpd(12, 3);
    const nc = gaussianCommutation(S0, S1);
    expect(nc.commutator).toBeGreaterThan(1e-3);
    expect(nc.mapsAgree).toBe(false);
    expect(nc.mapDifference).toBeGreaterThan(1e-3);
    expect(nc.fmAsymmetry).toBeGreaterThan(1e-3);
    expect(nc.fmCost).toBeGreaterThan(nc.otCost);
    // Commuting pair: S1 = f(S0) shares the eigenvectors of S0.
    const S1c = sqrtm(add(matmul(S0, S0), identity(3)));
    const c = gaussianCommutation(S0, S1c);
    expect(c.commutator).toBeLessThan(1e-14);
    expect(c.mapsAgree).toBe(true);
    expect(Math.abs(c.fmCost - c.otCost)).toBeLessThan(1e-12 * c.otCost);
  });

  it('empirical versions and the Gelbrich bound: W2(samples) ≥ Bures of the sample moments', () => {
    const n = 120;
    const X = { data: normal(13, n * 2), rows: n, cols: 2 };
    const Y = { data: normal(14, n * 2).map((v, k) => (k % 2 ? 0.5 * v + 1 : 2 * v)), rows: n, cols: 2 };
    const w2 = emd2(null, null, dist(X, Y));
    const g = empiricalBuresWasserstein(X, Y, { reg: 0 });
    expect(w2).toBeGreaterThanOrEqual(g.w2sq - 1e-12);
    const e = empiricalGaussian(X);
    let mx = 0;
    for (let i = 0; i < n; i++) mx += X.data[2 * i] / n;
    expect(Math.abs(e.mean[0] - mx)).toBeLessThan(1e-15);
    // The fitted map pushes the sample moments of X to those of Y (reg = 0).
    const T = empiricalGaussianMap(X, Y, { reg: 0 });
    const TX = applyAffine(T, X);
    const ey = empiricalGaussian(Y), etx = empiricalGaussian(TX);
    expect(maxRelDiff(etx.cov.data, ey.cov.data)).toBeLessThan(1e-12);
    expect(maxRelDiff(etx.mean, ey.mean)).toBeLessThan(1e-12);
  });

  it('float32 inputs give float32 results', () => {
    const S = { data: Float32Array.from([2, 0.5, 0.5, 1]), rows: 2, cols: 2 };
    const T = gaussianMap(new Float32Array(2), S, new Float32Array(2), S);
    expect(T.A.data).toBeInstanceOf(Float32Array);
    expect(maxRelDiff(T.A.data, [1, 0, 0, 1])).toBeLessThan(1e-6);
  });

  it('errors on bad input', () => {
    expect(() => buresWasserstein([0, 0], [[1, 2], [0, 1]], [0, 0], [[1, 0], [0, 1]])).toThrow(
      'Expected a symmetric matrix for S0 but received "entries (0,1) = 2 and (1,0) = 0"',
    );
    expect(() => buresWasserstein([0], [[1, 0], [0, 1]], [0, 0], [[1, 0], [0, 1]])).toThrow('Expected length 2 for m0 but received Float64Array(1)');
    expect(() => buresWasserstein([0, 0], [[1, 0], [0, 1]], [0, 0], [[1]])).toThrow('Expected a 2x2 matrix for S1 but received "1x1"');
    expect(() => gaussianMap([0, 0], [[1, 0], [0, 0]], [0, 0], [[1, 0], [0, 1]])).toThrow(/positive definite/);
    expect(() => gaussianGeodesic([0], [[1]], [0], [[1]], 1.5)).toThrow('Expected a time in [0, 1] for t but received 1.5');
  });
});
