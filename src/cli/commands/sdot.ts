/**
 * `advect sdot`: semi-discrete OT from a uniform or image density on a rectangle to .npy sites
 * (damped Newton). With --json the last line is one JSON object:
 *   { n, iterations, maxRelMassError, converged, cost, backend, seconds }
 * seconds = solver time only. --weights-out writes w (Lag_i = {|x−y_i|² − w_i minimal}, mean
 * zero, float64); --cells-out writes the cells as JSON.
 */
import { writeFileSync } from 'node:fs';
import { engine } from '../../engine.js';
import { writeNpy } from '../../io/npy.js';
import { cellNeighbors, cellPolygon, semiDiscreteOTAsync } from '../../semidiscrete/sdot.js';
import { loadMatrix, loadVector, num, parseFlags, printJson, progressBar, requireStr, str, UsageError } from '../args.js';
import type { Command } from './index.js';

export function parseRect(v: string | undefined): [number, number, number, number] {
  if (v === undefined) return [0, 0, 1, 1];
  const p = v.split(',').map((t) => Number(t.trim()));
  if (p.length !== 4 || !p.every(Number.isFinite) || !(p[2] > p[0]) || !(p[3] > p[1])) {
    throw new UsageError(`--domain expects x0,y0,x1,y1 with x1 > x0 and y1 > y0, got ${JSON.stringify(v)}`);
  }
  return p as [number, number, number, number];
}

export const sdot: Command = {
  summary: 'semi-discrete OT (Laguerre cells, damped Newton) from a uniform or image density to .npy sites',
  usage:
    'advect sdot --sites Y.npy [--masses B.npy] [--density IMG.npy] [--domain x0,y0,x1,y1] [--tol 1e-9] [--max-iter 50] ' +
    '[--weights-out W.npy] [--cells-out cells.json] [--json]',
  async run(argv) {
    const flags = parseFlags(argv, {
      sites: { type: 'string' }, masses: { type: 'string' }, density: { type: 'string' }, domain: { type: 'string' },
      tol: { type: 'string' }, 'max-iter': { type: 'string' }, 'weights-out': { type: 'string' }, 'cells-out': { type: 'string' },
      json: { type: 'boolean' },
    });
    const Y = loadMatrix(requireStr(flags, 'sites'), 'sites', { cols: 2 });
    const domain = parseRect(str(flags, 'domain'));
    const masses = loadVector(str(flags, 'masses'), 'masses') ?? undefined;
    const dp = str(flags, 'density');
    const density = dp === undefined ? undefined : { image: loadMatrix(dp, 'density'), bounds: domain };
    const tol = num(flags, 'tol', 1e-9) as number;
    const maxIter = num(flags, 'max-iter', 50) as number;
    const bar = progressBar('sdot');
    const t0 = performance.now();
    const r = await semiDiscreteOTAsync(Y, {
      masses, domain, density, tol, maxIter,
      onProgress: (p) => bar.update(Math.min(1, Math.log10(Math.max(p.maxRelMassError, tol) / 10) / Math.log10(tol / 10) || 0),
        `step ${p.iteration}  err ${p.maxRelMassError.toExponential(2)}`),
    });
    const seconds = (performance.now() - t0) / 1000;
    bar.done();
    const wo = str(flags, 'weights-out');
    if (wo !== undefined) writeNpy(wo, Float64Array.from(r.weights), [Y.rows]);
    const co = str(flags, 'cells-out');
    if (co !== undefined) {
      const cells = Array.from({ length: Y.rows }, (_, i) => {
        const poly = cellPolygon(r.cells, i);
        return {
          site: i, mass: r.masses[i], area: r.areas[i], weight: r.weights[i],
          centroid: [r.centroids.data[2 * i], r.centroids.data[2 * i + 1]],
          polygon: Array.from({ length: poly.length / 2 }, (_, k) => [poly[2 * k], poly[2 * k + 1]]),
          neighbors: cellNeighbors(r.cells, i),
        };
      });
      writeFileSync(co, JSON.stringify({ n: Y.rows, domain, cost: r.cost, cells }));
    }
    const out = {
      n: Y.rows, iterations: r.iterations, maxRelMassError: r.maxRelMassError, converged: r.converged, cost: r.cost,
      backend: engine.backend, seconds,
    };
    if (flags.json) printJson(out);
    else {
      console.log(`n ${Y.rows}  iterations ${r.iterations}  max rel. mass error ${r.maxRelMassError.toExponential(2)}  converged ${r.converged}${r.reason ? ` (${r.reason})` : ''}`);
      console.log(`cost ${r.cost}  ${engine.backend}  ${seconds.toFixed(3)} s`);
    }
    return 0;
  },
};
