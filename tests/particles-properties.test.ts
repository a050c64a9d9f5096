/**
 * Particle fields against the paper's closed forms and invariants (notes/paper.md §2.3, 2.4, 2.8–2.11,
 * 2.13). Public API, so CI runs it on both backends; sizes shrink on the js backend.
 */
import { describe, expect, it } from 'vitest';
import { backend } from '../src/backend/index.js';
import {
  attentionGaussianOde, fieldEnergy, fieldVelocity, gaussianFlowMatching, heatGaussian, linearNetRiccati, moments,
  otCoupling, ouMomentsOde, sampleConditionalFlow, simulate,
} from '../src/particles/index.js';
import type { Matrix } from '../src/types.js';
import { normal } from './helpers/random.js';
import { mixtureScore, noisedMixture, sampleMixture, vpSchedule } from '../src/diffusion/index.js';

const JS = backend().name === 'js';
const maxAbs = (a: number[][], b: number[][]) => Math.max(...a.flatMap((r, i) => r.map((v, j) => Math.abs(v - b[i][j]))));

function gaussianCloud(n: number, mean: number[], L: number[][], seed: number): Matrix {
  const d = mean.length;
  const z = normal(seed, n * d);
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < d; a++) {
      let s = mean[a];
      for (let b = 0; b < d; b++) s += L[a][b] * z[i * d + b];
      x[i * d + a] = s;
    }
  return { data: x, rows: n, cols: d };
}
const row = (m: Matrix, i: number) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols));

describe('attention dynamics', () => {
  const Q = [[0.6, 0.2], [-0.1, 0.5]], K = [[0.4, 0], [0.3, 0.7]], V = [[0.5, -0.2], [0.1, 0.3]];

  it('Gaussian tokens: empirical mean and covariance follow the Eq. 30 ODE', () => {
    const n = JS ? 1000 : 3000;
    const x0 = gaussianCloud(n, [0.3, -0.2], [[1, 0], [0.4, 0.6]], 1);
    const m0 = moments(x0.data, n, 2);
    const T = 1;
    const res = simulate({ x0, field: { type: 'attention', Q, K, V, beta: 1 }, integrator: 'rk4', dt: 0.1, steps: 10 });
    const emp = moments(res.x.data, n, 2);
    const ode = attentionGaussianOde(m0.mean, m0.cov, [{ Q, K, V }], T, { steps: 400 });
    // Monte Carlo: the sample is only approximately Gaussian, O(n^-1/2) ≈ 0.013–0.026 relative.
    const tol = JS ? 0.08 : 0.05;
    expect(maxAbs(emp.cov, ode.cov)).toBeLessThan(tol);
    expect(Math.max(...emp.mean.map((v, i) => Math.abs(v - ode.mean[i])))).toBeLessThan(tol);
    // The dynamics moved the covariance well beyond that tolerance (the check can fail).
    expect(maxAbs(ode.cov, m0.cov)).toBeGreaterThan(4 * tol);
  });

  it('is permutation equivariant and invariant under duplicating every token', () => {
    const n = 40;
    const x = gaussianCloud(n, [0, 0], [[1, 0], [0, 1]], 2);
    const field = { type: 'attention' as const, Q, K, V, beta: 1.5 };
    const v = fieldVelocity(x, field);
    const perm = Array.from({ length: n }, (_, i) => (i * 17 + 5) % n);
    const xp = new Float64Array(n * 2);
    perm.forEach((p, i) => xp.set(x.data.subarray(p * 2, p * 2 + 2), i * 2));
    const vp = fieldVelocity({ data: xp, rows: n, cols: 2 }, field);
    perm.forEach((p, i) => {
      for (let k = 0; k < 2; k++) expect(vp.data[i * 2 + k]).toBeCloseTo(v.data[p * 2 + k], 12);
    });
    const xd = new Float64Array(4 * n);
    xd.set(x.data);
    xd.set(x.data, 2 * n);
    const vd = fieldVelocity({ data: xd, rows: 2 * n, cols: 2 }, field);
    for (let e = 0; e < 2 * n; e++) {
      expect(vd.data[e]).toBeCloseTo(v.data[e], 12);
      expect(vd.data[2 * n + e]).toBeCloseTo(v.data[e], 12);
    }
  });

  it('multi-head fields sum the heads; integer token weights equal duplicated tokens', () => {
    const n = 15;
    const x = gaussianCloud(n, [0, 0], [[1, 0], [0, 1]], 60);
    const Q2 = [[0.1, -0.4], [0.3, 0.2]], K2 = [[0.5, 0.5], [-0.2, 0.1]], V2 = [[0.2, 0.1], [-0.3, 0.4]];
    const both = fieldVelocity(x, { type: 'attention', Q: [Q, Q2], K: [K, K2], V: [V, V2], beta: 0.8 });
    const h1 = fieldVelocity(x, { type: 'attention', Q, K, V, beta: 0.8 });
    const h2 = fieldVelocity(x, { type: 'attention', Q: Q2, K: K2, V: V2, beta: 0.8 });
    for (let e = 0; e < 2 * n; e++) expect(both.data[e]).toBeCloseTo(h1.data[e] + h2.data[e], 12);
    const w = Array.from({ length: n }, (_, i) => 1 + (i % 3));
    const dup: number[] = [];
    for (let i = 0; i < n; i++) for (let c = 0; c < w[i]; c++) dup.push(x.data[2 * i], x.data[2 * i + 1]);
    const field = { type: 'attention' as const, Q, K, V, beta: 1.2 };
    const vw = fieldVelocity(x, field, 0, w);
    const vd = fieldVelocity({ data: Float64Array.from(dup), rows: dup.length / 2, cols: 2 }, field);
    let o = 0;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 2; k++) expect(vw.data[2 * i + k]).toBeCloseTo(vd.data[2 * o + k], 12);
      o += w[i];
    }
  });

  it('with V = QᵀK the field is ∇U, U(x) = β⁻¹ log Σ_j exp(β<Qx, Kx_j>) (finite differences)', () => {
    const n = 30, d = 3, beta = 0.7;
    const Qr = [[0.5, 0.1, -0.3], [0.2, 0.4, 0.1]], Kr = [[0.3, -0.2, 0.5], [0.1, 0.6, 0.2]];
    const Vr = [0, 1, 2].map((a) => [0, 1, 2].map((b) => Qr[0][a] * Kr[0][b] + Qr[1][a] * Kr[1][b]));
    const x = gaussianCloud(n + 1, [0, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], 3);
    // The probe is the last row with weight 0: it sees the others but nobody attends to it.
    const w = Array.from({ length: n + 1 }, (_, i) => (i < n ? 1 : 0));
    const field = { type: 'attention' as const, Q: Qr, K: Kr, V: Vr, beta };
    const U = (p: number[]) => {
      const qp = Qr.map((r) => r[0] * p[0] + r[1] * p[1] + r[2] * p[2]);
      let s = 0;
      for (let j = 0; j < n; j++) {
        const xj = row(x, j);
        const kj = Kr.map((r) => r[0] * xj[0] + r[1] * xj[1] + r[2] * xj[2]);
        s += Math.exp(beta * (qp[0] * kj[0] + qp[1] * kj[1]));
      }
      return Math.log(s) / beta;
    };
    const g = fieldVelocity(x, field, 0, w);
    const probe = row(x, n);
    const h = 1e-5;
    for (let k = 0; k < d; k++) {
      const pp = probe.slice(), pm = probe.slice();
      pp[k] += h;
      pm[k] -= h;
      // central differences: O(h²) ≈ 1e-10 plus rounding 1e-16/h ≈ 1e-11
      expect(Math.abs(g.data[n * d + k] - (U(pp) - U(pm)) / (2 * h))).toBeLessThan(1e-7);
    }
  });

  it('on the sphere tokens stay on the sphere and cluster for large β', () => {
    const n = 24, d = 3;
    const x = gaussianCloud(n, [0, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], 4);
    for (let i = 0; i < n; i++) {
      const r = Math.hypot(...row(x, i));
      for (let k = 0; k < d; k++) x.data[i * d + k] /= r;
    }
    const I = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    const diam = (m: Matrix) => {
      let s = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s = Math.max(s, Math.hypot(...row(m, i).map((v, k) => v - m.data[j * d + k])));
      return s;
    };
    const clusters = (m: Matrix, r: number) => {
      const lab = new Array<number>(n).fill(-1);
      let c = 0;
      for (let i = 0; i < n; i++) {
        if (lab[i] >= 0) continue;
        lab[i] = c;
        for (let j = i + 1; j < n; j++) if (lab[j] < 0 && Math.hypot(...row(m, i).map((v, k) => v - m.data[j * d + k])) < r) lab[j] = c;
        c++;
      }
      return c;
    };
    const run = (beta: number, steps: number) =>
      simulate({ x0: x, field: { type: 'attention', Q: I, K: I, V: I, beta, sphere: true }, integrator: 'rk4', dt: 0.1, steps, record: 100 });
    const res = run(1, 300);
    for (let r = 0; r < res.trajectory.records; r++)
      for (let i = 0; i < n; i++) {
        const o = (r * n + i) * d;
        expect(Math.hypot(res.trajectory.data[o], res.trajectory.data[o + 1], res.trajectory.data[o + 2])).toBeCloseTo(1, 12);
      }
    expect(diam(x)).toBeGreaterThan(1.2);
    // β = 1: a single cluster; β = 9: a few tight clusters (the metastable phase) out of 24 tokens.
    expect(diam(res.x)).toBeLessThan(1e-6);
    const hot = run(9, 600);
    const c = clusters(hot.x, 0.05);
    expect(c).toBeGreaterThanOrEqual(2);
    expect(c).toBeLessThanOrEqual(6);
    expect(clusters(x, 0.05)).toBe(n);
  });
});

describe('MMD / interaction flows', () => {
  // Paper notebook set-up (§3 item 1): 60 sources N(0, I) − (4, 0); 80 targets in two clusters.
  const src = gaussianCloud(60, [-4, 0], [[1, 0], [0, 1]], 5);
  const t1 = gaussianCloud(40, [4, 3], [[0.8, 0], [0, 0.8]], 6), t2 = gaussianCloud(40, [4, -3], [[0.6, 0], [0, 0.6]], 7);
  const tgt = { data: Float64Array.from([...t1.data, ...t2.data]), rows: 80, cols: 2 };

  for (const kernel of ['energy', 'gaussian', 'laplacian'] as const) {
    it(`MMD² (${kernel}) never increases for a small dt and stays >= 0`, () => {
      const res = simulate({ x0: src, field: { type: 'mmd', kernel, p: 1, sigma: 2, target: tgt }, dt: 0.02, steps: 400, record: 1 });
      const E = res.energy!;
      for (let k = 1; k < E.length; k++) expect(E[k]).toBeLessThanOrEqual(E[k - 1] + 1e-12);
      expect(E[E.length - 1]).toBeGreaterThanOrEqual(0);
      expect(E[E.length - 1]).toBeLessThan(0.7 * E[0]);
      expect(fieldEnergy(res.x, { type: 'mmd', kernel, p: 1, sigma: 2, target: tgt })).toBeCloseTo(E[E.length - 1], 10);
    });
  }

  it('pure interaction (no target, no confinement) conserves the centroid; Riesz with confinement stays bounded', () => {
    const x = gaussianCloud(50, [1, -2], [[1, 0.3], [0, 0.5]], 8);
    const c0 = moments(x.data, 50, 2).mean;
    for (const field of [{ type: 'mmd' as const, kernel: 'gaussian' as const, sigma: 0.7 }, { type: 'mmd' as const, kernel: 'energy' as const, p: 1.5 }]) {
      const res = simulate({ x0: x, field, integrator: 'heun', dt: 0.01, steps: 100 });
      const c = moments(res.x.data, 50, 2).mean;
      expect(Math.abs(c[0] - c0[0]) + Math.abs(c[1] - c0[1])).toBeLessThan(1e-12);
    }
    const r = simulate({ x0: x, field: { type: 'mmd', kernel: 'coulomb', smoothing: 1e-3, confinement: 1 }, dt: 0.01, steps: 200, record: 1 });
    const E = r.energy!;
    for (let k = 1; k < E.length; k++) expect(E[k]).toBeLessThanOrEqual(E[k - 1] + 1e-12);
  });
});

describe('Langevin / Fokker–Planck', () => {
  const A = [[2, 0.5], [0.5, 1]];
  const Ainv = [[1 / 1.75, -0.5 / 1.75], [-0.5 / 1.75, 2 / 1.75]];

  it('stationary covariance is temperature·A⁻¹ within Monte Carlo error', () => {
    const n = JS ? 2000 : 8000;
    const res = simulate({
      x0: gaussianCloud(n, [0, 0], [[0.1, 0], [0, 0.1]], 9),
      field: { type: 'langevin', potential: { type: 'quadratic', A }, temperature: 0.5 }, dt: 0.005, steps: 1200, seed: 11,
    });
    const { mean, cov } = moments(res.x.data, n, 2);
    // MC sd of covariance entries ≈ 0.3·sqrt(2/n) ≤ 0.01; EM bias O(dt·λ) ≈ 0.5%.
    expect(maxAbs(cov, Ainv.map((r) => r.map((v) => 0.5 * v)))).toBeLessThan(0.04);
    expect(Math.hypot(...mean)).toBeLessThan(0.05);
  });

  it('OU moments follow the ODE; temperature 0 is gradient descent; zero potential is the heat equation', () => {
    const n = JS ? 2000 : 8000;
    const x0 = gaussianCloud(n, [2, -1], [[0.5, 0], [0.2, 0.4]], 10);
    const m0 = moments(x0.data, n, 2);
    const field = { type: 'langevin' as const, potential: { type: 'quadratic' as const, A, center: [1, 1] }, temperature: 1 };
    const res = simulate({ x0, field, dt: 0.002, steps: 250, seed: 3 });
    const emp = moments(res.x.data, n, 2);
    const ode = ouMomentsOde(m0.mean, m0.cov, A, 0.5, { temperature: 1, center: [1, 1] });
    expect(maxAbs(emp.cov, ode.cov)).toBeLessThan(0.05);
    expect(Math.max(...emp.mean.map((v, i) => Math.abs(v - ode.mean[i])))).toBeLessThan(0.04);
    // temperature 0: deterministic gradient descent (euler), its mean follows ṁ = −A(m − c) exactly in expectation.
    const gd = simulate({ x0, field: { ...field, temperature: 0 }, integrator: 'rk4', dt: 0.01, steps: 50 });
    const odeGd = ouMomentsOde(m0.mean, m0.cov, A, 0.5, { temperature: 0, center: [1, 1] });
    expect(maxAbs(moments(gd.x.data, n, 2).cov, odeGd.cov)).toBeLessThan(1e-8);
    const heat = simulate({ x0, field: { type: 'langevin', potential: { type: 'quadratic', A: [[0, 0], [0, 0]] }, temperature: 0.7 }, dt: 0.01, steps: 100, seed: 5 });
    const hg = heatGaussian(m0.mean, m0.cov, 1, 0.7);
    expect(maxAbs(moments(heat.x.data, n, 2).cov, hg.cov)).toBeLessThan(0.1);
  });
});

describe('mean-field two-layer networks', () => {
  const N = 30;
  const U = gaussianCloud(N, [0, 0], [[1, 0], [0, 1]], 12);

  it('ReLU teacher–student: the risk decreases and ‖w‖² − ‖a‖² is conserved per neuron', () => {
    const teacher = [[1, 0.5], [-0.7, 1]];
    const y = Array.from({ length: N }, (_, k) => teacher.reduce((s, t) => s + Math.max(0, t[0] * U.data[2 * k] + t[1] * U.data[2 * k + 1]), 0));
    const n = 40;
    const x0 = gaussianCloud(n, [0, 0, 0], [[0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5]], 13);
    const res = simulate({ x0, field: { type: 'mean-field-mlp', data: U, labels: y }, integrator: 'rk4', dt: 0.01, steps: 300, record: 10 });
    const E = res.energy!;
    for (let k = 1; k < E.length; k++) expect(E[k]).toBeLessThanOrEqual(E[k - 1] + 1e-12);
    expect(E[E.length - 1]).toBeLessThan(0.2 * E[0]);
    let moved = 0;
    for (let i = 0; i < n; i++) {
      const b0 = x0.data[3 * i] ** 2 + x0.data[3 * i + 1] ** 2 - x0.data[3 * i + 2] ** 2;
      const b1 = res.x.data[3 * i] ** 2 + res.x.data[3 * i + 1] ** 2 - res.x.data[3 * i + 2] ** 2;
      // RK4 is exact to O(dt⁴) on smooth stretches; each ReLU kink crossing adds O(dt²) ≈ 1e-4.
      expect(Math.abs(b1 - b0)).toBeLessThan(2e-3);
      moved = Math.max(moved, Math.abs(res.x.data[3 * i + 2] ** 2 - x0.data[3 * i + 2] ** 2));
    }
    expect(moved).toBeGreaterThan(0.05);
  });

  it('linear network: particle moments follow the Riccati ODE (the closure is exact for empirical moments)', () => {
    const n = JS ? 400 : 2000;
    const y = Array.from({ length: N }, (_, k) => 0.8 * U.data[2 * k] - 0.5 * U.data[2 * k + 1] + 0.1);
    const x0 = gaussianCloud(n, [0.2, -0.1, 0.3], [[0.6, 0, 0], [0.1, 0.5, 0], [0, 0.2, 0.4]], 14);
    const m0 = moments(x0.data, n, 3);
    const S = [[0, 0], [0, 0]], R = [[0, 0]];
    let yy = 0;
    for (let k = 0; k < N; k++) {
      for (let a = 0; a < 2; a++) {
        for (let b = 0; b < 2; b++) S[a][b] += (U.data[2 * k + a] * U.data[2 * k + b]) / N;
        R[0][a] += (y[k] * U.data[2 * k + a]) / N;
      }
      yy += (y[k] * y[k]) / N;
    }
    const res = simulate({ x0, field: { type: 'mean-field-mlp', activation: 'linear', data: U, labels: y }, integrator: 'rk4', dt: 0.01, steps: 200, record: 200 });
    const emp = moments(res.x.data, n, 3);
    const ode = linearNetRiccati(m0.mean, m0.cov, S, R, 2, { steps: 2000 });
    expect(maxAbs(emp.cov, ode.cov)).toBeLessThan(1e-7);
    expect(Math.max(...emp.mean.map((v, i) => Math.abs(v - ode.mean[i])))).toBeLessThan(1e-7);
    expect(res.energy![1]).toBeLessThan(res.energy![0]);
    expect(yy).toBeGreaterThan(0);
  });
});

describe('flow matching', () => {
  it('empirical target: N(0, I) samples land on the atoms in proportion to their weights', () => {
    const atoms = [[-3, 0], [3, 0], [0, 3], [0, -3]], w = [0.1, 0.2, 0.3, 0.4];
    const n = JS ? 800 : 4000;
    const res = simulate({
      x0: gaussianCloud(n, [0, 0], [[1, 0], [0, 1]], 15), field: { type: 'flow-matching', target: atoms, weights: w },
      integrator: 'rk4', dt: 0.999 / 200, steps: 200,
    });
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const p = row(res.x, i);
      const dists = atoms.map((a) => Math.hypot(a[0] - p[0], a[1] - p[1]));
      const k = dists.indexOf(Math.min(...dists));
      expect(dists[k]).toBeLessThan(0.05);
      counts[k]++;
    }
    // binomial sd sqrt(p(1−p)/n) ≤ 0.018 (js) / 0.008: allow 4 sd.
    counts.forEach((c, k) => expect(Math.abs(c / n - w[k])).toBeLessThan(JS ? 0.07 : 0.032));
  });

  it('Gaussian-mixture field equals the Tweedie form x/t + ((1−t)/t)∇log α_t and has the right limits', () => {
    const means = [[-2, 1], [2, -1], [0, 2]], s = 0.5, wts = [0.5, 0.3, 0.2];
    const field = { type: 'flow-matching' as const, gmm: { means, sigma: s, weights: wts } };
    const x = gaussianCloud(10, [0, 0], [[1.5, 0], [0, 1.5]], 16);
    const t = 0.37;
    const v = fieldVelocity(x, field, t);
    const c = (1 - t) ** 2 + t * t * s * s;
    for (let i = 0; i < 10; i++) {
      const z = row(x, i);
      const dens = means.map((m, k) => wts[k] * Math.exp(-((z[0] - t * m[0]) ** 2 + (z[1] - t * m[1]) ** 2) / (2 * c)));
      const tot = dens.reduce((a, b) => a + b, 0);
      for (let a = 0; a < 2; a++) {
        const score = means.reduce((acc, m, k) => acc + (dens[k] / tot) * (t * m[a] - z[a]) / c, 0);
        expect(v.data[2 * i + a]).toBeCloseTo(z[a] / t + ((1 - t) / t) * score, 12);
      }
    }
    const v1 = fieldVelocity(x, field, 1);
    for (let e = 0; e < 20; e++) expect(v1.data[e]).toBeCloseTo(x.data[e], 12);
    const v0 = fieldVelocity(x, field, 0);
    const mean = [0, 1].map((a) => means.reduce((acc, m, k) => acc + wts[k] * m[a], 0));
    for (let i = 0; i < 10; i++) for (let a = 0; a < 2; a++) expect(v0.data[2 * i + a]).toBeCloseTo(mean[a] - x.data[2 * i + a], 12);
  });

  it('Gaussian-to-Gaussian: the field is A_t z and the time-1 map T satisfies T Σ0 Tᵀ = Σ1', () => {
    const S0 = [[1, 0.3], [0.3, 0.8]], S1 = [[2, -0.6], [-0.6, 1]];
    const field = { type: 'flow-matching' as const, gaussian: { cov0: S0, cov1: S1 } };
    const t = 0.6;
    const { A } = gaussianFlowMatching(S0, S1, t);
    const x = gaussianCloud(5, [0, 0], [[1, 0], [0, 1]], 17);
    const v = fieldVelocity(x, field, t);
    for (let i = 0; i < 5; i++) for (let a = 0; a < 2; a++) expect(v.data[2 * i + a]).toBeCloseTo(A[a][0] * x.data[2 * i] + A[a][1] * x.data[2 * i + 1], 12);
    const res = simulate({ x0: [[1, 0], [0, 1]], field, integrator: 'rk4', dt: 0.01, steps: 100 });
    const T = [[res.x.data[0], res.x.data[2]], [res.x.data[1], res.x.data[3]]];
    const TS = T.map((r) => [0, 1].map((j) => r[0] * S0[0][j] + r[1] * S0[1][j]));
    const TST = TS.map((r) => [0, 1].map((j) => r[0] * T[j][0] + r[1] * T[j][1]));
    expect(maxAbs(TST, S1)).toBeLessThan(1e-8);
  });
});

describe('diffusion', () => {
  const gmm3 = { means: [[-2, 1], [2, -1], [0, 2]], sigma: [0.5, 0.3, 0.8], weights: [0.5, 0.3, 0.2] };

  it('the ODE/SDE fields are ½β(x + ∇log p_τ) and ½βx + β∇log p_τ with the exact mixture score (ou and vp)', () => {
    const x = gaussianCloud(12, [0, 0], [[1.5, 0], [0, 1.5]], 50);
    for (const opts of [{ schedule: 'ou' as const, horizon: 3 }, { schedule: 'vp' as const, horizon: 1, betaMin: 0.1, betaMax: 20 }]) {
      const t = opts.horizon * 0.4, tau = opts.horizon - t;
      const score = mixtureScore(x, noisedMixture(gmm3, tau, opts));
      const { beta } = vpSchedule(tau, opts);
      const ode = fieldVelocity(x, { type: 'diffusion', mode: 'ode', gmm: gmm3, ...opts }, t);
      const sde = fieldVelocity(x, { type: 'diffusion', mode: 'sde', gmm: gmm3, ...opts }, t);
      for (let e = 0; e < 24; e++) {
        expect(ode.data[e]).toBeCloseTo(0.5 * beta * (x.data[e] + score.data[e]), 10);
        expect(sde.data[e]).toBeCloseTo(0.5 * beta * x.data[e] + beta * score.data[e], 10);
      }
    }
  });

  it('forward OU (Langevin, A = I, temperature 1) keeps a mixture a mixture with the predicted moments', () => {
    const n = JS ? 2000 : 6000;
    const x0 = sampleMixture(gmm3, n, 51);
    const tau = 0.5;
    const res = simulate({ x0, field: { type: 'langevin', potential: { type: 'quadratic', A: [[1, 0], [0, 1]] }, temperature: 1 }, dt: 0.005, steps: 100, seed: 9 });
    const pred = noisedMixture(gmm3, tau);
    const mean = [0, 1].map((b) => pred.means.reduce((s, m, k) => s + pred.weights[k] * m[b], 0));
    const second = [0, 1].map((b) => pred.means.reduce((s, m, k) => s + pred.weights[k] * (m[b] * m[b] + pred.sigma[k] ** 2), 0));
    const emp = moments(res.x.data, n, 2);
    for (const b of [0, 1]) {
      // MC sd ≈ 1.5/sqrt(n) for the mean, ≈ 3/sqrt(n) for the variance; EM bias O(dt).
      expect(Math.abs(emp.mean[b] - mean[b])).toBeLessThan(JS ? 0.08 : 0.05);
      expect(Math.abs(emp.cov[b][b] - (second[b] - mean[b] ** 2))).toBeLessThan(JS ? 0.15 : 0.1);
    }
  });

  it('probability-flow ODE and reverse SDE give the same marginals (moments) for a Gaussian mixture', () => {
    const gmm = { means: [[-2, 0], [2, 0]], sigma: 0.5, weights: [0.3, 0.7] };
    const n = JS ? 1000 : 3000;
    const horizon = 5;
    // Exact p_T: means e^{-T}μ, variance 1 − e^{-2T} + e^{-2T}σ².
    const X0 = sampleMixture(noisedMixture(gmm, horizon), n, 18);
    const ode = simulate({ x0: X0, field: { type: 'diffusion', mode: 'ode', gmm, horizon }, integrator: 'rk4', dt: 0.025, steps: 200 });
    const sde = simulate({ x0: X0, field: { type: 'diffusion', mode: 'sde', gmm, horizon }, dt: 0.005, steps: 1000, seed: 21 });
    const target = { mean: [0.8, 0], cov: [[0.25 + 4 - 0.64, 0], [0, 0.25]] };
    for (const r of [ode, sde]) {
      const m = moments(r.x.data, n, 2);
      // MC sd: mean ≈ 1.9/sqrt(n) ≤ 0.05; variance ≈ 3.6·sqrt(2/n)·(excess) ≤ 0.15.
      expect(Math.abs(m.mean[0] - target.mean[0])).toBeLessThan(0.12);
      expect(Math.abs(m.mean[1])).toBeLessThan(0.05);
      expect(Math.abs(m.cov[0][0] - target.cov[0][0])).toBeLessThan(0.25);
      expect(Math.abs(m.cov[1][1] - 0.25)).toBeLessThan(0.03);
      let pos = 0;
      for (let i = 0; i < n; i++) if (r.x.data[2 * i] > 0) pos++;
      expect(Math.abs(pos / n - 0.7)).toBeLessThan(0.05);
    }
  });
});

describe('Sinkhorn-divergence flow', () => {
  const tgt = gaussianCloud(12, [1.5, 0.5], [[0.4, 0], [0, 0.3]], 30);
  const field = { type: 'sinkhorn-divergence' as const, target: tgt, reg: 0.1, tol: 1e-11, maxIter: 5000 };

  it('the velocity is −(1/a_i)∇_{x_i} S_ε (finite differences of the reported energy)', () => {
    const n = 9;
    const x = gaussianCloud(n, [0, 0], [[0.5, 0], [0, 0.5]], 31);
    const v = fieldVelocity(x, field);
    const h = 1e-5;
    for (const i of [0, 4, 8])
      for (let k = 0; k < 2; k++) {
        const xp = { ...x, data: x.data.slice() }, xm = { ...x, data: x.data.slice() };
        xp.data[2 * i + k] += h;
        xm.data[2 * i + k] -= h;
        const grad = (fieldEnergy(xp, field) - fieldEnergy(xm, field)) / (2 * h);
        // S is smooth; central differences O(h²) plus solver tolerance / h ≈ 1e-6.
        expect(Math.abs(v.data[2 * i + k] + n * grad)).toBeLessThan(1e-4);
      }
  });

  it('S_ε(α_t, β) decreases along the flow and the cloud moves onto the target', () => {
    const x0 = gaussianCloud(15, [-1, 0], [[0.5, 0], [0, 0.5]], 32);
    const res = simulate({ x0, field: { ...field, tol: 1e-8 }, dt: 0.05, steps: 60, record: 10 });
    const E = res.energy!;
    for (let k = 1; k < E.length; k++) expect(E[k]).toBeLessThan(E[k - 1]);
    expect(E[E.length - 1]).toBeLessThan(0.05 * E[0]);
    expect(E[E.length - 1]).toBeGreaterThan(-1e-6);
    const m = moments(res.x.data, 15, 2).mean, mt = moments(tgt.data, 12, 2).mean;
    expect(Math.hypot(m[0] - mt[0], m[1] - mt[1])).toBeLessThan(0.05);
  });
});

describe('minibatch OT couplings (OT-CFM)', () => {
  const src = gaussianCloud(24, [0, 0], [[1, 0], [0, 1]], 40);
  const tgt = gaussianCloud(24, [1, 0], [[0.5, 0], [0.3, 0.4]], 41);
  const pairCost = (c: { x0: Matrix; x1: Matrix }) => {
    let s = 0;
    for (let k = 0; k < c.x0.rows; k++) s += (c.x0.data[2 * k] - c.x1.data[2 * k]) ** 2 + (c.x0.data[2 * k + 1] - c.x1.data[2 * k + 1]) ** 2;
    return s / c.x0.rows;
  };

  it('EMD without replacement returns an optimal permutation; Sinkhorn approaches it; independent is worse', () => {
    const e = otCoupling(src, tgt, { method: 'emd', replace: false });
    expect(Array.from(e.i)).toEqual(Array.from({ length: 24 }, (_, k) => k));
    expect(new Set(Array.from(e.j)).size).toBe(24);
    expect(pairCost(e)).toBeCloseTo(e.cost, 10);
    // optimal: no 2-swap improves the matching (cyclical monotonicity)
    for (let a = 0; a < 24; a++)
      for (let b = a + 1; b < 24; b++) {
        const c = (i: number, j: number) => (src.data[2 * i] - tgt.data[2 * j]) ** 2 + (src.data[2 * i + 1] - tgt.data[2 * j + 1]) ** 2;
        expect(c(a, e.j[a]) + c(b, e.j[b])).toBeLessThanOrEqual(c(a, e.j[b]) + c(b, e.j[a]) + 1e-9);
      }
    const s = otCoupling(src, tgt, { method: 'sinkhorn', reg: 0.01, normalizeCost: true, batchSize: 2000, seed: 3 });
    const ind = otCoupling(src, tgt, { method: 'independent', batchSize: 2000, seed: 3 });
    expect(s.cost).toBeLessThan(e.cost * 1.1);
    expect(s.cost).toBeGreaterThanOrEqual(e.cost - 1e-9);
    expect(Math.abs(pairCost(s) - s.cost)).toBeLessThan(0.1 * s.cost);
    expect(ind.cost).toBeGreaterThan(e.cost * 1.5);
  });

  it('the coupled flow-matching field carries each x0 along a straight line to its OT partner', () => {
    const e = otCoupling(src, tgt, { method: 'emd', replace: false });
    const res = simulate({ x0: e.x0, field: { type: 'coupled-flow-matching', x0: e.x0, x1: e.x1, sigma: 0.002 }, integrator: 'rk4', dt: 0.02, steps: 50, record: 25 });
    for (let k = 0; k < 48; k++) expect(Math.abs(res.x.data[k] - e.x1.data[k])).toBeLessThan(1e-6);
    const mid = res.trajectory.data.subarray(48, 96);
    for (let k = 0; k < 48; k++) expect(mid[k]).toBeCloseTo(0.5 * (e.x0.data[k] + e.x1.data[k]), 6);
    const cf = sampleConditionalFlow(e.x0, e.x1, { t: 0.25 });
    for (let k = 0; k < 48; k++) {
      expect(cf.xt.data[k]).toBeCloseTo(0.75 * e.x0.data[k] + 0.25 * e.x1.data[k], 12);
      expect(cf.ut.data[k]).toBeCloseTo(e.x1.data[k] - e.x0.data[k], 12);
    }
  });
});

describe('integrators', () => {
  it('euler, heun and rk4 converge at orders 1, 2 and 4 (ẋ = −a(x − c), exact exponential)', () => {
    const a = 1.3, c = 0.4, T = 1;
    const x0 = [[2], [-1], [0.5]];
    const exact = x0.map(([v]) => c + (v - c) * Math.exp(-a * T));
    const err = (integrator: 'euler' | 'heun' | 'rk4', steps: number) => {
      const r = simulate({ x0, field: { type: 'langevin', potential: { type: 'quadratic', A: [[a]], center: [c] }, temperature: 0 }, integrator, dt: T / steps, steps });
      return Math.max(...exact.map((e, i) => Math.abs(r.x.data[i] - e)));
    };
    for (const [integrator, order] of [['euler', 1], ['heun', 2], ['rk4', 4]] as const) {
      const ratio = err(integrator, 20) / err(integrator, 40);
      expect(Math.log2(ratio)).toBeGreaterThan(order - 0.15);
      expect(Math.log2(ratio)).toBeLessThan(order + 0.3);
    }
  });

  it('euler–maruyama noise has variance dt per step: Brownian motion (A = 0) spreads as 2·T·t', () => {
    const n = JS ? 4000 : 20000;
    const r = simulate({ x0: { data: new Float64Array(n), rows: n, cols: 1 }, field: { type: 'langevin', potential: { type: 'quadratic', A: [[0]] }, temperature: 0.5 }, dt: 0.01, steps: 50, seed: 77 });
    let m = 0, v = 0;
    for (const x of r.x.data) { m += x / n; v += (x * x) / n; }
    // Var = 2·0.5·0.5 = 0.5; MC sd 0.5·sqrt(2/n) ≤ 0.011.
    expect(Math.abs(v - m * m - 0.5)).toBeLessThan(0.045);
    expect(Math.abs(m)).toBeLessThan(0.04);
  });
});
