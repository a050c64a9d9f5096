/**
 * `advect sdot` and `advect stipple`: the --json contract (last line, keys), --weights-out in the
 * Laguerre convention (mean zero, reproduces the masses), --cells-out, defaults (uniform masses,
 * unit square), image densities on a --domain rectangle, and usage errors. In-process CLI.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lastJson, runCli, tempFiles } from './helpers/cli.js';
import { readNpy, writeNpy } from '../src/io/npy.js';
import { powerDiagram } from '../src/index.js';
import { uniform } from './helpers/random.js';

const p = tempFiles('advect-sdot-cli-');

const run = runCli;

describe('advect sdot', () => {
  const n = 50;
  const Y = uniform(1, 2 * n);
  writeNpy(p('Y.npy'), Y, [n, 2]);

  it('--json: last line holds iterations, maxRelMassError, converged, cost, seconds; --weights-out reproduces the masses', async () => {
    const r = await run(['sdot', '--sites', p('Y.npy'), '--weights-out', p('W.npy'), '--cells-out', p('cells.json'), '--json']);
    expect(r.code).toBe(0);
    const j = lastJson(r.out);
    for (const k of ['iterations', 'maxRelMassError', 'converged', 'cost', 'seconds']) expect(j).toHaveProperty(k);
    expect(j.converged).toBe(true);
    expect(j.maxRelMassError).toBeLessThanOrEqual(1e-9);
    expect(j.seconds).toBeGreaterThanOrEqual(0);
    const W = readNpy(p('W.npy'));
    expect(W.shape).toEqual([n]);
    expect(Math.abs(Array.from(W.data).reduce((s, v) => s + v, 0))).toBeLessThan(1e-12);
    const d = powerDiagram({ data: Y, rows: n, cols: 2 }, W.data);
    for (let i = 0; i < n; i++) expect(Math.abs(d.masses[i] * n - 1)).toBeLessThanOrEqual(1e-9);
    expect(d.cost).toBeCloseTo(j.cost, 14);
    const cells = JSON.parse(readFileSync(p('cells.json'), 'utf8'));
    expect(cells.n).toBe(n);
    expect(cells.cells[0].polygon.length).toBeGreaterThanOrEqual(3);
    expect(cells.cells[0].neighbors[0]).toHaveProperty('length');
  });

  it('--masses, --density on a --domain rectangle, --tol', async () => {
    const b = uniform(2, n, 0.5, 1.5);
    const s = b.reduce((t, v) => t + v, 0);
    writeNpy(p('B.npy'), b.map((v) => v / s), [n]);
    const img = new Float64Array(6 * 4).map((_, k) => (k % 4 === 0 ? 0 : 1 + (k % 3)));
    writeNpy(p('I.npy'), img, [6, 4]);
    writeNpy(p('Y2.npy'), Y.map((v, k) => (k % 2 === 0 ? 2 * v : v)), [n, 2]);
    const r = await run(['sdot', '--sites', p('Y2.npy'), '--masses', p('B.npy'), '--density', p('I.npy'), '--domain', '0,0,2,1', '--tol', '1e-7', '--json']);
    const j = lastJson(r.out);
    expect(j.converged).toBe(true);
    expect(j.maxRelMassError).toBeLessThanOrEqual(1e-7);
  });

  it('usage errors', async () => {
    const a = await run(['sdot', '--json']);
    expect(a.code).toBe(2);
    expect(a.err).toContain('--sites is required');
    const b = await run(['sdot', '--sites', p('Y.npy'), '--domain', '0,0,1']);
    expect(b.code).toBe(2);
    expect(b.err).toContain('--domain expects x0,y0,x1,y1');
  });
});

describe('advect stipple', () => {
  it('writes N points in the image rectangle, avoiding zero pixels', async () => {
    const H = 16, W = 24;
    const img = new Float64Array(H * W).map((_, k) => (k % W < 6 ? 0 : 1));
    writeNpy(p('img.npy'), img, [H, W]);
    const r = await run(['stipple', '--image', p('img.npy'), '--points', '60', '--out', p('pts.npy'), '--iterations', '5', '--json']);
    expect(r.code).toBe(0);
    const j = lastJson(r.out);
    expect(j.points).toBe(60);
    expect(j.iterations).toBe(5);
    const pts = readNpy(p('pts.npy'));
    expect(pts.shape).toEqual([60, 2]);
    for (let i = 0; i < 60; i++) {
      expect(pts.data[2 * i]).toBeGreaterThan(6 / 24);
      expect(pts.data[2 * i]).toBeLessThan(1);
      expect(pts.data[2 * i + 1]).toBeGreaterThan(0);
      expect(pts.data[2 * i + 1]).toBeLessThan(16 / 24);
    }
    const bad = await run(['stipple', '--image', p('img.npy'), '--out', p('x.npy')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--points is required');
  });
});
