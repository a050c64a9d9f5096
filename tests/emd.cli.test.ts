/**
 * `advect emd`, `advect w1d`, `advect bures`: the --json contracts (keys, last line), --plan output,
 * agreement with the library calls, and usage errors. Runs the CLI entry in-process.
 */
import { describe, expect, it } from 'vitest';
import { lastJson, runCli, tempFiles } from './helpers/cli.js';
import { readNpy, writeNpy } from '../src/io/npy.js';
import { buresWasserstein, dist, emd, gaussianMap, wasserstein1d } from '../src/index.js';
import { loadFixture } from './helpers/fixtures.js';
import { uniform } from './helpers/random.js';

const p = tempFiles('advect-emd-cli-');

const run = runCli;

describe('advect emd', () => {
  const n = 25, m = 18;
  const x = { data: uniform(1, n * 2), rows: n, cols: 2 }, y = { data: uniform(2, m * 2), rows: m, cols: 2 };
  const a = uniform(3, n, 0.1, 1), b = uniform(4, m, 0.1, 1);
  const sa = a.reduce((s, v) => s + v, 0), sb = b.reduce((s, v) => s + v, 0);
  a.forEach((v, i) => (a[i] = v / sa));
  b.forEach((v, j) => (b[j] = v / sb));
  const C = dist(x, y);
  writeNpy(p('a.npy'), a, [n]);
  writeNpy(p('b.npy'), b, [m]);
  writeNpy(p('M.npy'), C.data, [n, m]);

  it('--json: cost, status, iterations, seconds on the last line; --plan writes the dense plan', async () => {
    const r = await run(['emd', '--a', p('a.npy'), '--b', p('b.npy'), '--cost', p('M.npy'), '--plan', p('P.npy'), '--json']);
    expect(r.code).toBe(0);
    const j = lastJson(r.out);
    expect(Object.keys(j).sort()).toEqual(['backend', 'cost', 'iterations', 'nnz', 'seconds', 'simd', 'status']);
    const lib = emd(a, b, C, { dense: true });
    expect(j.cost).toBe(lib.cost);
    expect(j.status).toBe('optimal');
    expect(j.iterations).toBe(lib.iterations);
    expect(j.seconds).toBeGreaterThanOrEqual(0);
    const P = readNpy(p('P.npy'));
    expect(P.shape).toEqual([n, m]);
    expect(Array.from(P.data)).toEqual(Array.from(lib.planDense!.data));
  });

  it('uniform weights by default; a max-iteration stop is a status, exit 0', async () => {
    const r = await run(['emd', '--cost', p('M.npy'), '--max-iter', '3', '--json']);
    expect(r.code).toBe(0);
    expect(lastJson(r.out).status).toBe('max-iterations');
    expect(lastJson(r.out).iterations).toBe(3);
  });

  it('usage errors', async () => {
    const r = await run(['emd', '--a', p('a.npy')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch('--cost is required');
    const r2 = await run(['emd', '--cost', p('a.npy')]);
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch('--cost expects a 2-D array');
  });
});

describe('advect w1d', () => {
  it('--json value = W_p^p as the library (POT fixture w02)', async () => {
    const f = loadFixture('w1d', 'w02_7x13_weighted');
    for (const k of ['u_values', 'v_values', 'u_weights', 'v_weights']) writeNpy(p(`${k}.npy`), f.array(k).data, f.array(k).shape);
    const r = await run(['w1d', '--x', p('u_values.npy'), '--y', p('v_values.npy'), '--a', p('u_weights.npy'), '--b', p('v_weights.npy'), '--p', '2', '--json']);
    expect(r.code).toBe(0);
    const j = lastJson(r.out);
    expect(j.value).toBe(wasserstein1d(f.array('u_values').data, f.array('v_values').data, f.array('u_weights').data, f.array('v_weights').data, 2));
    expect(Math.abs(j.value - f.meta.wasserstein_1d['2.0'])).toBeLessThan(1e-12);
    const r1 = await run(['w1d', '--x', p('u_values.npy'), '--y', p('v_values.npy'), '--json']);
    expect(lastJson(r1.out).value).toBe(wasserstein1d(f.array('u_values').data, f.array('v_values').data));
  });
});

describe('advect bures', () => {
  it('--json w2sq and A (row-major) match the library and POT (g02)', async () => {
    const f = loadFixture('gaussian', 'g02_d5');
    writeNpy(p('m0.npy'), f.array('ms').data, [5]);
    writeNpy(p('m1.npy'), f.array('mt').data, [5]);
    writeNpy(p('S0.npy'), f.array('Cs').data, [5, 5]);
    writeNpy(p('S1.npy'), f.array('Ct').data, [5, 5]);
    const r = await run(['bures', '--m0', p('m0.npy'), '--S0', p('S0.npy'), '--m1', p('m1.npy'), '--S1', p('S1.npy'), '--json']);
    expect(r.code).toBe(0);
    const j = lastJson(r.out);
    const S0 = { data: f.array('Cs').data, rows: 5, cols: 5 }, S1 = { data: f.array('Ct').data, rows: 5, cols: 5 };
    expect(j.w2sq).toBe(buresWasserstein(f.array('ms').data, S0, f.array('mt').data, S1).w2sq);
    expect(Math.abs(Math.sqrt(j.w2sq) - f.meta.bures_wasserstein_distance)).toBeLessThan(1e-9);
    expect(j.A).toEqual(Array.from(gaussianMap(f.array('ms').data, S0, f.array('mt').data, S1).A.data));
    expect(j.A.length).toBe(25);
    const bad = await run(['bures', '--m0', p('m0.npy')]);
    expect(bad.code).toBe(2);
  });
});
