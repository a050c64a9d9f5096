/**
 * `advect w1d`: 1-D Wasserstein between two samples (.npy vectors), POT's wasserstein_1d.
 * With --json the last line is { value, p, seconds }; value = W_p^p (not W_p), as POT.
 */
import { wasserstein1d } from '../../ot/wasserstein1d.js';
import type { FloatArray } from '../../types.js';
import { loadVector, num, parseFlags, printJson, requireStr, str } from '../args.js';
import type { Command } from './index.js';

export const w1d: Command = {
  summary: '1-D Wasserstein W_p^p between samples (POT ot.wasserstein_1d)',
  usage: 'advect w1d --x X.npy --y Y.npy [--a A.npy --b B.npy] [--p 1] [--json]',
  run(argv) {
    const flags = parseFlags(argv, {
      x: { type: 'string' }, y: { type: 'string' }, a: { type: 'string' }, b: { type: 'string' }, p: { type: 'string' },
      json: { type: 'boolean' },
    });
    const x = loadVector(requireStr(flags, 'x'), 'x', { allowColumn: true }) as FloatArray;
    const y = loadVector(requireStr(flags, 'y'), 'y', { allowColumn: true }) as FloatArray;
    const a = loadVector(str(flags, 'a'), 'a', { allowColumn: true }), b = loadVector(str(flags, 'b'), 'b', { allowColumn: true });
    const p = num(flags, 'p', 1) as number;
    const t0 = performance.now();
    const value = wasserstein1d(x, y, a, b, p);
    const seconds = (performance.now() - t0) / 1000;
    if (flags.json) printJson({ value, p, seconds });
    else console.log(`W_${p}^${p} = ${value}  (${seconds.toFixed(4)} s)`);
    return 0;
  },
};
