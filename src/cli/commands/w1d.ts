/**
 * `advect w1d`: 1-D Wasserstein between two samples (.npy vectors), POT's wasserstein_1d.
 * With --json the last line is { value, p, seconds }; value = W_p^p (not W_p), as POT.
 */
import { wasserstein1d } from '../../ot/wasserstein1d.js';
import type { FloatArray } from '../../types.js';
import { loadNpy, num, parseFlags, printJson, requireStr, str, UsageError } from '../args.js';
import type { Command } from './index.js';

function vector(path: string | undefined, flag: string): FloatArray | null {
  if (path === undefined) return null;
  const { data, shape } = loadNpy(path);
  if (shape.length !== 1 && !(shape.length === 2 && shape[1] === 1)) throw new UsageError(`--${flag} expects a 1-D array, got shape [${shape.join(', ')}]`);
  return data;
}

export const w1d: Command = {
  summary: '1-D Wasserstein W_p^p between samples (POT ot.wasserstein_1d)',
  usage: 'advect w1d --x X.npy --y Y.npy [--a A.npy --b B.npy] [--p 1] [--json]',
  run(argv) {
    const flags = parseFlags(argv, {
      x: { type: 'string' }, y: { type: 'string' }, a: { type: 'string' }, b: { type: 'string' }, p: { type: 'string' },
      json: { type: 'boolean' },
    });
    const x = vector(requireStr(flags, 'x'), 'x') as FloatArray, y = vector(requireStr(flags, 'y'), 'y') as FloatArray;
    const a = vector(str(flags, 'a'), 'a'), b = vector(str(flags, 'b'), 'b');
    const p = num(flags, 'p', 1) as number;
    const t0 = performance.now();
    const value = wasserstein1d(x, y, a, b, p);
    const seconds = (performance.now() - t0) / 1000;
    if (flags.json) printJson({ value, p, seconds });
    else console.log(`W_${p}^${p} = ${value}  (${seconds.toFixed(4)} s)`);
    return 0;
  },
};
