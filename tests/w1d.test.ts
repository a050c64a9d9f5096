/**
 * 1-D exact OT: POT fixtures (wasserstein_1d = W_p^p for p = 1, 1.5, 2; emd_1d plans and costs)
 * and properties. The computation is the same O((n+m) log(n+m)) merge as POT's, in float64, so
 * values agree to rounding (~1e-15); asserted to 1e-9 relative, plan entries 1e-12 absolute.
 */
import { describe, expect, it } from 'vitest';
import { emd, emd2 } from '../src/ot/emd.js';
import { emd1d, emd2_1d, wasserstein1d } from '../src/ot/wasserstein1d.js';
import { fixtureCases, loadFixture } from './helpers/fixtures.js';
import { maxRelDiff, normal, uniform } from './helpers/random.js';

describe('wasserstein1d / emd1d vs POT fixtures', () => {
  for (const name of fixtureCases('w1d')) {
    it(name, () => {
      const f = loadFixture('w1d', name);
      const u = f.array('u_values').data, v = f.array('v_values').data;
      const uw = f.meta.weighted ? f.array('u_weights').data : null;
      const vw = f.meta.weighted ? f.array('v_weights').data : null;
      for (const [p, want] of Object.entries(f.meta.wasserstein_1d as Record<string, number>)) {
        const got = wasserstein1d(u, v, uw, vw, Number(p));
        expect(maxRelDiff([got], [want]) < 1e-9 || Math.abs(got - want) < 1e-15).toBe(true);
      }
      if (f.meta.emd_1d) {
        for (const e of Object.values(f.meta.emd_1d as Record<string, { metric: 'sqeuclidean'; p: number; cost: number; emd2_1d: number; plan: string }>)) {
          const r = emd1d(u, v, uw, vw, { metric: e.metric, p: e.p, dense: true });
          expect(maxRelDiff([r.cost], [e.cost])).toBeLessThan(1e-9);
          expect(maxRelDiff([emd2_1d(u, v, uw, vw, { metric: e.metric, p: e.p })], [e.emd2_1d])).toBeLessThan(1e-9);
          const want = f.array(e.plan.replace(/\.npy$/, '')).data;
          const n = u.length, m = v.length;
          if (!f.meta.ties) {
            let d = 0;
            for (let k = 0; k < want.length; k++) d = Math.max(d, Math.abs(r.planDense!.data[k] - want[k]));
            expect(d).toBeLessThan(1e-12);
          } else {
            // Tied values: the plan depends on how ties are ordered (numpy's argsort is not stable
            // here); compare marginals with POT's plan instead.
            for (let i = 0; i < n; i++) {
              let s1 = 0, s2 = 0;
              for (let j = 0; j < m; j++) (s1 += r.planDense!.data[i * m + j]), (s2 += want[i * m + j]);
              expect(Math.abs(s1 - s2)).toBeLessThan(1e-12);
            }
            for (let j = 0; j < m; j++) {
              let s1 = 0, s2 = 0;
              for (let i = 0; i < n; i++) (s1 += r.planDense!.data[i * m + j]), (s2 += want[i * m + j]);
              expect(Math.abs(s1 - s2)).toBeLessThan(1e-12);
            }
          }
          expect(r.plan.values.length).toBeLessThanOrEqual(u.length + v.length - 1);
        }
      }
    });
  }
});

describe('1-D properties', () => {
  it('the monotone plan is optimal: matches the network simplex on the line (sqeuclidean, cityblock)', () => {
    const x = uniform(1, 40, -2, 3), y = normal(2, 33);
    const a = uniform(3, 40, 0.1, 1), b0 = uniform(4, 33, 0.1, 1);
    const sa = a.reduce((s, t) => s + t, 0), sb = b0.reduce((s, t) => s + t, 0);
    const aa = a.map((t) => t / sa), bb = b0.map((t) => t / sb);
    const C2 = Array.from(x, (s) => Array.from(y, (t) => (s - t) ** 2));
    const C1 = Array.from(x, (s) => Array.from(y, (t) => Math.abs(s - t)));
    expect(maxRelDiff([wasserstein1d(x, y, aa, bb, 2)], [emd2(aa, bb, C2)])).toBeLessThan(1e-12);
    expect(maxRelDiff([wasserstein1d(x, y, aa, bb, 1)], [emd2(aa, bb, C1)])).toBeLessThan(1e-12);
    expect(maxRelDiff([emd1d(x, y, aa, bb).cost], [emd(aa, bb, C2).cost])).toBeLessThan(1e-12);
  });

  it('closed forms: translation gives |h|^p, Gaussian quantiles, symmetry', () => {
    const x = normal(5, 500);
    const y = x.map((t) => t + 0.75);
    for (const p of [1, 1.5, 2]) expect(Math.abs(wasserstein1d(x, y, null, null, p) - 0.75 ** p)).toBeLessThan(1e-12);
    const z = uniform(6, 300);
    expect(wasserstein1d(x, z, null, null, 2)).toBe(wasserstein1d(z, x, null, null, 2));
    // Scaling about the mean of a sample: W2² = (s − 1)² Σ (x − x̄)²/n.
    const mean = x.reduce((s, t) => s + t, 0) / x.length;
    const s = 1.7;
    const xs = x.map((t) => mean + s * (t - mean));
    const varx = x.reduce((acc, t) => acc + (t - mean) ** 2, 0) / x.length;
    expect(maxRelDiff([wasserstein1d(x, xs, null, null, 2)], [(s - 1) ** 2 * varx])).toBeLessThan(1e-12);
  });

  it('the plan has exact marginals and is monotone', () => {
    const x = uniform(7, 25), y = uniform(8, 19);
    const r = emd1d(x, y);
    const rs = new Float64Array(25), cs = new Float64Array(19);
    for (let k = 0; k < r.plan.values.length; k++) {
      rs[r.plan.rows[k]] += r.plan.values[k];
      cs[r.plan.cols[k]] += r.plan.values[k];
    }
    for (const t of rs) expect(Math.abs(t - 1 / 25)).toBeLessThan(1e-15);
    for (const t of cs) expect(Math.abs(t - 1 / 19)).toBeLessThan(1e-15);
    // Monotone: no crossing pairs x_i < x_k with y_j > y_l.
    for (let s = 0; s < r.plan.rows.length; s++)
      for (let t = 0; t < r.plan.rows.length; t++) {
        const [i, j, k, l] = [r.plan.rows[s], r.plan.cols[s], r.plan.rows[t], r.plan.cols[t]];
        if (x[i] < x[k]) expect(y[j]).toBeLessThanOrEqual(y[l]);
      }
  });

  it('float32 inputs are accepted', () => {
    const x = Float32Array.from(uniform(9, 10)), y = Float32Array.from(uniform(10, 12));
    expect(wasserstein1d(x, y, null, null, 2)).toBe(wasserstein1d(Float64Array.from(x), Float64Array.from(y), null, null, 2));
  });

  it('errors on bad input', () => {
    expect(() => wasserstein1d([], [1])).toThrow('Expected at least one value for x but received Float64Array(0)');
    expect(() => wasserstein1d([0, 1], [1], [1, -1])).toThrow('Expected non-negative finite weights for a but received "-1 at index 1"');
    expect(() => wasserstein1d([0, 1], [1], [1])).toThrow('Expected length 2 for a but received Float64Array(1)');
    expect(() => wasserstein1d([0, NaN], [1])).toThrow('Expected finite values for x but received "NaN at index 1"');
    expect(() => wasserstein1d([0, 1], [1], null, null, 0)).toThrow('Expected p > 0 for p but received 0');
    expect(() => emd1d([0, 1], [1], [0.5, 0.5], [2])).toThrow(RangeError);
    expect(() => emd1d([0, 1], [1], null, null, { metric: 'cosine' as 'cityblock' })).toThrow(
      'Expected one of sqeuclidean, euclidean, cityblock, minkowski for metric but received "cosine"',
    );
  });
});

describe('exact family parity (native vs js twin) and thread determinism', () => {
  it('w1d and sliced are bitwise equal across backends (p = 1, 2), within 1e-15 for p = 1.5 (pow)', async () => {
    const { nativeBackend, jsBackend, withThreads } = await import('./helpers/native.js');
    const u = normal(31, 3000), v = uniform(32, 2100, -1, 2);
    const uw = uniform(33, 3000, 0.1, 1), vw = uniform(34, 2100, 0.1, 1);
    const su = uw.reduce((s, t) => s + t, 0), sv = vw.reduce((s, t) => s + t, 0);
    const a = uw.map((t) => t / su), b = vw.map((t) => t / sv);
    for (const [w1, w2] of [[null, null], [a, b]] as const) {
      for (const p of [1, 2]) expect(nativeBackend.exact.w1d(u, w1, v, w2, p)).toBe(jsBackend.exact.w1d(u, w1, v, w2, p));
      expect(maxRelDiff([nativeBackend.exact.w1d(u, w1, v, w2, 1.5)], [jsBackend.exact.w1d(u, w1, v, w2, 1.5)])).toBeLessThan(1e-15);
    }
    const d = 4, K = 9, n = 300, m = 250;
    const X = normal(35, n * d), Y = uniform(36, m * d);
    const P = normal(37, d * K);
    const run = (be: typeof nativeBackend, xs: Float64Array | Float32Array, ys: Float64Array | Float32Array, aa: Float64Array | null, bb: Float64Array | null) => {
      const out = new Float64Array(K);
      be.exact.sliced(xs, n, ys, m, d, P, K, aa, bb, 2, out);
      return Array.from(out);
    };
    expect(run(nativeBackend, X, Y, null, null)).toEqual(run(jsBackend, X, Y, null, null));
    const aw = a.subarray(0, n).map((t) => t), bw = b.subarray(0, m).map((t) => t);
    expect(run(nativeBackend, X, Y, aw, bw)).toEqual(run(jsBackend, X, Y, aw, bw));
    expect(run(nativeBackend, Float32Array.from(X), Float32Array.from(Y), null, null)).toEqual(run(jsBackend, Float32Array.from(X), Float32Array.from(Y), null, null));
    const one = withThreads(1, () => run(nativeBackend, X, Y, aw, bw));
    const two = withThreads(2, () => run(nativeBackend, X, Y, aw, bw));
    expect(one).toEqual(two);
  });

  it('raw native argument checks', async () => {
    const { nativeBackend } = await import('./helpers/native.js');
    const f = (k: number) => new Float64Array(k).fill(1);
    expect(() => nativeBackend.exact.w1d(new Float64Array(0), null, f(2), null, 1)).toThrow('Expected at least one value for u');
    expect(() => nativeBackend.exact.w1d(f(2), f(3), f(2), null, 1)).toThrow('Expected length 2 for uw');
    expect(() => nativeBackend.exact.w1d(f(2), null, f(2), null, 0)).toThrow('Expected p > 0 for p');
    expect(() => nativeBackend.exact.w1d(f(2), Float64Array.of(1, -1), f(2), null, 1)).toThrow('Expected non-negative finite weights for uw');
    expect(() => nativeBackend.exact.sliced(f(4), 2, new Float32Array(4), 2, 2, f(2), 1, null, null, 2, f(1))).toThrow(TypeError);
    expect(() => nativeBackend.exact.sliced(f(4), 2, f(4), 2, 2, f(3), 1, null, null, 2, f(1))).toThrow('Expected length 2 for P');
  });
});
