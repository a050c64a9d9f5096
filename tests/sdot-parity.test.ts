/**
 * sdot parity and determinism: native against the js twin on the same seeded inputs (same
 * algorithm, same visiting order, same stopping rule), and native 1 vs 2 threads bitwise.
 * Tolerances: both backends evaluate the same formulas in the same order; the native build may
 * contract a·b + c into FMAs, so results agree to rounding (1e-12 relative on weights after the
 * same number of Newton steps).
 */
import { describe, expect, it } from 'vitest';
import { jsBackend, nativeBackend, withThreads } from './helpers/native.js';
import { uniform } from './helpers/random.js';

const SQ = Float64Array.of(0, 0, 1, 0, 1, 1, 0, 1);
const opts = { tol: 1e-9, maxIter: 50, cgTol: 1e-2 };
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

describe('sdot parity (native vs js)', () => {
  it('power diagram: same cells, masses, centroids, facets', () => {
    const n = 150;
    const s = uniform(101, 2 * n), w = uniform(102, n, -0.003, 0.003);
    const a = nativeBackend.sdot.diagram(s, n, w, SQ, 4, null, 0, 0, null, true);
    const b = jsBackend.sdot.diagram(s, n, w, SQ, 4, null, 0, 0, null, true);
    expect(Array.from(a.offsets)).toEqual(Array.from(b.offsets));
    expect(Array.from(a.edgeNeighbors)).toEqual(Array.from(b.edgeNeighbors));
    expect(Array.from(a.edgeI)).toEqual(Array.from(b.edgeI));
    expect(maxAbs(a.masses, b.masses)).toBeLessThan(1e-15);
    expect(maxAbs(a.vertices, b.vertices)).toBeLessThan(1e-13);
    expect(maxAbs(a.centroids, b.centroids)).toBeLessThan(1e-13);
    expect(maxAbs(a.edgeFacet, b.edgeFacet)).toBeLessThan(1e-13);
  });

  it('Newton: same iterations and weights (uniform and image density)', () => {
    const n = 120;
    const s = uniform(103, 2 * n), b = new Float64Array(n).fill(1 / n);
    const a = nativeBackend.sdot.newton(s, n, b, null, SQ, 4, null, 0, 0, null, opts);
    const c = jsBackend.sdot.newton(s, n, b, null, SQ, 4, null, 0, 0, null, opts);
    expect(a.iterations).toBe(c.iterations);
    expect(a.converged && c.converged).toBe(true);
    expect(maxAbs(a.weights, c.weights)).toBeLessThan(1e-12 * Math.max(...Array.from(a.weights, Math.abs)));
    expect(Math.abs(a.cost - c.cost)).toBeLessThan(1e-15);
    const img = Float64Array.from({ length: 36 }, (_, k) => (k % 6 < 2 ? 0 : 1 + (k % 5)));
    const bounds = Float64Array.of(0, 0, 1, 1);
    const m = 30, s2 = uniform(104, 2 * m), b2 = new Float64Array(m).fill(1 / m);
    const a2 = nativeBackend.sdot.newton(s2, m, b2, null, SQ, 4, img, 6, 6, bounds, opts);
    const c2 = jsBackend.sdot.newton(s2, m, b2, null, SQ, 4, img, 6, 6, bounds, opts);
    expect(a2.iterations).toBe(c2.iterations);
    expect(a2.converged).toBe(true);
    expect(maxAbs(a2.weights, c2.weights)).toBeLessThan(1e-10 * Math.max(...Array.from(a2.weights, Math.abs)));
  });

  it('Lloyd: same sites after a few moves', () => {
    const n = 40;
    const s = uniform(105, 2 * n), b = new Float64Array(n).fill(1 / n);
    const lo = { ...opts, tol: 1e-8, iterations: 3 };
    const a = nativeBackend.sdot.lloyd(s, n, b, SQ, 4, null, 0, 0, null, lo);
    const c = jsBackend.sdot.lloyd(s, n, b, SQ, 4, null, 0, 0, null, lo);
    expect(a.iterations).toBe(3);
    expect(maxAbs(a.sites, c.sites)).toBeLessThan(1e-9);
    expect(maxAbs(a.movement, c.movement)).toBeLessThan(1e-9);
  });
});

describe('sdot determinism (native threads)', () => {
  it('1 and 2 threads give bitwise identical diagrams and Newton results', () => {
    // N >= 4096 so that the diagram is split into several chunks.
    const n = 6000;
    const s = uniform(106, 2 * n), b = new Float64Array(n).fill(1 / n);
    const one = withThreads(1, () => nativeBackend.sdot.newton(s, n, b, null, SQ, 4, null, 0, 0, null, opts));
    const two = withThreads(2, () => nativeBackend.sdot.newton(s, n, b, null, SQ, 4, null, 0, 0, null, opts));
    expect(one.iterations).toBe(two.iterations);
    expect(Array.from(one.weights)).toEqual(Array.from(two.weights));
    expect(Array.from(one.diagram.vertices)).toEqual(Array.from(two.diagram.vertices));
    expect(Array.from(one.diagram.edgeI)).toEqual(Array.from(two.diagram.edgeI));
    expect(one.cost).toBe(two.cost);
  });
});
