/**
 * Sliced and max-sliced Wasserstein vs POT (explicit projections from the fixtures) and properties.
 * Projections are a dot product in float64 (POT: numpy matmul), then exact 1-D OT per slice:
 * agreement to ~1e-14; asserted to 1e-9 relative.
 */
import { describe, expect, it } from 'vitest';
import { maxSlicedWasserstein, randomProjections, slicedWasserstein } from '../src/ot/sliced.js';
import { emd2 } from '../src/ot/emd.js';
import { dist } from '../src/kernels.js';
import { fixtureCases, loadFixture } from './helpers/fixtures.js';
import { maxRelDiff, normal, uniform } from './helpers/random.js';

const mat = (f: ReturnType<typeof loadFixture>, k: string) => {
  const A = f.array(k);
  return { data: A.data, rows: A.shape[0], cols: A.shape[1] };
};

describe('sliced vs POT fixtures', () => {
  for (const name of fixtureCases('sliced')) {
    it(name, () => {
      const f = loadFixture('sliced', name);
      const opts = { a: f.array('a').data, b: f.array('b').data, p: f.meta.p, projections: mat(f, 'projections') };
      const s = slicedWasserstein(mat(f, 'X_s'), mat(f, 'X_t'), opts);
      expect(maxRelDiff([s.value], [f.meta.sliced_wasserstein_distance])).toBeLessThan(1e-9);
      expect(maxRelDiff(s.projectedEmds, f.array('projected_emds').data)).toBeLessThan(1e-9);
      const mx = maxSlicedWasserstein(mat(f, 'X_s'), mat(f, 'X_t'), opts);
      expect(maxRelDiff([mx.value], [f.meta.max_sliced_wasserstein_distance])).toBeLessThan(1e-9);
    });
  }
});

describe('sliced properties', () => {
  it('seeded directions are unit vectors and reproducible', () => {
    const P = randomProjections(3, 20, 7);
    for (let k = 0; k < 20; k++) {
      let s = 0;
      for (let c = 0; c < 3; c++) s += P.data[c * 20 + k] ** 2;
      expect(Math.abs(s - 1)).toBeLessThan(1e-15);
    }
    const X = { data: uniform(1, 60), rows: 30, cols: 2 }, Y = { data: normal(2, 40), rows: 20, cols: 2 };
    expect(slicedWasserstein(X, Y, { seed: 3 }).value).toBe(slicedWasserstein(X, Y, { seed: 3 }).value);
    expect(slicedWasserstein(X, Y, { seed: 3 }).value).not.toBe(slicedWasserstein(X, Y, { seed: 4 }).value);
  });

  it('translation: SW2² = mean_k <θ_k, h>², max-SW2 <= W2 <= ..., and SW <= max-SW', () => {
    const X = { data: normal(3, 200), rows: 100, cols: 2 };
    const h = [0.4, -0.3];
    const Y = { data: X.data.map((v, k) => v + h[k % 2]), rows: 100, cols: 2 };
    const r = slicedWasserstein(X, Y, { nProjections: 64, seed: 1 });
    let want = 0;
    for (let k = 0; k < 64; k++) want += (r.projections.data[k] * h[0] + r.projections.data[64 + k] * h[1]) ** 2;
    expect(Math.abs(r.value ** 2 - want / 64)).toBeLessThan(1e-12);
    const mx = maxSlicedWasserstein(X, Y, { nProjections: 64, seed: 1 });
    expect(r.value).toBeLessThanOrEqual(mx.value);
    // Projection is 1-Lipschitz: each slice W2 ≤ W2 of the clouds.
    const Z = { data: uniform(5, 200), rows: 100, cols: 2 };
    const w2 = Math.sqrt(emd2(null, null, dist(X, Z)));
    expect(maxSlicedWasserstein(X, Z, { nProjections: 32 }).value).toBeLessThanOrEqual(w2 + 1e-12);
  });

  it('errors on bad input', () => {
    const X = [[0, 0], [1, 1]];
    expect(() => slicedWasserstein(X, [[0, 0, 0]])).toThrow('Expected 2 columns (as X_s) for X_t but received "3 columns"');
    expect(() => slicedWasserstein(X, X, { projections: [[1, 0]] })).toThrow('Expected a 2xK matrix (one column per direction) for projections but received "1x2"');
    expect(() => slicedWasserstein(X, X, { nProjections: 0 })).toThrow(RangeError);
    expect(() => slicedWasserstein(X, X, { p: -1 })).toThrow('Expected p > 0 for p but received -1');
  });
});
