/**
 * Stochastic semi-dual solver (issue 6, item 4): against Newton in 2-D (uniform density on the
 * unit square = the uniform-box sampler), in higher dimension against a Monte-Carlo assignment,
 * entropic smoothing, user samples, parity of the sample stream across backends.
 *
 * Tolerances: averaged SGD with steps C/√k converges like O(1/√K) in the dual value; with
 * K·batch = 4·10⁵ samples and N = 6 sites the weight error is a few 1e-3 of the weight spread,
 * and the induced cell masses (computed exactly) are within ~2% of the targets.
 */
import { describe, expect, it } from 'vitest';
import { backend } from '../src/backend/index.js';
import { powerDiagram, semiDiscreteOT, semiDiscreteSgd, semiDiscreteSgdAsync } from '../src/semidiscrete/index.js';
import { jsBackend, nativeBackend } from './helpers/native.js';
import { uniform } from './helpers/random.js';

const js = backend().name === 'js';
const sites6 = [[0.2, 0.3], [0.7, 0.2], [0.5, 0.5], [0.8, 0.8], [0.3, 0.75], [0.55, 0.9]];
const masses6 = [0.1, 0.2, 0.15, 0.25, 0.2, 0.1];

describe('semiDiscreteSgd', () => {
  it('matches Newton in 2-D (uniform box sampler = uniform density on the square)', () => {
    const newton = semiDiscreteOT(sites6, { masses: masses6, tol: 1e-10 });
    const iterations = js ? 10000 : 25000;
    const sgd = semiDiscreteSgd(sites6, { masses: masses6, iterations, batch: 16, seed: 3 });
    let spread = 0, err = 0;
    for (let i = 0; i < 6; i++) {
      spread = Math.max(spread, Math.abs(newton.weights[i]));
      err = Math.max(err, Math.abs(sgd.weights[i] - newton.weights[i]));
    }
    expect(err / spread).toBeLessThan(0.05);
    const d = powerDiagram(sites6, sgd.weights);
    for (let i = 0; i < 6; i++) expect(Math.abs(d.masses[i] - masses6[i])).toBeLessThan(0.01);
    // The sampled assignment frequencies estimate the cell masses.
    for (let i = 0; i < 6; i++) expect(Math.abs(sgd.masses[i] - masses6[i])).toBeLessThan(0.02);
    expect(Math.abs(Array.from(sgd.weights).reduce((s, v) => s + v, 0))).toBeLessThan(1e-12);
  });

  it('entropic eps > 0 approaches the eps = 0 solution as eps → 0 and user samples work', () => {
    const K = js ? 4000 : 10000;
    const base = semiDiscreteSgd(sites6, { masses: masses6, iterations: K, seed: 5 });
    const small = semiDiscreteSgd(sites6, { masses: masses6, iterations: K, seed: 5, eps: 1e-4 });
    const big = semiDiscreteSgd(sites6, { masses: masses6, iterations: K, seed: 5, eps: 0.5 });
    const dist = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
    expect(dist(small.weights, base.weights)).toBeLessThan(dist(big.weights, base.weights));
    const samples = { data: uniform(7, 2 * 4000), rows: 4000, cols: 2 };
    const us = semiDiscreteSgd(sites6, { masses: masses6, iterations: K, sampler: { kind: 'samples', samples } });
    const d = powerDiagram(sites6, us.weights);
    for (let i = 0; i < 6; i++) expect(Math.abs(d.masses[i] - masses6[i])).toBeLessThan(0.03);
  });

  it('works in 3-D with a Gaussian sampler (masses checked by Monte Carlo)', () => {
    const n = 5, d = 3;
    const sites = { data: uniform(8, n * d, -1, 1), rows: n, cols: d };
    const r = semiDiscreteSgd(sites, { sampler: { kind: 'gaussian', mean: [0, 0, 0], std: 1 }, iterations: js ? 6000 : 15000, seed: 9 });
    // Independent check: assign fresh Gaussian points with the returned weights.
    const g = uniform(10, 3 * 40000);
    const counts = new Float64Array(n);
    for (let s = 0; s < 20000; s++) {
      // Box–Muller from two uniforms per coordinate pair (independent of the solver's stream).
      const x = [0, 1, 2].map((k) => Math.sqrt(-2 * Math.log(1 - g[6 * s + 2 * k])) * Math.cos(2 * Math.PI * g[6 * s + 2 * k + 1]));
      let best = 0, bv = Infinity;
      for (let j = 0; j < n; j++) {
        let q = 0;
        for (let k = 0; k < d; k++) q += (x[k] - sites.data[j * d + k]) ** 2;
        if (q - r.weights[j] < bv) (bv = q - r.weights[j]), (best = j);
      }
      counts[best]++;
    }
    for (let j = 0; j < n; j++) expect(Math.abs(counts[j] / 20000 - 0.2)).toBeLessThan(0.03);
  });

  it('native and js draw the same samples and agree', () => {
    const Y = Float64Array.from(sites6.flat());
    const b = Float64Array.from(masses6);
    const opts = { eps: 0, iterations: 300, batch: 4, stepSize: 0, seed: 11 };
    const a = nativeBackend.sdot.sgd(Y, 6, 2, b, 0, Float64Array.of(0, 0), Float64Array.of(1, 1), null, 0, opts);
    const c = jsBackend.sdot.sgd(Y, 6, 2, b, 0, Float64Array.of(0, 0), Float64Array.of(1, 1), null, 0, opts);
    // Same stream and argmin decisions; float rounding (FMA) may differ in the last bits.
    for (let i = 0; i < 6; i++) expect(Math.abs(a.weights[i] - c.weights[i])).toBeLessThan(1e-12);
    const ge = { ...opts, eps: 0.05 };
    const a2 = nativeBackend.sdot.sgd(Y, 6, 2, b, 1, Float64Array.of(0.5, 0.5), Float64Array.of(0.3, 0.3), null, 0, ge);
    const c2 = jsBackend.sdot.sgd(Y, 6, 2, b, 1, Float64Array.of(0.5, 0.5), Float64Array.of(0.3, 0.3), null, 0, ge);
    for (let i = 0; i < 6; i++) expect(Math.abs(a2.weights[i] - c2.weights[i])).toBeLessThan(1e-9);
  });

  it('async: progress and abort', async () => {
    const seen: number[] = [];
    const r = await semiDiscreteSgdAsync(sites6, { iterations: 2000, onProgress: (p) => seen.push(p.iteration) });
    expect(r.iterations).toBe(2000);
    expect(seen.length).toBeGreaterThan(10);
    expect(seen[seen.length - 1]).toBe(2000);
    const ctl = new AbortController();
    const reason = new Error('stop');
    const p = semiDiscreteSgdAsync(sites6, { iterations: 5e6, signal: ctl.signal, onProgress: () => ctl.abort(reason) });
    await expect(p).rejects.toBe(reason);
  });

  it('rejects bad input', () => {
    expect(() => semiDiscreteSgd(sites6, { eps: -1 })).toThrow(new RangeError('Expected eps >= 0 for eps but received -1'));
    expect(() => semiDiscreteSgd(sites6, { sampler: { kind: 'uniform', low: [0], high: [1] } })).toThrow(RangeError);
    expect(() => semiDiscreteSgd(sites6, { sampler: { kind: 'nope' } as never })).toThrow(TypeError);
    expect(() => semiDiscreteSgd([[0, NaN]])).toThrow(RangeError);
  });
});
