/**
 * sdot errors and async: exact messages for bad input (both backends: validation is in TS),
 * ADVECT_* codes, async progress per Newton step, abort, Lloyd/stipple.
 */
import { describe, expect, it } from 'vitest';
import { backend } from '../src/backend/index.js';
import { AdvectError } from '../src/errors.js';
import {
  lloyd, lloydAsync, powerDiagram, semiDiscreteOT, semiDiscreteOTAsync, stipple, stippleAsync,
} from '../src/semidiscrete/index.js';
import { uniform } from './helpers/random.js';

const js = backend().name === 'js';
const S = [[0.2, 0.2], [0.8, 0.3], [0.5, 0.9]];
const msg = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
  return 'no error';
};

describe('sdot: bad input', () => {
  it('NaN sites, negative masses, masses not summing to 1, a non-convex domain', () => {
    expect(msg(() => semiDiscreteOT([[0.1, NaN], [0.5, 0.5]]))).toBe('RangeError: Expected finite values for sites but received "NaN at index 1"');
    expect(msg(() => semiDiscreteOT(S, { masses: [0.5, -0.1, 0.6] }))).toBe('RangeError: Expected positive masses for masses but received "-0.1 at index 1"');
    expect(msg(() => semiDiscreteOT(S, { masses: [0.3, 0.3, 0.3] }))).toBe(
      'RangeError: Expected masses summing to the domain mass 1 (the density is a probability measure) for masses but received "a total of 0.8999999999999999"');
    expect(msg(() => semiDiscreteOT(S, { masses: [0.5, 0, 0.5] }))).toBe('RangeError: Expected positive masses for masses but received "0 at index 1"');
    const arrow = [[0, 0], [1, 0], [0.5, 0.2], [1, 1], [0, 1]];
    expect(msg(() => semiDiscreteOT(S, { domain: arrow }))).toBe('RangeError: Expected a convex polygon for domain but received a polygon with 5 vertices');
    expect(msg(() => powerDiagram(S, undefined, { domain: [[0, 0], [1, 1], [2, 2]] }))).toBe(
      'RangeError: Expected a polygon with positive area for domain but received a polygon with 3 vertices');
    expect(msg(() => semiDiscreteOT(S, { domain: [0, 0, -1, 1] }))).toBe(
      'RangeError: Expected a rectangle [x0, y0, x1, y1] with x1 > x0 and y1 > y0 for domain but received "[0, 0, -1, 1]"');
  });

  it('shapes, options and densities', () => {
    expect(msg(() => semiDiscreteOT([[0, 0, 0]]))).toBe('RangeError: Expected 2 columns (points in 2-D) for sites but received "3 columns"');
    expect(msg(() => semiDiscreteOT(S, { masses: [0.5, 0.5] }))).toBe('RangeError: Expected length 3 for masses but received Float64Array(2)');
    expect(msg(() => semiDiscreteOT(S, { tol: 0 }))).toBe('RangeError: Expected a positive finite number for tol but received 0');
    expect(msg(() => powerDiagram(S, [0, 0]))).toBe('RangeError: Expected length 3 for weights but received Float64Array(2)');
    expect(msg(() => powerDiagram(S, [0, Infinity, 0]))).toBe('RangeError: Expected finite values for weights but received "Infinity at index 1"');
    expect(msg(() => semiDiscreteOT(S, { density: { image: [[0, 0], [0, 0]] } }))).toBe(
      'RangeError: Expected an image with positive mass inside the domain for density.image but received "a mass of 0"');
    expect(msg(() => semiDiscreteOT(S, { density: { image: [[1, -1]] } }))).toBe('RangeError: Expected non-negative pixel values for density.image but received "-1 at index 1"');
    expect(msg(() => semiDiscreteOT(S, { density: 'gaussian' as never }))).toBe(`TypeError: Expected 'uniform' or { image, bounds? } for density but received "gaussian"`);
    // An image whose only mass lies outside the domain.
    expect(msg(() => semiDiscreteOT(S, { density: { image: [[1]], bounds: [2, 2, 3, 3] } }))).toBe(
      'RangeError: Expected an image with positive mass inside the domain for density.image but received "a mass of 0"');
  });

  it('the size guard refuses a diagram over the memory budget (ADVECT_TOO_LARGE)', async () => {
    const { engine } = await import('../src/engine.js');
    const before = engine.memoryBudget;
    engine.setMemoryBudget(100_000);
    try {
      expect(() => powerDiagram({ data: uniform(9, 2000), rows: 1000, cols: 2 })).toThrow(AdvectError);
      expect(msg(() => semiDiscreteOT({ data: uniform(9, 2000), rows: 1000, cols: 2 }))).toMatch(/^AdvectError: A power diagram of 1000 sites needs 312\.5 KiB, over the memory budget/);
    } finally {
      engine.setMemoryBudget(before);
    }
  });

  it('a run that cannot finish returns converged: false with a reason', () => {
    const r = semiDiscreteOT({ data: uniform(3, 60), rows: 30, cols: 2 }, { maxIter: 1, tol: 1e-12 });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(1);
    expect(r.reason).toBe('maximum number of Newton iterations reached');
  });
});

describe('sdot: async', () => {
  const n = js ? 80 : 500;
  const sites = { data: uniform(4, 2 * n), rows: n, cols: 2 };

  it('reports progress once per Newton step and resolves like the sync form', async () => {
    const seen: Array<{ iteration: number; maxRelMassError: number }> = [];
    const r = await semiDiscreteOTAsync(sites, { tol: 1e-9, onProgress: (p) => seen.push(p) });
    const s = semiDiscreteOT(sites, { tol: 1e-9 });
    expect(r.converged).toBe(true);
    expect(seen.map((p) => p.iteration)).toEqual(Array.from({ length: r.iterations }, (_, k) => k + 1));
    expect(seen.map((p) => p.maxRelMassError)).toEqual(r.history.slice(1));
    expect(Array.from(r.weights)).toEqual(Array.from(s.weights));
  });

  it('abort rejects with the signal reason; an aborted signal rejects at once', async () => {
    const ctl = new AbortController();
    const reason = new Error('enough');
    const p = semiDiscreteOTAsync(sites, { tol: 1e-12, signal: ctl.signal, onProgress: () => ctl.abort(reason) });
    await expect(p).rejects.toBe(reason);
    const pre = new AbortController();
    pre.abort(reason);
    await expect(semiDiscreteOTAsync(sites, { signal: pre.signal })).rejects.toBe(reason);
  });

  it('duplicate sites reject with ADVECT_INFEASIBLE', async () => {
    await expect(semiDiscreteOTAsync([[0.5, 0.5], [0.5, 0.5]])).rejects.toBeInstanceOf(AdvectError);
    await expect(semiDiscreteOTAsync([[0.5, 0.5], [0.5, 0.5]])).rejects.toMatchObject({ code: 'ADVECT_INFEASIBLE' });
  });
});

describe('Lloyd and stippling', () => {
  it('Lloyd moves sites to centroids, keeping every cell at its mass', async () => {
    const n = js ? 30 : 100;
    const sites = { data: uniform(5, 2 * n), rows: n, cols: 2 };
    const r = lloyd(sites, { iterations: 8, tol: 1e-9 });
    expect(r.iterations).toBe(8);
    expect(r.transport.converged).toBe(true);
    // Movements shrink (capacity-constrained Lloyd decreases the transport cost).
    expect(r.movement[r.movement.length - 1]).toBeLessThan(r.movement[0]);
    const start = semiDiscreteOT(sites, { tol: 1e-9 });
    expect(r.transport.cost).toBeLessThan(start.cost);
    for (let i = 0; i < n; i++) expect(Math.abs(r.transport.masses[i] * n - 1)).toBeLessThanOrEqual(1e-9);
    const steps: number[] = [];
    const a = await lloydAsync(sites, { iterations: 3, onProgress: (p) => steps.push(p.iteration) });
    expect(steps).toEqual([1, 2, 3]);
    expect(a.iterations).toBe(3);
  });

  it('stipple concentrates points where the image is dark and leaves zero regions empty', async () => {
    const H = 24, W = 24;
    const img = new Float64Array(H * W);
    for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) img[r * W + c] = c < 8 ? 0 : (r + 1) / H;
    const image = { data: img, rows: H, cols: W };
    const n = js ? 40 : 150;
    const res = stipple(image, n, { iterations: js ? 4 : 10 });
    expect(res.sites.rows).toBe(n);
    let left = 0, top = 0, bottom = 0;
    for (let i = 0; i < n; i++) {
      const x = res.sites.data[2 * i], y = res.sites.data[2 * i + 1];
      if (x < 8 / 24) left++;
      if (y > 0.5) top++;
      else bottom++;
    }
    expect(left).toBe(0);
    // Density grows downwards (row index): rows near the top are light.
    expect(bottom).toBeGreaterThan(top);
    const aborted = new AbortController();
    const reason = new Error('stop');
    await expect(stippleAsync(image, n, { iterations: 50, signal: aborted.signal, onProgress: () => aborted.abort(reason) })).rejects.toBe(reason);
  });
});

describe('sdot: raw native entry points never crash', () => {
  it('random malformed arguments give typed errors or results (1500 calls)', async () => {
    const { nativeBackend } = await import('./helpers/native.js');
    const { mulberry32 } = await import('../src/util/random.js');
    const rng = mulberry32(99);
    const pick = <T>(a: T[]) => a[Math.floor(rng() * a.length)];
    const arrays = () => pick<unknown>([
      new Float64Array(0), new Float64Array(8).map(() => rng()), new Float64Array(6).fill(NaN), new Float32Array(8),
      new Int32Array(4), Float64Array.of(0, 0, 1, 0, 1, 1, 0, 1), Float64Array.of(0, 0, 1, 1, 2, 2), null, undefined, 'x', {}, [1, 2],
    ]);
    const nums = () => pick<unknown>([0, 1, 2, 3, 4, -1, NaN, Infinity, 2 ** 40, 0.5, 1e9, undefined, 'a']);
    const optsV = () => pick<unknown>([{}, { tol: -1 }, { maxIter: 1.5 }, { iterations: 3, batch: 2 }, { eps: NaN }, null, 5, { seed: -2 }]);
    const sd = nativeBackend.sdot as unknown as Record<string, (...a: unknown[]) => unknown>;
    const shapes: Record<string, Array<() => unknown>> = {
      diagram: [arrays, nums, arrays, arrays, nums, arrays, nums, nums, arrays, () => pick([true, false, 1])],
      newton: [arrays, nums, arrays, arrays, arrays, nums, arrays, nums, nums, arrays, optsV],
      sgd: [arrays, nums, nums, arrays, nums, arrays, arrays, arrays, nums, optsV],
      lloyd: [arrays, nums, arrays, arrays, nums, arrays, nums, nums, arrays, optsV],
    };
    let threw = 0;
    for (let k = 0; k < 1500; k++) {
      const name = pick(Object.keys(shapes));
      const args = shapes[name].map((g) => g());
      try {
        sd[name](...args);
      } catch (e) {
        threw++;
        expect(e instanceof TypeError || e instanceof RangeError || (e as { code?: string }).code?.startsWith('ADVECT_')).toBe(true);
      }
    }
    expect(threw).toBeGreaterThan(1000);
  });
});
