/**
 * `advect emd`: exact OT (network simplex) on .npy inputs.
 * With --json the last line is one JSON object:
 *   { cost, status, iterations, nnz, backend, simd, seconds }
 * seconds = solver time only. --plan writes the dense n×m plan (.npy, dtype of the cost).
 */
import { engine } from '../../engine.js';
import { writeNpy } from '../../io/npy.js';
import { emdAsync, sparseToDense } from '../../ot/emd.js';
import type { FloatArray } from '../../types.js';
import { loadMatrix, loadVector, num, parseFlags, printJson, progressBar, requireStr, str } from '../args.js';
import type { Command } from './index.js';

export const emd: Command = {
  summary: 'exact OT (network simplex, POT ot.emd conventions) on .npy inputs',
  usage: 'advect emd --cost M.npy [--a A.npy] [--b B.npy] [--max-iter 100000] [--plan P.npy] [--json]',
  async run(argv) {
    const flags = parseFlags(argv, {
      a: { type: 'string' }, b: { type: 'string' }, cost: { type: 'string' }, 'max-iter': { type: 'string' },
      plan: { type: 'string' }, json: { type: 'boolean' },
    });
    const C = loadMatrix(requireStr(flags, 'cost'), 'cost');
    // .npy weights follow the cost's dtype when they differ (a float64 a with a float32 M is common).
    const cast = (v: FloatArray | null) => (v && C.data instanceof Float32Array && !(v instanceof Float32Array) ? Float32Array.from(v) : v);
    const a = cast(loadVector(str(flags, 'a'), 'a')), b = cast(loadVector(str(flags, 'b'), 'b'));
    const maxIter = num(flags, 'max-iter', 100000) as number;
    const planPath = str(flags, 'plan');
    const bar = progressBar('emd');
    const t0 = performance.now();
    const r = await emdAsync(a, b, C, {
      maxIter,
      onProgress: (p) => bar.update(p.maxIter > 0 ? p.iterations / p.maxIter : 0, `pivot ${p.iterations}`),
    });
    const seconds = (performance.now() - t0) / 1000;
    bar.done();
    if (planPath !== undefined) writeNpy(planPath, sparseToDense(r.plan), [r.plan.n, r.plan.m]);
    const out = { cost: r.cost, status: r.status, iterations: r.iterations, nnz: r.plan.values.length, backend: engine.backend, simd: engine.simd, seconds };
    if (flags.json) printJson(out);
    else {
      console.log(`cost ${r.cost}  status ${r.status}  iterations ${r.iterations}  nnz ${r.plan.values.length}`);
      if (r.warning) console.log(`warning: ${r.warning}`);
      console.log(`${engine.backend} (${engine.simd})  ${seconds.toFixed(3)} s${planPath ? `  plan -> ${planPath}` : ''}`);
    }
    return 0;
  },
};
