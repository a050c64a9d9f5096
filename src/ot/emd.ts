/**
 * Exact optimal transport (POT's `ot.emd`, `ot.emd2`, `ot.lp.emd2_lazy`) by the network simplex.
 *
 * POT conventions: masses are checked equal to 6 decimals, then b is rescaled to b·Σa/Σb; rows and
 * columns of zero weight are removed before solving and their duals re-estimated; the duals are
 * centred as `center_ot_dual`; everything is float64 internally (float32 inputs are accepted and
 * the plan and duals come back as float32). A max-iteration stop, an infeasible problem (possible
 * with +Infinity costs, which mark forbidden pairs) or an unbounded one is reported in `status`,
 * never thrown. (With costs that are finite or +Infinity and non-negative flows the problem cannot be
 * unbounded; the status exists for parity with POT's result codes.)
 *
 * Small problems (minibatch OT, n = 64–512) cost one validation pass over C plus the solve: call
 * `emd(null, null, C)` for uniform weights; for equal sizes the plan is a permutation
 * (`plan.rows[k] → plan.cols[k]`).
 */
import { backend } from '../backend/index.js';
import type { EmdRaw } from '../backend/emd.js';
import { guardAllocation } from '../engine.js';
import { rangeError, typeError } from '../errors.js';
import { callNative, jobCopy, runNativeJob, type AsyncOptions } from '../jobs.js';
import type { DType, FloatArray, Matrix, MatrixLike, VectorLike } from '../types.js';
import { allocLike } from '../types.js';
import {
  assertWeights, commonDtype, dtypeOfArray, nonNegativeInteger, oneOf, options, sameCols, toMatrix, weightsOrUniform,
} from '../validate.js';

export type EmdStatus = 'optimal' | 'infeasible' | 'unbounded' | 'max-iterations';
const STATUS: readonly EmdStatus[] = ['optimal', 'infeasible', 'unbounded', 'max-iterations'];
const WARNINGS: Record<EmdStatus, string | null> = {
  optimal: null,
  infeasible: 'Problem infeasible. Check that a and b are in the simplex',
  unbounded: 'Problem unbounded',
  'max-iterations': 'numItermax reached before optimality. Try to increase numItermax.',
};

export interface EmdOptions {
  /** Maximum number of pivots (POT's numItermax, default 100000); 0 = no limit. */
  maxIter?: number;
  /** Arcs priced per block (default max(√(n·m), 10)). */
  blockSize?: number;
  /** Also return the dense n×m plan (`planDense`). */
  dense?: boolean;
  /** Check Σa = Σb to 6 decimals before rescaling b (default true, as POT). */
  checkMarginals?: boolean;
}

/** A plan in coordinate form: entries (rows[k], cols[k]) with mass values[k], row-major order. */
export interface SparsePlan {
  n: number;
  m: number;
  rows: Int32Array;
  cols: Int32Array;
  values: FloatArray;
}

export interface EmdResult {
  /** The optimal plan (a vertex: at most n+m−1 entries). */
  plan: SparsePlan;
  /** Dense n×m plan, only with `dense: true`. */
  planDense?: Matrix;
  /** Σ C_ij P_ij (POT's log['cost'] and emd2's value). */
  cost: number;
  /** Centred dual potentials (POT's log['u'], log['v']): u_i + v_j ≤ C_ij, = on the plan's support. */
  u: FloatArray;
  v: FloatArray;
  status: EmdStatus;
  /** Network-simplex pivots. */
  iterations: number;
  /** POT's warning text for a non-optimal status, else null. */
  warning: string | null;
}

export interface EmdProgress {
  iterations: number;
  maxIter: number;
}

interface Prepared {
  a: Float64Array;
  b: Float64Array;
  n: number;
  m: number;
  dtype: DType;
  maxIter: number;
  blockSize: number;
  dense: boolean;
}

/** POT's marginal handling: check Σa = Σb to 6 decimals, then b ← b·Σa/Σb (float64). */
export function prepareMarginals(aIn: FloatArray, bIn: FloatArray, check: boolean): { a: Float64Array; b: Float64Array } {
  const sa = assertWeights(aIn, 'a');
  const sb = assertWeights(bIn, 'b');
  if (check && !(Math.abs(sa - sb) < 1.5e-6)) {
    throw rangeError(`marginals with equal total mass to 6 decimals (sum of a = ${sa})`, 'b', `a total of ${sb}`);
  }
  const a = Float64Array.from(aIn);
  const b = new Float64Array(bIn.length);
  for (let j = 0; j < b.length; j++) b[j] = (bIn[j] * sa) / sb;
  return { a, b };
}

function common(o: Record<string, unknown>, aIn: FloatArray, bIn: FloatArray, dtype: DType): Prepared {
  const maxIter = o.maxIter === undefined ? 100000 : nonNegativeInteger(o.maxIter, 'maxIter', 2 ** 53);
  const blockSize = o.blockSize === undefined ? 0 : nonNegativeInteger(o.blockSize, 'blockSize', 2 ** 53);
  const dense = o.dense === undefined ? false : o.dense === true ? true : o.dense === false ? false : (() => { throw typeError('a boolean', 'dense', o.dense); })();
  const check = o.checkMarginals === undefined ? true : o.checkMarginals !== false;
  const { a, b } = prepareMarginals(aIn, bIn, check);
  if (dense) guardAllocation(a.length * b.length, dtype === 'float32' ? 4 : 8, `A dense ${a.length}x${b.length} plan`, 'use the sparse plan');
  return { a, b, n: a.length, m: b.length, dtype, maxIter, blockSize, dense };
}

function finish(raw: EmdRaw, p: Prepared): EmdResult {
  const cast = (x: Float64Array): FloatArray => (p.dtype === 'float32' ? Float32Array.from(x) : x);
  const status = STATUS[raw.status] ?? 'infeasible';
  const res: EmdResult = {
    plan: { n: p.n, m: p.m, rows: raw.rows, cols: raw.cols, values: cast(raw.values) },
    cost: raw.cost,
    u: cast(raw.u),
    v: cast(raw.v),
    status,
    iterations: raw.iterations,
    warning: WARNINGS[status],
  };
  if (p.dense) res.planDense = { data: sparseToDense(res.plan, p.dtype), rows: p.n, cols: p.m };
  return res;
}

/** Dense n×m array from a sparse plan. */
export function sparseToDense(plan: SparsePlan, dtype: DType = dtypeOfArray(plan.values)): FloatArray {
  guardAllocation(plan.n * plan.m, dtype === 'float32' ? 4 : 8, `A dense ${plan.n}x${plan.m} plan`);
  const out = allocLike(dtype, plan.n * plan.m);
  for (let k = 0; k < plan.values.length; k++) out[plan.rows[k] * plan.m + plan.cols[k]] += plan.values[k];
  return out;
}

function checkCost(M: Matrix): void {
  const d = M.data;
  for (let k = 0; k < d.length; k++) {
    const v = d[k];
    if (v !== v || v === -Infinity) throw rangeError('finite costs or +Infinity (forbidden pairs)', 'C', `${v} at index ${k}`);
  }
}

function prepareDense(a: VectorLike | null | undefined, b: VectorLike | null | undefined, C: MatrixLike, opts: unknown) {
  const o = options(opts);
  const M = toMatrix(C, 'C', { allowNonFinite: true });
  checkCost(M);
  if (M.rows === 0) throw rangeError('a cost matrix with at least one row', 'C', '0 rows');
  if (M.cols === 0) throw rangeError('a cost matrix with at least one column', 'C', '0 columns');
  const dtype = commonDtype([['C', M.data]]);
  const av = weightsOrUniform(a, 'a', M.rows, dtype, 'C');
  const bv = weightsOrUniform(b, 'b', M.cols, dtype, 'C');
  return { M, p: common(o, av, bv, dtype) };
}

/**
 * Exact OT plan between histograms a (n) and b (m) for the cost C (n×m), POT's `ot.emd(a, b, M,
 * log=True)`. a or b may be omitted (or empty) for uniform weights.
 * @example emd([0.5, 0.5], [0.5, 0.5], [[0, 1], [1, 0]]).cost // 0
 */
export function emd(a: VectorLike | null | undefined, b: VectorLike | null | undefined, C: MatrixLike, opts?: EmdOptions): EmdResult {
  const { M, p } = prepareDense(a, b, C, opts);
  const raw = callNative(() => backend().emd.emd(p.a, p.b, M.data, p.n, p.m, p.maxIter, p.blockSize));
  return finish(raw, p);
}

/** The optimal cost Σ C_ij P_ij (POT's `ot.emd2`). */
export function emd2(a: VectorLike | null | undefined, b: VectorLike | null | undefined, C: MatrixLike, opts?: EmdOptions): number {
  return emd(a, b, C, { ...(options(opts) as EmdOptions), dense: false }).cost;
}

/** Async `emd`, off the main thread (native) or in slices (js); cancellable with `signal`. */
export async function emdAsync(
  a: VectorLike | null | undefined, b: VectorLike | null | undefined, C: MatrixLike,
  opts?: EmdOptions & AsyncOptions<EmdProgress>,
): Promise<EmdResult> {
  const o = options(opts) as EmdOptions & AsyncOptions<EmdProgress>;
  const { M, p } = prepareDense(a, b, C, o);
  const raw = await runNativeJob(
    (onP) => backend().emd.emdAsync(jobCopy(p.a), jobCopy(p.b), jobCopy(M.data), p.n, p.m, p.maxIter, p.blockSize, onP),
    { signal: o.signal, onProgress: o.onProgress },
    (r) => ({ iterations: r[0], maxIter: r[1] }),
  );
  return finish(raw, p);
}

export type LazyMetric = 'sqeuclidean' | 'euclidean' | 'cityblock';
const LAZY_METRICS: readonly LazyMetric[] = ['sqeuclidean', 'euclidean', 'cityblock'];

export interface EmdPointsOptions extends EmdOptions {
  /** Source weights (default uniform). */
  a?: VectorLike;
  /** Target weights (default uniform). */
  b?: VectorLike;
  /** sqeuclidean (Σ(x−y)², default), euclidean or cityblock. */
  metric?: LazyMetric;
}

function preparePoints(x: MatrixLike, y: MatrixLike, opts: unknown) {
  const o = options(opts);
  const X = toMatrix(x, 'x'), Y = toMatrix(y, 'y');
  sameCols(X, Y, 'x', 'y');
  if (X.rows === 0) throw rangeError('at least one point', 'x', '0 rows');
  if (Y.rows === 0) throw rangeError('at least one point', 'y', '0 rows');
  const metric = oneOf(o.metric ?? 'sqeuclidean', 'metric', LAZY_METRICS);
  const dtype = commonDtype([['x', X.data], ['y', Y.data]]);
  const av = weightsOrUniform(o.a, 'a', X.rows, dtype, 'x'), bv = weightsOrUniform(o.b, 'b', Y.rows, dtype, 'x');
  return { X, Y, code: LAZY_METRICS.indexOf(metric), p: common(o, av, bv, dtype) };
}

/**
 * Exact OT between point clouds with costs computed on the fly: O(n + m) memory, never forming
 * the n×m cost matrix (POT 0.9.7's `ot.lp.emd2_lazy`, which returns `cost`; here the full result).
 */
export function emdPoints(x: MatrixLike, y: MatrixLike, opts?: EmdPointsOptions): EmdResult {
  const { X, Y, code, p } = preparePoints(x, y, opts);
  const raw = callNative(() => backend().emd.emdPoints(p.a, p.b, X.data, Y.data, X.rows, Y.rows, X.cols, code, p.maxIter, p.blockSize));
  return finish(raw, p);
}

/** POT's `emd2_lazy`: the optimal cost between point clouds, O(n + m) memory. */
export function emd2Lazy(x: MatrixLike, y: MatrixLike, opts?: EmdPointsOptions): number {
  return emdPoints(x, y, { ...(options(opts) as EmdPointsOptions), dense: false }).cost;
}

export async function emdPointsAsync(
  x: MatrixLike, y: MatrixLike, opts?: EmdPointsOptions & AsyncOptions<EmdProgress>,
): Promise<EmdResult> {
  const o = options(opts) as EmdPointsOptions & AsyncOptions<EmdProgress>;
  const { X, Y, code, p } = preparePoints(x, y, o);
  const raw = await runNativeJob(
    (onP) => backend().emd.emdPointsAsync(jobCopy(p.a), jobCopy(p.b), jobCopy(X.data), jobCopy(Y.data), X.rows, Y.rows, X.cols, code, p.maxIter, p.blockSize, onP),
    { signal: o.signal, onProgress: o.onProgress },
    (r) => ({ iterations: r[0], maxIter: r[1] }),
  );
  return finish(raw, p);
}
