/**
 * Sinkhorn: native/js parity, thread determinism, online vs dense, properties from
 * notes/paper.md (limits in reg, closed forms), eps scaling, warm starts, edge cases, errors,
 * and the async form (progress, abort).
 */
import { describe, expect, it } from 'vitest';
import { backend, jsBackend } from '../src/backend/index.js';
import type { SinkhornRawOptions } from '../src/backend/sinkhorn.js';
import {
  AdvectError, dist, engine, sinkhorn, sinkhorn2, sinkhornAsync, sinkhornCost, sinkhornPoints, sinkhornPointsAsync,
  sinkhornPotentials, softmaxWeightedSum,
} from '../src/index.js';
import type { FloatArray, Matrix } from '../src/types.js';
import { maxRelDiff, uniform } from './helpers/random.js';

const isNative = backend().name === 'native';

function cloud(seed: number, n: number, d: number, shift = 0, f32 = false): Matrix {
  const data = uniform(seed, n * d);
  if (shift) for (let i = 0; i < n; i++) data[i * d] += shift;
  return { data: f32 ? Float32Array.from(data) : data, rows: n, cols: d };
}

function randomWeights(seed: number, n: number, zeros: number[] = []): Float64Array {
  const w = uniform(seed, n, 0.1, 1);
  for (const z of zeros) w[z] = 0;
  const s = w.reduce((p, q) => p + q, 0);
  return w.map((v) => v / s);
}

function raw(method: number, reg: number, extra: Partial<SinkhornRawOptions> = {}): SinkhornRawOptions {
  return {
    method, reg, tol: 1e-9, maxIter: 1000, checkEvery: method === 2 ? 20 : 10, strict: method !== 2, norm: 2, tau: 1e3,
    eps0: 0, epsDecay: 0.5, stageIter: 10, warm: false, budget: 0, ...extra,
  };
}

describe('native/js parity (same update order and stopping rule)', () => {
  // Same recurrence in both; float64 results agree to rounding (1e-10 relative here, the iterates
  // contract), float32 to float32 rounding over the run (1e-4). Iteration counts are equal.
  const n = 23, m = 31;
  for (const f32 of [false, true]) {
    const X = cloud(1, n, 2, 0, f32), Y = cloud(2, m, 2, 0, f32);
    const C = dist(X, Y).data;
    const mk = (v: Float64Array) => (f32 ? Float32Array.from(v) : v);
    const a = mk(randomWeights(3, n, [4])), b = mk(randomWeights(4, m, [7]));
    for (const method of [1, 2, 3]) {
      it(`dense method ${method} ${f32 ? 'float32' : 'float64'}`, () => {
        const F = f32 ? Float32Array : Float64Array;
        const out = [backend(), jsBackend].map((be) => {
          const f = new F(n), g = new F(m), plan = new F(n * m);
          const info = be.sinkhorn.dense(C, n, m, a, b, raw(method, 0.05), f, g, plan);
          return { info, f, g, plan };
        });
        const [nat, js] = out;
        const tol = f32 ? 1e-4 : 1e-10;
        expect(nat.info.method).toBe(js.info.method);
        if (!f32) expect(nat.info.iterations).toBe(js.info.iterations);
        expect(nat.info.converged).toBe(js.info.converged);
        expect(Math.abs(nat.info.cost - js.info.cost) / js.info.cost).toBeLessThan(tol);
        expect(maxRelDiff(nat.plan, js.plan)).toBeLessThan(tol);
        expect(nat.f[4]).toBe(-Infinity);
        expect(js.f[4]).toBe(-Infinity);
        const fin = (v: FloatArray) => Array.from(v).filter(Number.isFinite);
        expect(maxRelDiff(fin(nat.f), fin(js.f))).toBeLessThan(f32 ? 1e-3 : 1e-8);
      });
    }
    it(`online ${f32 ? 'float32' : 'float64'} (sqeuclidean and cityblock)`, () => {
      for (const metric of [0, 2]) {
        const F = f32 ? Float32Array : Float64Array;
        const res = [backend(), jsBackend].map((be) => {
          const f = new F(n), g = new F(m);
          const info = be.sinkhorn.online(X.data, n, Y.data, m, 2, metric, 2, a, b, raw(4, 0.05), f, g);
          return { info, f, g };
        });
        if (!f32) expect(res[0].info.iterations).toBe(res[1].info.iterations);
        expect(Math.abs(res[0].info.cost - res[1].info.cost) / res[1].info.cost).toBeLessThan(f32 ? 1e-4 : 1e-10);
      }
    });
  }
  it('auto resolves the same way on both (scaling, stabilized for underflow)', () => {
    const X = cloud(5, 20, 2), Y = cloud(6, 20, 2, 3);
    const C = dist(X, Y).data;
    const a = new Float64Array(20).fill(1 / 20), b = a.slice();
    for (const [reg, want] of [[1, 1], [0.01, 2]] as const) {
      const infos = [backend(), jsBackend].map((be) => be.sinkhorn.dense(C, 20, 20, a, b, raw(0, reg), new Float64Array(20), new Float64Array(20), null));
      expect(infos[0].method).toBe(want);
      expect(infos[1].method).toBe(want);
      expect(infos[0].iterations).toBe(infos[1].iterations);
      expect(Math.abs(infos[0].cost - infos[1].cost) / infos[1].cost).toBeLessThan(1e-9);
    }
  });
});

describe('determinism', () => {
  it('is bitwise identical with 1 and 2 threads (fused sweep partials, LSE, online)', () => {
    if (!isNative) {
      expect(engine.setThreads(2)).toBe(1); // the js backend is single-threaded
      return;
    }
    const X = cloud(11, 700, 3), Y = cloud(12, 530, 3);
    const a = randomWeights(13, 700), b = randomWeights(14, 530);
    const C = dist(X, Y);
    const run = () => [
      sinkhorn(a, b, C, 0.02, { method: 'scaling' }),
      sinkhorn(a, b, C, 0.02, { method: 'stabilized' }),
      sinkhorn(a, b, C, 0.02, { method: 'log', maxIter: 50 }),
      sinkhornPoints(X, Y, 0.02, { a, b, method: 'online', maxIter: 30 }),
    ];
    const before = engine.threads;
    try {
      engine.setThreads(1);
      const one = run();
      engine.setThreads(2);
      const two = run();
      for (let k = 0; k < one.length; k++) {
        expect(two[k].cost).toBe(one[k].cost);
        expect(two[k].iterations).toBe(one[k].iterations);
        expect(Array.from(two[k].f)).toEqual(Array.from(one[k].f));
        expect(Array.from(two[k].g)).toEqual(Array.from(one[k].g));
      }
    } finally {
      engine.setThreads(before);
    }
  });
});

describe('point clouds', () => {
  const n = isNative ? 300 : 60, m = isNative ? 250 : 50;
  const X = cloud(21, n, 3), Y = cloud(22, m, 3);
  const a = randomWeights(23, n), b = randomWeights(24, m);
  it('online (O(n+m) memory) agrees with the dense log domain', () => {
    const dense = sinkhornPoints(X, Y, 0.05, { a, b, method: 'log' });
    const online = sinkhornPoints(X, Y, 0.05, { a, b, method: 'online' });
    expect(online.method).toBe('online');
    expect(online.converged).toBe(true);
    // Same recurrence; dense uses POT's |x|²+|y|²−2<x,y> costs, online the direct Σ(x−y)²:
    // costs differ by ~1e-16 relative, results by ~1e-12.
    expect(online.iterations).toBe(dense.iterations);
    expect(Math.abs(online.cost - dense.cost) / dense.cost).toBeLessThan(1e-9);
    expect(Math.abs(online.value - dense.value) / Math.abs(dense.value)).toBeLessThan(1e-9);
    expect(maxRelDiff(online.f, dense.f)).toBeLessThan(1e-8);
    expect(online.plan).toBeUndefined();
  });
  it('auto on points uses the dense solver when it fits, online when it does not', () => {
    expect(sinkhornPoints(X, Y, 0.05).method).toBe('scaling');
    const budget = engine.memoryBudget;
    try {
      engine.setMemoryBudget(n * m * 8); // a cost matrix fits, cost + kernel do not
      const r = sinkhornPoints(X, Y, 0.05, { a, b });
      expect(r.method).toBe('online');
      expect(r.converged).toBe(true);
    } finally {
      engine.setMemoryBudget(budget);
    }
  });
  it('sinkhornPotentials returns POT and dual potentials; warm start converges at once', () => {
    const p = sinkhornPotentials(X, Y, 0.05, { a, b });
    expect(p.converged).toBe(true);
    for (let i = 0; i < n; i++) expect(p.fDual[i]).toBeCloseTo(p.f[i] - 0.05 * Math.log(a[i]), 12);
    // OT_eps = <a, f̂> + <b, ĝ> at convergence (dual value = primal value).
    let dual = 0;
    for (let i = 0; i < n; i++) dual += a[i] * p.fDual[i];
    for (let j = 0; j < m; j++) dual += b[j] * p.gDual[j];
    expect(Math.abs(dual - p.value)).toBeLessThan(1e-8);
    // The documented gradient recipe: the barycentric projection of the plan row by row.
    const plan = (sinkhornPoints(X, Y, 0.05, { a, b, method: 'log', plan: true }).plan as Matrix).data;
    const bary = softmaxWeightedSum(X, Y, Y, { eps: 0.05, logWeights: p.g }).values.data;
    for (const i of [0, 7, n - 1]) {
      for (let k = 0; k < 3; k++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += plan[i * m + j] * Y.data[j * 3 + k];
        expect(bary[i * 3 + k]).toBeCloseTo(s / a[i], 8);
      }
    }
    const again = sinkhornPotentials(X, Y, 0.05, { a, b, init: { f: p.f, g: p.g } });
    expect(again.iterations).toBe(1);
    expect(maxRelDiff(again.f, p.f)).toBeLessThan(1e-8);
  });
  it('metrics: euclidean, cityblock, minkowski, cosine run online and dense alike', () => {
    for (const metric of ['euclidean', 'cityblock', 'minkowski', 'cosine'] as const) {
      const small = { data: X.data.subarray(0, 40 * 3), rows: 40, cols: 3 };
      const d = sinkhornPoints(small, Y, 0.1, { metric, p: 3, method: 'log' });
      const o = sinkhornPoints(small, Y, 0.1, { metric, p: 3, method: 'online' });
      expect(Math.abs(o.cost - d.cost) / d.cost).toBeLessThan(1e-8);
    }
  });
});

describe('properties (notes/paper.md)', () => {
  const n = 40, m = 30;
  const X = cloud(31, n, 2), Y = cloud(32, m, 2);
  const C = dist(X, Y);
  const a = randomWeights(33, n), b = randomWeights(34, m);
  it('large reg: the plan tends to a⊗b, cost to Σ a_i b_j C_ij', () => {
    let indep = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) indep += a[i] * b[j] * C.data[i * m + j];
    const r = sinkhorn(a, b, C, 1e4, { plan: true });
    expect(Math.abs(r.cost - indep) / indep).toBeLessThan(1e-3);
    expect(r.value).toBeGreaterThanOrEqual(r.cost - 1e-12); // KL ≥ 0
  });
  it('small reg: the cost tends to the exact OT cost (1-D sorted matching)', () => {
    // n = m uniform on a line: the optimal plan matches sorted points; W2² = mean (x_(k) − y_(k))².
    const k = 25;
    const xs = Array.from(uniform(41, k)).sort((p, q) => p - q), ys = Array.from(uniform(42, k)).sort((p, q) => p - q);
    let w2 = 0;
    for (let i = 0; i < k; i++) w2 += (xs[i] - ys[i]) ** 2 / k;
    const costs = [1e-2, 3e-3, 1e-3].map((reg) => {
      const r = sinkhornPoints(xs.map((v) => [v]), ys.map((v) => [v]), reg, { maxIter: 20000 });
      expect(r.converged).toBe(true);
      return r.cost;
    });
    // The entropic plan's cost decreases to W2² as reg → 0 (here 0.0083, 0.0057, 0.0049 → 0.0045).
    expect(costs[0]).toBeGreaterThan(costs[1]);
    expect(costs[1]).toBeGreaterThan(costs[2]);
    expect(costs[2]).toBeGreaterThan(w2);
    expect(costs[2] - w2).toBeLessThan(0.15 * (costs[0] - w2));
  });
  it('2x2 closed form: P = [[p, q], [q, p]] with p/q = exp(c/reg), for every method', () => {
    // Uniform marginals, C = [[0, c], [c, 0]]: P = diag(u) K diag(v) is symmetric with
    // P11·P22/(P12·P21) = exp(2c/reg), so p = ½·s/(1 + s), s = exp(c/reg); cost = 2qc.
    for (const [c, reg] of [[1, 0.5], [1, 0.1], [0.3, 1]] as const) {
      const s = Math.exp(c / reg), p = 0.5 * s / (1 + s), q = 0.5 - p;
      for (const method of ['scaling', 'stabilized', 'log', 'auto'] as const) {
        const r = sinkhorn(null, null, [[0, c], [c, 0]], reg, { method, plan: true });
        const P = (r.plan as Matrix).data;
        expect(P[0]).toBeCloseTo(p, 12);
        expect(P[1]).toBeCloseTo(q, 12);
        expect(r.cost).toBeCloseTo(2 * q * c, 12);
        // value = cost + reg·KL(P | a⊗b) with a⊗b = 1/4 everywhere
        const kl = 2 * p * Math.log(4 * p) + 2 * q * Math.log(4 * q);
        expect(r.value).toBeCloseTo(2 * q * c + reg * kl, 12);
      }
      const online = sinkhornPoints([[0], [1]], [[0], [1]], reg, { metric: 'cityblock', method: 'online' });
      expect(online.cost).toBeCloseTo(2 * (0.5 - 0.5 * Math.exp(1 / reg) / (1 + Math.exp(1 / reg))) * 1, 12);
    }
  });
  it('other stopping rules: L1 norm checked every iteration stops at the first iterate below tol', () => {
    // marginalError of a run with maxIter = k and tol 0 is the L1 error after k iterations.
    const errs: number[] = [];
    for (let k = 1; k <= 60; k++) errs.push(sinkhorn(a, b, C, 0.1, { method: 'log', maxIter: k, tol: 0, norm: 1 }).marginalError);
    const tol = 1e-7;
    const first = errs.findIndex((e) => e < tol) + 1;
    expect(first).toBeGreaterThan(1);
    for (const method of ['scaling', 'log'] as const) {
      const r = sinkhorn(a, b, C, 0.1, { method, tol, norm: 1, checkEvery: 1 });
      expect(r.iterations).toBe(first);
      expect(r.converged).toBe(true);
    }
    // POT's rule on the same problem stops at the first multiple of 10 (+1) whose L2 error is < tol.
    const l2: number[] = [];
    for (let k = 1; k <= 61; k += 10) l2.push(sinkhorn(a, b, C, 0.1, { method: 'log', maxIter: k, tol: 0 }).marginalError);
    const pot = l2.findIndex((e) => e < tol) * 10 + 1;
    expect(sinkhorn(a, b, C, 0.1, { tol }).iterations).toBe(pot);
  });
  it('online eps scaling reaches the same solution', () => {
    const a0 = sinkhornPoints(X, Y, 0.01, { a, b, method: 'online', maxIter: 5000 });
    const a1 = sinkhornPoints(X, Y, 0.01, { a, b, method: 'online', maxIter: 5000, epsScaling: true });
    expect(a0.converged && a1.converged).toBe(true);
    expect(Math.abs(a1.cost - a0.cost) / a0.cost).toBeLessThan(1e-8);
  });
  it('marginals hold: row sums = a exactly after the u update, columns within tol', () => {
    const r = sinkhorn(a, b, C, 0.05, { plan: true });
    const P = (r.plan as Matrix).data;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += P[i * m + j];
      expect(Math.abs(s - a[i])).toBeLessThan(1e-14);
    }
    let e = 0;
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += P[i * m + j];
      e += (s - b[j]) ** 2;
    }
    expect(Math.sqrt(e)).toBeLessThan(1e-9);
    expect(Math.abs(r.planSum - 1)).toBeLessThan(1e-12);
  });
  it('translation: shifting y by h adds |h|² − 2<h, E_P[x − y]>; for the same P, costs obey the identity', () => {
    const h = [0.3, -0.2];
    const Ys = { data: Y.data.map((v, k) => v + h[k % 2]), rows: m, cols: 2 };
    const r0 = sinkhornPoints(X, Y, 0.05, { a, b, plan: true });
    const r1 = sinkhornPoints(X, Ys, 0.05, { a, b, plan: true });
    // The entropic plan is invariant under costs changed by f(x) + g(y): |x − y − h|² − |x − y|² = |h|² − 2<h, x> + 2<h, y>.
    expect(maxRelDiff((r1.plan as Matrix).data, (r0.plan as Matrix).data)).toBeLessThan(1e-7);
  });
  it('eps scaling and warm starts reach the same solution', () => {
    const base = sinkhorn(a, b, C, 0.005, { method: 'log', maxIter: 5000 });
    const annealed = sinkhorn(a, b, C, 0.005, { method: 'log', epsScaling: true, maxIter: 5000 });
    expect(base.converged && annealed.converged).toBe(true);
    expect(Math.abs(annealed.cost - base.cost) / base.cost).toBeLessThan(1e-7);
    // stages ran (about 8 × 10 iterations from eps = max C down to reg), then the final solve
    expect(annealed.iterations).toBeGreaterThan(80);
    for (const method of ['scaling', 'stabilized', 'auto'] as const) {
      const r = sinkhorn(a, b, C, 0.05, { method, epsScaling: { decay: 0.3, iterations: 5 } });
      expect(r.converged).toBe(true);
      const ref = sinkhorn(a, b, C, 0.05, { method: 'log' });
      expect(Math.abs(r.cost - ref.cost) / ref.cost).toBeLessThan(1e-8);
      const warm = sinkhorn(a, b, C, 0.05, { method, init: { f: ref.f, g: ref.g } });
      expect(warm.iterations).toBeLessThanOrEqual(method === 'stabilized' ? 21 : 1);
    }
  });
});

describe('edge cases', () => {
  it('1x1, n != m, uniform defaults (null / [] weights)', () => {
    const r = sinkhorn(null, [], [[2.5]], 0.1);
    expect(r.cost).toBeCloseTo(2.5, 14);
    expect(r.iterations).toBe(1);
    const r2 = sinkhorn(null, null, [[0, 1, 2]], 0.5, { plan: true });
    expect(Array.from((r2.plan as Matrix).data).map((v) => +v.toFixed(12))).toEqual([1 / 3, 1 / 3, 1 / 3].map((v) => +v.toFixed(12)));
  });
  it('zero weights give exactly-zero rows/columns and -inf potentials', () => {
    const C = [[0, 1, 4], [1, 0, 1], [4, 1, 0]];
    const r = sinkhorn([0.5, 0, 0.5], [0, 0.5, 0.5], C, 0.2, { plan: true, method: 'scaling' });
    const P = (r.plan as Matrix).data;
    expect([P[3], P[4], P[5], P[0], P[6]]).toEqual([0, 0, 0, 0, 0]);
    expect(r.f[1]).toBe(-Infinity);
    expect(r.g[0]).toBe(-Infinity);
  });
  it('non-convergence is returned, not thrown', () => {
    const r = sinkhorn(null, null, [[0, 1], [1, 0]], 0.01, { maxIter: 1, tol: 0 });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(1);
  });
  it('float32 does not report convergence to a tolerance it cannot reach', () => {
    const X = cloud(51, 30, 2, 0, true), Y = cloud(52, 40, 2, 0, true);
    const r = sinkhornPoints(X, Y, 0.05, { method: 'scaling' });
    expect(r.f).toBeInstanceOf(Float32Array);
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(1000);
    expect(r.marginalError).toBeGreaterThan(1e-9);
    const loose = sinkhornPoints(X, Y, 0.05, { method: 'scaling', tol: 1e-5 });
    expect(loose.converged).toBe(true);
    expect(loose.marginalError).toBeLessThan(1e-5);
  });
  it('a kernel row that underflows entirely: scaling throws ADVECT_NUMERIC, auto converges', () => {
    const X = cloud(61, 30, 2), Y = cloud(62, 30, 2, 3);
    const C = dist(X, Y);
    expect(() => sinkhorn(null, null, C, 0.01, { method: 'scaling' })).toThrow(expect.objectContaining({ code: 'ADVECT_NUMERIC' }));
    const r = sinkhorn(null, null, C, 0.01);
    expect(r.method).toBe('stabilized');
    expect(r.converged).toBe(true);
    const ref = sinkhorn(null, null, C, 0.01, { method: 'log' });
    expect(Math.abs(r.cost - ref.cost) / ref.cost).toBeLessThan(1e-9);
    // float32: the range is past float32's too; auto still converges (to float32's reach).
    const r32 = sinkhorn(null, null, { data: Float32Array.from(C.data), rows: 30, cols: 30 }, 0.01, { tol: 1e-6 });
    expect(r32.converged).toBe(true);
    expect(Math.abs(r32.cost - ref.cost) / ref.cost).toBeLessThan(1e-4);
  });
  it('sinkhorn2 and sinkhornCost return <C, P>', () => {
    const C = [[0, 1], [1, 0]];
    const r = sinkhorn(null, null, C, 0.3);
    expect(sinkhorn2(null, null, C, 0.3)).toBe(r.cost);
    expect(sinkhornCost).toBe(sinkhorn2);
  });
  it('does not mutate inputs', () => {
    const a = new Float64Array([0.25, 0.75]), C = new Float64Array([0, 1, 1, 0]);
    const f0 = new Float64Array([0.1, 0.2]);
    sinkhorn(a, null, { data: C, rows: 2, cols: 2 }, 0.1, { init: { f: f0 } });
    expect(Array.from(a)).toEqual([0.25, 0.75]);
    expect(Array.from(C)).toEqual([0, 1, 1, 0]);
    expect(Array.from(f0)).toEqual([0.1, 0.2]);
  });
});

describe('errors', () => {
  const C = [[0, 1], [1, 0]];
  it('unequal total masses', () => {
    expect(() => sinkhorn([0.5, 0.5], [0.5, 0.4], C, 0.1)).toThrow(RangeError);
    expect(() => sinkhorn([0.5, 0.5], [0.5, 0.4], C, 0.1)).toThrow(
      'Expected weights with the same total mass as a (1); Sinkhorn is balanced for b but received "total 0.9"',
    );
  });
  it('bad reg, method, weights, shapes, dtypes', () => {
    expect(() => sinkhorn(null, null, C, 0)).toThrow('Expected a positive finite number for reg but received 0');
    expect(() => sinkhorn(null, null, C, 0.1, { method: 'nope' as never })).toThrow(
      'Expected one of auto, scaling, stabilized, log, online for method but received "nope"',
    );
    expect(() => sinkhorn(null, null, C, 0.1, { method: 'online' })).toThrow(RangeError);
    expect(() => sinkhorn([1, -1], null, C, 0.1)).toThrow('Expected non-negative finite weights for a but received "-1 at index 1"');
    expect(() => sinkhorn([1], null, C, 0.1)).toThrow('Expected length 2 for a but received Float64Array(1)');
    expect(() => sinkhorn(null, null, [[0, NaN]], 0.1)).toThrow(RangeError);
    expect(() => sinkhorn(new Float32Array([0.5, 0.5]), null, { data: new Float64Array(4), rows: 2, cols: 2 }, 0.1)).toThrow(TypeError);
    expect(() => sinkhornPoints([[0, 0]], [[0]], 0.1)).toThrow(RangeError);
    expect(() => sinkhorn(null, null, C, 0.1, { maxIter: -1 })).toThrow(RangeError);
    expect(() => sinkhorn(null, null, C, 0.1, { init: { f: [0, NaN] } })).toThrow(RangeError);
    expect(() => sinkhornPoints([[0]], [[1]], 0.1, { method: 'online', plan: true })).toThrow(RangeError);
  });
  it('the dense kernel over the memory budget is ADVECT_TOO_LARGE before allocating', () => {
    const budget = engine.memoryBudget;
    try {
      engine.setMemoryBudget(1000);
      const X = cloud(71, 20, 2);
      expect(() => sinkhornPoints(X, X, 0.1, { method: 'scaling' })).toThrow(expect.objectContaining({ code: 'ADVECT_TOO_LARGE' }));
      const r = sinkhornPoints(X, X, 0.1); // auto goes online
      expect(r.method).toBe('online');
    } finally {
      engine.setMemoryBudget(budget);
    }
  });
});

describe('async', () => {
  const n = isNative ? 400 : 40;
  const X = cloud(81, n, 2), Y = cloud(82, n, 2);
  it('resolves to the sync result and reports progress (iteration, error, eps)', async () => {
    const seen: Array<{ iteration: number; marginalError: number; eps: number }> = [];
    const C = dist(X, Y);
    const r = await sinkhornAsync(null, null, C, 0.01, { onProgress: (p) => seen.push(p) });
    const s = sinkhorn(null, null, C, 0.01);
    expect(r.cost).toBe(s.cost);
    expect(r.iterations).toBe(s.iterations);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[seen.length - 1].iteration).toBe(s.iterations);
    expect(seen[seen.length - 1].eps).toBe(0.01);
  });
  it('abort rejects with the signal reason and stops the loop', async () => {
    const ctl = new AbortController();
    const reason = new Error('stop now');
    let last = 0;
    const p = sinkhornPointsAsync(X, Y, 1e-4, {
      method: 'online', maxIter: 100000, tol: 0, signal: ctl.signal,
      onProgress: (q) => { last = q.iteration; if (q.iteration >= 3) ctl.abort(reason); },
    });
    await expect(p).rejects.toBe(reason);
    expect(last).toBeLessThan(100000);
    const pre = new AbortController();
    pre.abort(reason);
    await expect(sinkhornAsync(null, null, [[0]], 0.1, { signal: pre.signal })).rejects.toBe(reason);
  });
  it('keeps the event loop live and surfaces ADVECT_NUMERIC as AdvectError', async () => {
    const C = dist(cloud(91, 30, 2), cloud(92, 30, 2, 3));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await expect(sinkhornAsync(null, null, C, 0.01, { method: 'scaling' })).rejects.toBeInstanceOf(AdvectError);
    const r = await sinkhornAsync(null, null, C, 0.001, { method: 'log', maxIter: 3000 });
    clearInterval(timer);
    expect(r.iterations).toBeGreaterThan(0);
    expect(ticks).toBeGreaterThanOrEqual(0);
  });
});
