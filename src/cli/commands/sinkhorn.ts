/**
 * `advect sinkhorn`: entropic OT on .npy inputs (a cost matrix, or point clouds).
 * With --json the last line is one JSON object:
 *   { cost, value, iterations, marginalError, converged, method, backend, simd, seconds }
 * where seconds is the solver time only (no start-up, no file I/O). A progress bar goes to
 * stderr when it is a terminal.
 */
import { engine } from '../../engine.js';
import { writeNpy } from '../../io/npy.js';
import { sinkhornAsync, sinkhornPointsAsync, type SinkhornMethod, type SinkhornResult } from '../../ot/sinkhorn.js';
import { METRIC_CODES, type MetricName } from '../../backend/types.js';
import { SINKHORN_METHOD_NAMES } from '../../backend/sinkhorn.js';
import type { DType } from '../../types.js';
import { loadMatrix, loadVector, num, parseFlags, printJson, progressBar, str, UsageError } from '../args.js';
import type { Command } from './index.js';

const METHODS: readonly string[] = SINKHORN_METHOD_NAMES;
const METRICS = Object.keys(METRIC_CODES);

export const sinkhorn: Command = {
  summary: 'entropic OT (Sinkhorn, POT-compatible) on .npy inputs',
  usage:
    'advect sinkhorn (--a A.npy --b B.npy --cost M.npy | --x X.npy --y Y.npy [--a A.npy] [--b B.npy] [--metric sqeuclidean]) ' +
    '--reg R [--method auto|scaling|stabilized|log|online] [--tol 1e-9] [--max-iter 1000] ' +
    '[--dtype float32|float64] [--plan P.npy] [--json]',
  async run(argv) {
    const flags = parseFlags(argv, {
      a: { type: 'string' }, b: { type: 'string' }, cost: { type: 'string' }, x: { type: 'string' }, y: { type: 'string' },
      metric: { type: 'string' }, p: { type: 'string' }, reg: { type: 'string' }, method: { type: 'string' },
      tol: { type: 'string' }, 'max-iter': { type: 'string' }, dtype: { type: 'string' }, plan: { type: 'string' },
      json: { type: 'boolean' },
    });
    const reg = num(flags, 'reg');
    if (reg === undefined) throw new UsageError('--reg is required');
    const method = str(flags, 'method') ?? 'auto';
    if (!METHODS.includes(method)) throw new UsageError(`--method expects one of ${METHODS.join(', ')}, got ${JSON.stringify(method)}`);
    const dtypeFlag = str(flags, 'dtype');
    if (dtypeFlag !== undefined && dtypeFlag !== 'float32' && dtypeFlag !== 'float64') {
      throw new UsageError(`--dtype expects float32 or float64, got ${JSON.stringify(dtypeFlag)}`);
    }
    const dtype = dtypeFlag as DType | undefined;
    const metric = str(flags, 'metric') ?? 'sqeuclidean';
    if (!METRICS.includes(metric)) throw new UsageError(`--metric expects one of ${METRICS.join(', ')}, got ${JSON.stringify(metric)}`);
    const tol = num(flags, 'tol', 1e-9) as number;
    const maxIter = num(flags, 'max-iter', 1000) as number;
    const planPath = str(flags, 'plan');
    const costPath = str(flags, 'cost');
    const xPath = str(flags, 'x'), yPath = str(flags, 'y');
    if (costPath !== undefined && (xPath !== undefined || yPath !== undefined)) throw new UsageError('give either --cost or --x/--y, not both');
    if (costPath === undefined && (xPath === undefined || yPath === undefined)) throw new UsageError('give --cost M.npy, or --x X.npy and --y Y.npy');

    const a = loadVector(str(flags, 'a'), 'a', { dtype });
    const b = loadVector(str(flags, 'b'), 'b', { dtype });
    const bar = progressBar('sinkhorn');
    const onProgress = (p: { iteration: number; marginalError: number }) =>
      bar.update(p.iteration / maxIter, `it ${p.iteration}  err ${Number.isFinite(p.marginalError) ? p.marginalError.toExponential(2) : '-'}`);
    const common = { method: method as SinkhornMethod, tol, maxIter, plan: planPath !== undefined, onProgress };

    let result: SinkhornResult;
    let seconds: number;
    if (costPath !== undefined) {
      const C = loadMatrix(costPath, 'cost', { dtype });
      const t0 = performance.now();
      result = await sinkhornAsync(a, b, C, reg, common);
      seconds = (performance.now() - t0) / 1000;
    } else {
      const X = loadMatrix(xPath as string, 'x', { dtype }), Y = loadMatrix(yPath as string, 'y', { dtype });
      const p = num(flags, 'p');
      const t0 = performance.now();
      result = await sinkhornPointsAsync(X, Y, reg, { ...common, a, b, metric: metric as MetricName, p });
      seconds = (performance.now() - t0) / 1000;
    }
    bar.done();
    if (planPath !== undefined && result.plan) writeNpy(planPath, result.plan.data, [result.plan.rows, result.plan.cols]);
    const out = {
      cost: result.cost, value: result.value, iterations: result.iterations, marginalError: result.marginalError,
      converged: result.converged, method: result.method, backend: engine.backend, simd: engine.simd, seconds,
    };
    if (flags.json) printJson(out);
    else {
      console.log(`cost ${result.cost}  value ${result.value}`);
      console.log(`method ${result.method}  iterations ${result.iterations}  marginal error ${result.marginalError.toExponential(3)}  ` +
        `converged ${result.converged}`);
      console.log(`${engine.backend} (${engine.simd})  ${seconds.toFixed(3)} s${planPath ? `  plan -> ${planPath}` : ''}`);
    }
    return 0;
  },
};
