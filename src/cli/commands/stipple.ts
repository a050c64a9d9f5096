/**
 * `advect stipple`: blue-noise stippling of an image (.npy, rows × cols, row 0 at the top) by
 * capacity-constrained Lloyd iterations: N points whose Laguerre cells carry equal mass of the
 * image density. Writes an N×2 .npy of points in [0, cols/s] × [0, rows/s], s = max(rows, cols).
 * With --json the last line is { points, iterations, maxRelMassError, cost, backend, seconds }.
 */
import { engine } from '../../engine.js';
import { writeNpy } from '../../io/npy.js';
import { stippleAsync } from '../../semidiscrete/lloyd.js';
import { loadMatrix, num, parseFlags, printJson, progressBar, requireStr, UsageError } from '../args.js';
import type { Command } from './index.js';

export const stipple: Command = {
  summary: 'blue-noise stippling of an .npy image (capacity-constrained Lloyd with semi-discrete OT)',
  usage: 'advect stipple --image IMG.npy --points N --out points.npy [--iterations 20] [--tol 1e-4] [--seed 1] [--json]',
  async run(argv) {
    const flags = parseFlags(argv, {
      image: { type: 'string' }, points: { type: 'string' }, out: { type: 'string' }, iterations: { type: 'string' },
      tol: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' },
    });
    const image = loadMatrix(requireStr(flags, 'image'), 'image');
    const n = num(flags, 'points') as number | undefined;
    if (n === undefined) throw new UsageError('--points is required');
    const out = requireStr(flags, 'out');
    const iterations = num(flags, 'iterations', 20) as number;
    const bar = progressBar('stipple');
    const t0 = performance.now();
    const r = await stippleAsync(image, n, {
      iterations, tol: num(flags, 'tol', 1e-4), seed: num(flags, 'seed', 1),
      onProgress: (p) => bar.update(p.iteration / Math.max(1, iterations), `move ${p.iteration}  max shift ${p.movement.toExponential(2)}`),
    });
    const seconds = (performance.now() - t0) / 1000;
    bar.done();
    writeNpy(out, Float64Array.from(r.sites.data), [n, 2]);
    const res = {
      points: n, iterations: r.iterations, maxRelMassError: r.transport.maxRelMassError, cost: r.transport.cost,
      backend: engine.backend, seconds,
    };
    if (flags.json) printJson(res);
    else console.log(`${n} points -> ${out}  (${r.iterations} Lloyd moves, ${seconds.toFixed(3)} s, ${engine.backend})`);
    return 0;
  },
};
