/**
 * Maps from plans: barycentric projection and McCann interpolation of point clouds.
 * The geodesic identity W2(α0, αt) = t·W2(α0, α1) is exact for an optimal plan; the EMD solves
 * behind it are exact to ~1e-15 relative, so 1e-9 is asserted.
 */
import { describe, expect, it } from 'vitest';
import { dist } from '../src/kernels.js';
import { emd, emd2 } from '../src/ot/emd.js';
import { barycentricProjection, mccannInterpolate } from '../src/ot/maps.js';
import { maxRelDiff, normal, uniform } from './helpers/random.js';
import { backend } from '../src/backend/index.js';

const N = backend().name === 'js' ? 40 : 80;
const cloud = (seed: number, n: number, f = uniform) => ({ data: f(seed, n * 2), rows: n, cols: 2 });

describe('barycentric projection', () => {
  it('of a permutation plan is the matched point; of a dense plan the weighted mean', () => {
    const x = cloud(1, N), y = cloud(2, N, normal);
    const r = emd(null, null, dist(x, y));
    const T = barycentricProjection(r.plan, y);
    for (let k = 0; k < N; k++) {
      const i = r.plan.rows[k], j = r.plan.cols[k];
      expect(T.data[2 * i]).toBeCloseTo(y.data[2 * j], 14);
      expect(T.data[2 * i + 1]).toBeCloseTo(y.data[2 * j + 1], 14);
    }
    const P = [[0.1, 0.3], [0.25, 0.0], [0, 0]];
    const Td = barycentricProjection(P, [[0, 0], [4, 8]]);
    expect(maxRelDiff(Td.data.slice(0, 4), [3, 6, 0, 0])).toBeLessThan(1e-15);
    expect(Number.isNaN(Td.data[4])).toBe(true);
  });

  it('errors on bad input', () => {
    expect(() => barycentricProjection([[1, 0]], [[0, 0]])).toThrow('Expected a 1x1 plan for plan but received "1x2"');
    expect(() => barycentricProjection({ n: 1, m: 1, rows: Int32Array.of(0), cols: Int32Array.of(3), values: Float64Array.of(1) }, [[0]])).toThrow(
      'Expected indices within 1x1 for plan but received "(0, 3) at entry 0"',
    );
  });
});

describe('McCann interpolation', () => {
  it('is a constant-speed geodesic: W2(α0, αt) = t W2(α0, α1) and W2(αt, α1) = (1−t) W2', () => {
    const x = cloud(3, N), y = cloud(4, N + 9, normal);
    const a = uniform(5, N, 0.2, 1), b = uniform(6, N + 9, 0.2, 1);
    const sa = a.reduce((s, v) => s + v, 0), sb = b.reduce((s, v) => s + v, 0);
    const an = a.map((v) => v / sa), bn = b.map((v) => v / sb);
    const r = emd(an, bn, dist(x, y));
    const W = Math.sqrt(r.cost);
    for (const t of [0.3, 0.75]) {
      const it = mccannInterpolate(x, y, r.plan, t);
      expect(it.points.rows).toBe(r.plan.values.length);
      expect(Math.abs(it.weights.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-14);
      const w0 = Math.sqrt(emd2(an, it.weights, dist(x, it.points)));
      const w1 = Math.sqrt(emd2(it.weights, bn, dist(it.points, y)));
      expect(maxRelDiff([w0], [t * W])).toBeLessThan(1e-9);
      expect(maxRelDiff([w1], [(1 - t) * W])).toBeLessThan(1e-9);
    }
  });

  it('a permutation carries n points; endpoints are the clouds; dense plans carry every positive atom', () => {
    const x = cloud(7, N), y = cloud(8, N);
    const r = emd(null, null, dist(x, y));
    const i0 = mccannInterpolate(x, y, r.plan, 0), i1 = mccannInterpolate(x, y, r.plan, 1);
    expect(i0.points.rows).toBe(N);
    for (let k = 0; k < N; k++) {
      expect(i0.points.data[2 * k]).toBe(x.data[2 * i0.source[k]]);
      expect(i1.points.data[2 * k + 1]).toBe(y.data[2 * i1.target[k] + 1]);
    }
    const d = mccannInterpolate([[0, 0], [1, 0]], [[0, 2]], [[0.5], [0.5]], 0.5);
    expect(Array.from(d.points.data)).toEqual([0, 1, 0.5, 1]);
    const f32 = mccannInterpolate({ data: Float32Array.of(0, 0), rows: 1, cols: 2 }, { data: Float32Array.of(2, 2), rows: 1, cols: 2 }, [[1]], 0.5);
    expect(f32.points.data).toBeInstanceOf(Float32Array);
  });

  it('errors on bad input', () => {
    expect(() => mccannInterpolate([[0]], [[1]], [[1]], 2)).toThrow('Expected a time in [0, 1] for t but received 2');
    expect(() => mccannInterpolate([[0]], [[1, 1]], [[1]], 0.5)).toThrow('Expected 1 columns (as x) for y but received "2 columns"');
    expect(() => mccannInterpolate([[0]], [[1]], [[-1]], 0.5)).toThrow('Expected non-negative masses for plan but received "-1 at (0, 0)"');
  });
});
