/**
 * `advect bures`: Bures–Wasserstein distance and OT map between two Gaussians N(m0, S0), N(m1, S1).
 * With --json the last line is { w2sq, w2, bures2, A, b, seconds }: w2sq = W2², A the linear part of
 * the map T(x) = A x + b (row-major list of d·d numbers), b its offset.
 */
import { buresWasserstein, gaussianMap } from '../../ot/gaussian.js';
import type { FloatArray } from '../../types.js';
import { loadMatrix, loadVector, parseFlags, printJson, requireStr } from '../args.js';
import type { Command } from './index.js';

export const bures: Command = {
  summary: 'Gaussian OT: Bures–Wasserstein W2² and the Monge map between N(m0,S0) and N(m1,S1)',
  usage: 'advect bures --m0 m0.npy --S0 S0.npy --m1 m1.npy --S1 S1.npy [--json]',
  run(argv) {
    const flags = parseFlags(argv, {
      m0: { type: 'string' }, S0: { type: 'string' }, m1: { type: 'string' }, S1: { type: 'string' }, json: { type: 'boolean' },
    });
    const m0 = loadVector(requireStr(flags, 'm0'), 'm0', { dtype: 'float64' }) as FloatArray;
    const m1 = loadVector(requireStr(flags, 'm1'), 'm1', { dtype: 'float64' }) as FloatArray;
    const S0 = loadMatrix(requireStr(flags, 'S0'), 'S0', { dtype: 'float64' }), S1 = loadMatrix(requireStr(flags, 'S1'), 'S1', { dtype: 'float64' });
    const t0 = performance.now();
    const r = buresWasserstein(m0, S0, m1, S1);
    const T = gaussianMap(m0, S0, m1, S1);
    const seconds = (performance.now() - t0) / 1000;
    if (flags.json) printJson({ w2sq: r.w2sq, w2: r.w2, bures2: r.bures2, A: Array.from(T.A.data), b: Array.from(T.b), seconds });
    else {
      console.log(`W2^2 = ${r.w2sq}  (W2 = ${r.w2}, B^2 = ${r.bures2}, |dm|^2 = ${r.meanTerm})`);
      console.log(`A = ${JSON.stringify(Array.from(T.A.data))}`);
      console.log(`b = ${JSON.stringify(Array.from(T.b))}`);
    }
    return 0;
  },
};
