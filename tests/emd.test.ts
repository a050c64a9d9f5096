/**
 * Exact OT (network simplex): POT fixtures, LP properties, POT conventions, errors, async, parity.
 * Runs on the active backend (native by default, js with ADVECT_BACKEND=js); the parity block
 * compares both directly.
 *
 * Tolerances: the simplex is exact up to the rounding of its flow updates (each entry is a sum of
 * a few ±delta), so costs agree with POT to ~1e-15 relative; we assert 1e-9 (the contract),
 * marginals to 1e-12 absolute. Duals are unique (up to the centring constant) only when the optimal
 * vertex is non-degenerate (n'+m'−1 entries); then they are compared with POT to 1e-9 relative,
 * otherwise checked by dual feasibility, complementary slackness and strong duality.
 */
import { describe, expect, it } from 'vitest';
import { backend, jsBackend } from '../src/backend/index.js';
import { dist } from '../src/kernels.js';
import { emd, emd2, emdAsync, emdPoints, emdPointsAsync, emd2Lazy, sparseToDense, type EmdResult } from '../src/ot/emd.js';
import { AdvectError } from '../src/errors.js';
import type { FloatArray, Matrix } from '../src/types.js';
import { fixtureCases, loadFixture } from './helpers/fixtures.js';
import { nativeBackend } from './helpers/native.js';
import { maxRelDiff, uniform } from './helpers/random.js';

const isJs = backend().name === 'js';

function rowColSums(r: EmdResult): { rs: Float64Array; cs: Float64Array } {
  const rs = new Float64Array(r.plan.n), cs = new Float64Array(r.plan.m);
  for (let k = 0; k < r.plan.values.length; k++) {
    rs[r.plan.rows[k]] += r.plan.values[k];
    cs[r.plan.cols[k]] += r.plan.values[k];
  }
  return { rs, cs };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** Support is a forest (acyclic in the bipartite graph) ⇔ the plan is a vertex of the polytope. */
function isForest(r: EmdResult): boolean {
  const n = r.plan.n, m = r.plan.m;
  const parent = Int32Array.from({ length: n + m }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (let k = 0; k < r.plan.rows.length; k++) {
    const p = find(r.plan.rows[k]), q = find(n + r.plan.cols[k]);
    if (p === q) return false;
    parent[p] = q;
  }
  return true;
}

function dualChecks(r: EmdResult, M: Matrix, a: ArrayLike<number>, b: ArrayLike<number>, scale: number): void {
  const { n, m } = r.plan;
  let minRc = Infinity, dual = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) minRc = Math.min(minRc, M.data[i * m + j] - r.u[i] - r.v[j]);
  for (let i = 0; i < n; i++) dual += a[i] * r.u[i];
  for (let j = 0; j < m; j++) dual += b[j] * r.v[j];
  expect(minRc).toBeGreaterThan(-1e-12 * scale); // dual feasibility
  expect(Math.abs(dual - r.cost)).toBeLessThan(1e-12 * scale); // strong duality
  for (let k = 0; k < r.plan.rows.length; k++) {
    const i = r.plan.rows[k], j = r.plan.cols[k];
    expect(Math.abs(M.data[i * m + j] - r.u[i] - r.v[j])).toBeLessThan(1e-12 * scale); // slackness
  }
}

function fixtureCost(f: ReturnType<typeof loadFixture>): Matrix {
  if (f.meta.M === 'stored') {
    const A = f.array('M');
    return { data: A.data, rows: A.shape[0], cols: A.shape[1] };
  }
  const x = f.array('x'), y = f.array('y');
  return dist({ data: x.data, rows: x.shape[0], cols: x.shape[1] }, { data: y.data, rows: y.shape[0], cols: y.shape[1] });
}

describe('emd vs POT fixtures', () => {
  for (const name of fixtureCases('emd')) {
    it(name, () => {
      const f = loadFixture('emd', name);
      const M = fixtureCost(f);
      if (f.meta.M !== 'stored') expect(maxRelDiff([M.data.reduce((s, v) => s + v, 0)], [f.meta.M_stats.sum_f64])).toBeLessThan(1e-12);
      const a = f.array('a').data, b = f.array('b').data;
      const r = emd(a, b, M, { dense: true });
      expect(r.status).toBe('optimal');
      expect(r.warning).toBeNull();
      expect(maxRelDiff([r.cost], [f.meta.cost])).toBeLessThan(1e-9);
      expect(maxRelDiff([emd2(a, b, M)], [f.meta.emd2])).toBeLessThan(1e-9);
      const { rs, cs } = rowColSums(r);
      expect(maxAbsDiff(rs, f.array('row_sums').data)).toBeLessThan(1e-12);
      expect(maxAbsDiff(cs, f.array('col_sums').data)).toBeLessThan(1e-12);
      const nzA = a.filter((v) => v > 0).length, nzB = b.filter((v) => v > 0).length;
      expect(r.plan.values.length).toBeLessThanOrEqual(nzA + nzB - 1);
      expect(isForest(r)).toBe(true);
      const pi = f.array('plan_i').data, pj = f.array('plan_j').data, pv = f.array('plan_val').data;
      const sameSupport = pi.length === r.plan.rows.length && pi.every((v, k) => v === r.plan.rows[k] && pj[k] === r.plan.cols[k]);
      if (sameSupport) {
        expect(maxRelDiff(r.plan.values, pv)).toBeLessThan(1e-9);
        if (f.has('plan')) expect(maxAbsDiff(r.planDense!.data, f.array('plan').data)).toBeLessThan(1e-12);
      } else {
        // Another optimal vertex (ties; the fixture's plan_unique flag misses the exact L1 ties
        // of e06/e07): POT's plan must cost the same under M.
        let potCost = 0;
        for (let k = 0; k < pv.length; k++) potCost += M.data[pi[k] * M.cols + pj[k]] * pv[k];
        expect(maxRelDiff([r.cost], [potCost])).toBeLessThan(1e-12);
        expect(['e06_15x20_cityblock', 'e07_15x20_minkowski3', 'e11_16x16_grid_ties', 'e12_25x25_equal_costs', 'e14_40x40_grid_cityblock_ties']).toContain(name);
      }
      const scale = Math.max(1, f.meta.M_stats.max);
      // b as POT rescaled it (e16): b·Σa/Σb.
      const sa = a.reduce((s, v) => s + v, 0), sb = b.reduce((s, v) => s + v, 0);
      const bs = Float64Array.from(b, (v) => (v * sa) / sb);
      dualChecks(r, M, a, bs, scale);
      if (sameSupport && f.meta.nnz === nzA + nzB - 1) {
        // Unique duals on positive-weight rows/columns. A zero-weight row's dual is only defined up
        // to u_i <= min_j (C_ij - v_j) (POT clips an internal, pivot-dependent value); dualChecks
        // verified feasibility for those.
        const pu = f.array('u').data, pvv = f.array('v').data;
        expect(maxRelDiff(r.u.filter((_, i) => a[i] > 0), pu.filter((_, i) => a[i] > 0))).toBeLessThan(1e-9);
        expect(maxRelDiff(r.v.filter((_, j) => b[j] > 0), pvv.filter((_, j) => b[j] > 0))).toBeLessThan(1e-9);
      }
    });
  }
});

function cloud(seed: number, n: number, d = 2): Matrix {
  return { data: uniform(seed, n * d), rows: n, cols: d };
}
function weights(seed: number, n: number): Float64Array {
  const w = uniform(seed, n, 0.1, 1);
  const s = w.reduce((p, q) => p + q, 0);
  return w.map((v) => v / s);
}
function unif(n: number): Float64Array {
  return new Float64Array(n).fill(1 / n);
}

describe('emd properties', () => {
  const N = isJs ? 60 : 150;

  it('random weighted problems: vertex, exact marginals, slackness (every metric)', () => {
    for (const metric of ['sqeuclidean', 'euclidean', 'cityblock'] as const) {
      const x = cloud(11, N), y = cloud(12, N + 7);
      const a = weights(13, N), b = weights(14, N + 7);
      const M = dist(x, y, { metric });
      const r = emd(a, b, M);
      expect(r.status).toBe('optimal');
      expect(isForest(r)).toBe(true);
      const { rs, cs } = rowColSums(r);
      const sa = a.reduce((s, v) => s + v, 0), sb = b.reduce((s, v) => s + v, 0);
      const bs = b.map((v) => (v * sa) / sb);
      expect(maxAbsDiff(rs, a)).toBeLessThan(1e-15);
      expect(maxAbsDiff(cs, bs)).toBeLessThan(1e-15);
      dualChecks(r, M, a, bs, 2);
      // The lazy point-cloud variant solves the same problem.
      const rp = emdPoints(x, y, { a, b, metric });
      expect(maxRelDiff([rp.cost], [r.cost])).toBeLessThan(1e-12);
      expect(emd2Lazy(x, y, { a, b, metric })).toBe(rp.cost);
    }
  });

  it('equal-size uniform clouds give a permutation (Birkhoff)', () => {
    const x = cloud(21, N), y = cloud(22, N);
    const r = emd(null, null, dist(x, y));
    expect(r.plan.values.length).toBe(N);
    const seen = new Set<number>();
    for (let k = 0; k < N; k++) {
      expect(r.plan.values[k]).toBeCloseTo(1 / N, 15);
      seen.add(r.plan.cols[k]);
    }
    expect(seen.size).toBe(N);
    expect(new Set(r.plan.rows).size).toBe(N);
  });

  it('W2 is a metric: symmetry and triangle inequality on random triples', () => {
    const n = isJs ? 25 : 50;
    for (let s = 0; s < 4; s++) {
      const X = cloud(100 + s, n), Y = cloud(200 + s, n + 3), Z = cloud(300 + s, n + 5);
      const a = weights(400 + s, n), b = weights(500 + s, n + 3), c = weights(600 + s, n + 5);
      const w = (p: Matrix, q: Matrix, wp: Float64Array, wq: Float64Array) => Math.sqrt(emd2(wp, wq, dist(p, q)));
      const xy = w(X, Y, a, b), yx = w(Y, X, b, a), yz = w(Y, Z, b, c), xz = w(X, Z, a, c);
      expect(Math.abs(xy - yx)).toBeLessThan(1e-14);
      expect(xz).toBeLessThanOrEqual(xy + yz + 1e-14);
    }
  });

  it('translation: W2²(α, α + h) = |h|²', () => {
    const x = cloud(31, N);
    const h = [0.3, -0.7];
    const y = { data: x.data.map((v, k) => v + h[k % 2]), rows: N, cols: 2 };
    const a = weights(32, N);
    const w = emd2(a, a, dist(x, y));
    expect(Math.abs(w - (h[0] ** 2 + h[1] ** 2))).toBeLessThan(1e-12);
  });

  it('zero weights are removed and their duals re-estimated (dual feasible)', () => {
    const x = cloud(41, 30), y = cloud(42, 25);
    const a = weights(43, 30), b = weights(44, 25);
    a[0] = 0; a[7] = 0; b[3] = 0; b[24] = 0;
    const ta = a.reduce((s, v) => s + v, 0), tb = b.reduce((s, v) => s + v, 0);
    a.forEach((v, i) => (a[i] = v / ta));
    b.forEach((v, j) => (b[j] = v / tb));
    const M = dist(x, y);
    const r = emd(a, b, M);
    for (let k = 0; k < r.plan.rows.length; k++) {
      expect(a[r.plan.rows[k]]).toBeGreaterThan(0);
      expect(b[r.plan.cols[k]]).toBeGreaterThan(0);
    }
    const sa = a.reduce((s, v) => s + v, 0), sb = b.reduce((s, v) => s + v, 0);
    dualChecks(r, M, a, b.map((v) => (v * sa) / sb), 2);
  });

  it('float32 inputs: float32 plan and duals, same cost as float64 of the same values', () => {
    const x = cloud(51, 40), y = cloud(52, 40);
    const M = dist(x, y);
    const M32 = { data: Float32Array.from(M.data), rows: 40, cols: 40 };
    const a = Float32Array.from(weights(53, 40)), b = Float32Array.from(weights(54, 40));
    const r32 = emd(a, b, M32, { dense: true });
    expect(r32.plan.values).toBeInstanceOf(Float32Array);
    expect(r32.u).toBeInstanceOf(Float32Array);
    expect(r32.planDense!.data).toBeInstanceOf(Float32Array);
    const r64 = emd(Float64Array.from(a), Float64Array.from(b), { data: Float64Array.from(M32.data), rows: 40, cols: 40 });
    expect(r32.cost).toBe(r64.cost);
  });

  it('+Infinity costs forbid pairs; an impossible problem reports infeasible', () => {
    const C = [[0, Infinity], [Infinity, 0]];
    const ok = emd([0.5, 0.5], [0.5, 0.5], C);
    expect(ok.status).toBe('optimal');
    expect(ok.cost).toBe(0);
    const bad = emd([0.5, 0.5], [0.9, 0.1], [[0, Infinity], [Infinity, 0]]);
    expect(bad.status).toBe('infeasible');
    expect(bad.warning).toMatch(/infeasible/);
  });

  it('maxIter is reported in the status, not thrown', () => {
    const r = emd(null, null, dist(cloud(61, 40), cloud(62, 40)), { maxIter: 5 });
    expect(r.status).toBe('max-iterations');
    expect(r.iterations).toBe(5);
    expect(r.warning).toMatch(/numItermax/);
  });

  it("POT's mass check: 6 decimals, then b is rescaled", () => {
    const C = dist(cloud(71, 5), cloud(72, 4));
    const r = emd(unif(5), unif(4).map((v) => v * (1 + 1e-7)), C);
    expect(r.status).toBe('optimal');
    const { cs } = rowColSums(r);
    expect(maxAbsDiff(cs, unif(4))).toBeLessThan(1e-15);
    expect(() => emd(unif(5), unif(4).map((v) => v * 1.01), C)).toThrow(RangeError);
    expect(() => emd(unif(5), unif(4).map((v) => v * 1.01), C)).toThrow(
      'Expected marginals with equal total mass to 6 decimals (sum of a = 1) for b but received "a total of 1.01"',
    );
    expect(emd(unif(5), unif(4).map((v) => v * 1.01), C, { checkMarginals: false }).status).toBe('optimal');
  });

  it('errors on bad input', () => {
    const C = [[0, 1], [1, 0]];
    expect(() => emd([0.5, 0.5], [0.5, 0.5], [[0, NaN], [1, 0]])).toThrow(
      'Expected finite costs or +Infinity (forbidden pairs) for C but received "NaN at index 1"',
    );
    expect(() => emd([0.5, -0.5], [0.5, 0.5], C)).toThrow('Expected non-negative finite weights for a but received "-0.5 at index 1"');
    expect(() => emd([0.5, 0.5, 0], [0.5, 0.5], C)).toThrow('Expected length 2 for a but received Float64Array(3)');
    expect(() => emd([0, 0], [0.5, 0.5], C)).toThrow('Expected weights with a positive total for a but received 0');
    expect(() => emd(null, null, C, { maxIter: -1 })).toThrow(RangeError);
    expect(() => emd(null, null, C, { dense: 'yes' as unknown as boolean })).toThrow('Expected a boolean for dense but received "yes"');
    expect(() => emdPoints([[0, 0]], [[1, 1]], { metric: 'cosine' as 'euclidean' })).toThrow(
      'Expected one of sqeuclidean, euclidean, cityblock for metric but received "cosine"',
    );
    expect(() => emd(new Float32Array([0.5, 0.5]), null, C.map((r) => r) as number[][])).toThrow(TypeError);
  });

  it('dense plan equals the sparse plan, and sparseToDense agrees', () => {
    const r = emd(weights(81, 12), weights(82, 9), dist(cloud(83, 12), cloud(84, 9)), { dense: true });
    expect(Array.from(r.planDense!.data)).toEqual(Array.from(sparseToDense(r.plan)));
  });

  it('1x1 and degenerate shapes', () => {
    expect(emd([1], [1], [[2.5]]).cost).toBe(2.5);
    const r = emd([1], [0.25, 0.75], [[1, 2]]);
    expect(r.cost).toBeCloseTo(1.75, 15);
    expect(r.plan.values.length).toBe(2);
  });
});

describe('emd async', () => {
  it('resolves to the sync result and reports progress', async () => {
    const n = isJs ? 150 : 400;
    const C = dist(cloud(91, n), cloud(92, n));
    const seen: number[] = [];
    const r = await emdAsync(null, null, C, { maxIter: 0, onProgress: (p) => seen.push(p.iterations) });
    const s = emd(null, null, C, { maxIter: 0 });
    expect(r.cost).toBe(s.cost);
    expect(r.iterations).toBe(s.iterations);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]).toBeGreaterThan(0);
  });

  it('abort rejects with the signal reason and leaves the event loop live', async () => {
    const n = isJs ? 1000 : 1500;
    const C = dist(cloud(93, n), cloud(94, n));
    const ac = new AbortController();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const p = emdAsync(null, null, C, { maxIter: 0, signal: ac.signal, onProgress: () => ac.abort(new Error('stop')) });
    await expect(p).rejects.toThrow('stop');
    clearInterval(timer);
    const pre = new AbortController();
    pre.abort(new AdvectError('ADVECT_ABORTED', 'early'));
    await expect(emdAsync(null, null, C, { signal: pre.signal })).rejects.toThrow('early');
    expect(ticks).toBeGreaterThanOrEqual(0);
  });
});

describe('emd parity native vs js', () => {
  it('identical pivots and results on seeded problems (dense f64/f32, points, zero weights)', () => {
    const nat = nativeBackend.emd, js = jsBackend.emd;
    const n = 70, m = 55;
    const x = cloud(1, n, 3), y = cloud(2, m, 3);
    const a = weights(3, n), b0 = weights(4, m);
    a[5] = 0;
    const sa = a.reduce((s, v) => s + v, 0), sb = b0.reduce((s, v) => s + v, 0);
    const b = b0.map((v) => (v * sa) / sb);
    b[9] = 0;
    const sb2 = b.reduce((s, v) => s + v, 0);
    const bb = b.map((v) => (v * sa) / sb2);
    const C = dist(x, y);
    const cases: Array<[string, () => unknown, () => unknown]> = [
      ['dense64', () => nat.emd(a, bb, C.data, n, m, 0, 0), () => js.emd(a, bb, C.data, n, m, 0, 0)],
      ['dense32', () => nat.emd(a, bb, Float32Array.from(C.data), n, m, 0, 0), () => js.emd(a, bb, Float32Array.from(C.data), n, m, 0, 0)],
      ['points', () => nat.emdPoints(a, bb, x.data, y.data, n, m, 3, 0, 0, 0), () => js.emdPoints(a, bb, x.data, y.data, n, m, 3, 0, 0, 0)],
      ['cityblock', () => nat.emdPoints(a, bb, x.data, y.data, n, m, 3, 2, 0, 37), () => js.emdPoints(a, bb, x.data, y.data, n, m, 3, 2, 0, 37)],
    ];
    for (const [, f, g] of cases) {
      const r1 = f() as EmdResult & { rows: Int32Array; values: FloatArray; u: FloatArray };
      const r2 = g() as typeof r1;
      expect(r1).toEqual(r2);
    }
  });
});

describe('emd at each SIMD level (own process) equals the js twin exactly', () => {
  const LEVELS = ['scalar', 'avx2', 'avx512'];
  const detected = nativeBackend.info().simdDetected;
  const runnable = LEVELS.slice(0, LEVELS.indexOf(detected) + 1);
  const CHILD = `
const addon = require('node-gyp-build')(process.argv[1]);
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const a = Float64Array.from(input.a), b = Float64Array.from(input.b);
const C = Float64Array.from(input.C), C32 = Float32Array.from(input.C), x = Float64Array.from(input.x), y = Float64Array.from(input.y);
const pick = (r) => ({ status: r.status, iterations: r.iterations, cost: r.cost, rows: Array.from(r.rows), cols: Array.from(r.cols), values: Array.from(r.values), u: Array.from(r.u), v: Array.from(r.v) });
const out = {
  simd: addon.info().simd,
  dense: pick(addon.emd.emd(a, b, C, input.n, input.m, 0, 0)),
  dense32: pick(addon.emd.emd(a, b, C32, input.n, input.m, 0, 0)),
  points: pick(addon.emd.emdPoints(a, b, x, y, input.n, input.m, 2, 0, 0, 0)),
  euclid: pick(addon.emd.emdPoints(a, b, x, y, input.n, input.m, 2, 1, 0, 0)),
};
process.stdout.write(JSON.stringify(out));
`;
  for (const level of runnable) {
    it(level, async () => {
      const { execFileSync } = await import('node:child_process');
      const { join } = await import('node:path');
      const n = 45, m = 38;
      const x = uniform(71, n * 2), y = uniform(72, m * 2);
      const a = weights(73, n), b0 = weights(74, m);
      const sa = a.reduce((s, v) => s + v, 0), sb = b0.reduce((s, v) => s + v, 0);
      const b = b0.map((v) => (v * sa) / sb);
      const C = dist({ data: x, rows: n, cols: 2 }, { data: y, rows: m, cols: 2 }).data;
      const input = { a: Array.from(a), b: Array.from(b), C: Array.from(C), x: Array.from(x), y: Array.from(y), n, m };
      const env = { ...process.env, ADVECT_SIMD: level };
      const out = JSON.parse(execFileSync(process.execPath, ['-e', CHILD, join(__dirname, '..')], { input: JSON.stringify(input), env }).toString());
      expect(out.simd).toBe(level);
      const pick = (r: ReturnType<typeof jsBackend.emd.emd>) => JSON.parse(JSON.stringify({
        status: r.status, iterations: r.iterations, cost: r.cost, rows: Array.from(r.rows), cols: Array.from(r.cols),
        values: Array.from(r.values), u: Array.from(r.u), v: Array.from(r.v),
      }));
      const js = jsBackend.emd;
      expect(out.dense).toEqual(pick(js.emd(a, b, C, n, m, 0, 0)));
      expect(out.dense32).toEqual(pick(js.emd(a, b, Float32Array.from(C), n, m, 0, 0)));
      expect(out.points).toEqual(pick(js.emdPoints(a, b, x, y, n, m, 2, 0, 0, 0)));
      expect(out.euclid).toEqual(pick(js.emdPoints(a, b, x, y, n, m, 2, 1, 0, 0)));
    });
  }
});

describe('emd points async and raw native robustness', () => {
  it('emdPointsAsync equals emdPoints; abort rejects', async () => {
    const x = cloud(95, 120), y = cloud(96, 110);
    const s = emdPoints(x, y, { metric: 'euclidean', maxIter: 0 });
    const r = await emdPointsAsync(x, y, { metric: 'euclidean', maxIter: 0 });
    expect(r.cost).toBe(s.cost);
    expect(Array.from(r.plan.values)).toEqual(Array.from(s.plan.values));
    const n = isJs ? 1000 : 1500;
    const ac = new AbortController();
    const p = emdPointsAsync(cloud(97, n), cloud(98, n), { maxIter: 0, signal: ac.signal, onProgress: () => ac.abort(new Error('halt')) });
    await expect(p).rejects.toThrow('halt');
  });

  it('malformed raw calls throw TypeError/RangeError, never crash (300 random calls)', () => {
    const rng = (() => { let s = 12345; return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32); })();
    const values = [undefined, null, NaN, -1, 0, 1, 2, 3, 2 ** 40, 1.5, 'x', {}, [], new Float64Array(0), new Float64Array(4).fill(0.25),
      new Float32Array(4), new Float64Array(6), Float64Array.of(-1, 2), new Int32Array(4), () => 0];
    const ops = nativeBackend.emd as unknown as Record<string, (...a: unknown[]) => unknown>;
    const ex = nativeBackend.exact as unknown as Record<string, (...a: unknown[]) => unknown>;
    const fns = [...Object.values(ops), ...Object.values(ex)];
    for (let k = 0; k < 300; k++) {
      const f = fns[Math.floor(rng() * fns.length)];
      const args = Array.from({ length: 12 }, () => values[Math.floor(rng() * values.length)]);
      try {
        const r = f(...args) as { promise?: Promise<unknown> } | undefined;
        if (r && typeof r === 'object' && r.promise) r.promise.catch(() => undefined);
      } catch (e) {
        expect(e instanceof TypeError || e instanceof RangeError || (e as { code?: string }).code?.startsWith('ADVECT_')).toBe(true);
      }
    }
  });
});

describe('emd numeric limits', () => {
  it('costs whose magnitude overflows the artificial cost fail with ADVECT_NUMERIC', () => {
    let err: unknown;
    try {
      emd(null, null, [[1e308, 0], [0, 1e308]]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AdvectError);
    expect((err as AdvectError).code).toBe('ADVECT_NUMERIC');
  });
});
