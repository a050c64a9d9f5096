/**
 * Public engine kernels: pairwise costs (POT's ot.dist), log-sum-exp reductions (dense and
 * online) and the online softmax-weighted sum. These are the building blocks every solver uses;
 * they are exposed for users who assemble their own loops.
 */
import { backend } from './backend/index.js';
import type { MetricName } from './backend/types.js';
import { guardAllocation } from './engine.js';
import { rangeError } from './errors.js';
import { allocLike, type FloatArray, type Matrix, type MatrixLike } from './types.js';
import {
  castTo, commonDtype, finiteNumber, metricOption, oneOf, options, positiveNumber, sameCols, toMatrix, toVector,
} from './validate.js';
import { callNative } from './jobs.js';

export interface DistOptions {
  metric?: MetricName;
  /** Minkowski exponent (p ≥ 1). */
  p?: number;
  out?: FloatArray;
}

/**
 * Pairwise cost matrix C_ij = c(x_i, y_j), as POT's `ot.dist(x, y, metric)`.
 * sqeuclidean is |x|² + |y|² − 2<x,y> clamped at 0 (POT's formula).
 * @example dist([[0, 0], [1, 0]], [[0, 1]]) // { rows: 2, cols: 1, data: [1, 2] }
 */
export function dist(x: MatrixLike, y?: MatrixLike, opts?: DistOptions): Matrix {
  const o = options(opts);
  const X = toMatrix(x, 'x');
  const Y = y === undefined ? X : toMatrix(y, 'y');
  sameCols(X, Y, 'x', 'y');
  const dtype = commonDtype([['x', X.data], ['y', Y.data], ['out', o.out as FloatArray | undefined]]);
  const metric = metricOption(o.metric, o.p);
  guardAllocation(X.rows * Y.rows, dtype === 'float32' ? 4 : 8, `A ${X.rows}x${Y.rows} cost matrix`,
    'use the online (point-cloud) functions, which never form it');
  const out = o.out !== undefined ? toVector(o.out, 'out', { length: X.rows * Y.rows, allowNonFinite: true }) : allocLike(dtype, X.rows * Y.rows);
  callNative(() => backend().core.dist(X.data, X.rows, Y.data, Y.rows, X.cols, metric.code, metric.p, out));
  return { data: out, rows: X.rows, cols: Y.rows };
}

export interface LseOptions {
  /** Temperature eps > 0 (default 1). */
  eps?: number;
  /** Row offsets alpha_i (length n); -inf allowed. */
  alpha?: FloatArray | number[];
  /** Column offsets beta_j (length m); -inf allowed. */
  beta?: FloatArray | number[];
  /** 'rows': out_i = LSE over j (default); 'cols': out_j = LSE over i. */
  axis?: 'rows' | 'cols';
  out?: FloatArray;
}

function lseCommon(o: Record<string, unknown>, n: number, m: number, dtypeOf: Array<[string, FloatArray]>) {
  const eps = o.eps === undefined ? 1 : positiveNumber(o.eps, 'eps');
  const axis = oneOf(o.axis ?? 'rows', 'axis', ['rows', 'cols'] as const);
  let alpha = o.alpha === undefined ? null : toVector(o.alpha, 'alpha', { length: n, allowNonFinite: true });
  let beta = o.beta === undefined ? null : toVector(o.beta, 'beta', { length: m, allowNonFinite: true });
  for (const [name, v] of [['alpha', alpha], ['beta', beta]] as const) {
    if (v) for (let i = 0; i < v.length; i++) if (Number.isNaN(v[i]) || v[i] === Infinity) throw rangeError('values that are finite or -inf', name, `${v[i]} at index ${i}`);
  }
  const dtype = commonDtype([...dtypeOf, ...(Array.isArray(o.alpha) ? [] : [['alpha', alpha] as [string, FloatArray | null]]),
    ...(Array.isArray(o.beta) ? [] : [['beta', beta] as [string, FloatArray | null]])]);
  if (alpha) alpha = castTo(alpha, dtype);
  if (beta) beta = castTo(beta, dtype);
  const len = axis === 'rows' ? n : m;
  const out = o.out !== undefined ? toVector(o.out, 'out', { length: len, allowNonFinite: true }) : allocLike(dtype, len);
  commonDtype([...dtypeOf, ['out', out]]);
  return { eps, axis: axis === 'rows' ? (1 as const) : (0 as const), alpha, beta, out };
}

/**
 * Dense log-sum-exp of (alpha_i + beta_j − C_ij)/eps over rows or columns of a cost matrix.
 * Single pass over C; exact handling of -inf offsets (zero weights).
 */
export function logSumExp(C: MatrixLike, opts?: LseOptions): FloatArray {
  const o = options(opts);
  // +inf costs (forbidden pairs) are allowed. NaN is not, but a JS pre-scan of C would cost more
  // than the kernel: the kernels propagate NaN, so the O(n) output is checked instead and C is
  // scanned only to name the offending entry.
  const M = toMatrix(C, 'C', { allowNonFinite: true });
  const { eps, axis, alpha, beta, out } = lseCommon(o, M.rows, M.cols, [['C', M.data]]);
  callNative(() => backend().core.lseDense(M.data, M.rows, M.cols, alpha, beta, eps, axis, out));
  for (let k = 0; k < out.length; k++) {
    if (Number.isNaN(out[k])) {
      for (let i = 0; i < M.data.length; i++) if (Number.isNaN(M.data[i])) throw rangeError('a cost matrix without NaN', 'C', `NaN at index ${i}`);
      throw rangeError('costs and offsets whose scores are not NaN', 'C', `NaN in output ${k}`);
    }
  }
  return out;
}

export interface LsePointsOptions extends LseOptions {
  metric?: MetricName;
  p?: number;
}

/**
 * Online log-sum-exp on point clouds: costs c(x_i, y_j) are recomputed tile by tile with
 * O(n + m) memory. sqeuclidean uses the direct form Σ(x − y)².
 */
export function logSumExpPoints(x: MatrixLike, y: MatrixLike, opts?: LsePointsOptions): FloatArray {
  const o = options(opts);
  const X = toMatrix(x, 'x'), Y = toMatrix(y, 'y');
  sameCols(X, Y, 'x', 'y');
  const metric = metricOption(o.metric, o.p);
  const { eps, axis, alpha, beta, out } = lseCommon(o, X.rows, Y.rows, [['x', X.data], ['y', Y.data]]);
  callNative(() => backend().core.lseOnline(X.data, X.rows, Y.data, Y.rows, X.cols, metric.code, metric.p, alpha, beta, eps, axis, out));
  return out;
}

export interface SoftmaxSumOptions {
  /** 'cost': s_ij = (logWeights_j − c(x_i, y_j))/eps (default); 'dot': s_ij = logWeights_j + scale·<x_i, y_j>. */
  score?: 'cost' | 'dot';
  eps?: number;
  scale?: number;
  metric?: MetricName;
  p?: number;
  /** Log-weights of the y points (length m), -inf allowed. */
  logWeights?: FloatArray | number[];
  /** Also return lse_i = log Σ_j exp(s_ij). */
  withLse?: boolean;
}

/**
 * out_i = Σ_j softmax_j(s_ij) V_j, computed online (flash-attention style, never forming n×m).
 * V is m×dv. Returns { values: n×dv, lse? }.
 */
export function softmaxWeightedSum(
  x: MatrixLike, y: MatrixLike, V: MatrixLike, opts?: SoftmaxSumOptions,
): { values: Matrix; lse?: FloatArray } {
  const o = options(opts);
  const X = toMatrix(x, 'x'), Y = toMatrix(y, 'y'), Vm = toMatrix(V, 'V');
  sameCols(X, Y, 'x', 'y');
  if (Vm.rows !== Y.rows) throw rangeError(`${Y.rows} rows (one per y point)`, 'V', `${Vm.rows} rows`);
  const score = oneOf(o.score ?? 'cost', 'score', ['cost', 'dot'] as const);
  const eps = o.eps === undefined ? 1 : positiveNumber(o.eps, 'eps');
  const scale = o.scale === undefined ? 1 : finiteNumber(o.scale, 'scale');
  if (scale === 0) throw rangeError('a non-zero finite number', 'scale', scale);
  const metric = metricOption(o.metric, o.p);
  let beta = o.logWeights === undefined ? null : toVector(o.logWeights, 'logWeights', { length: Y.rows, allowNonFinite: true });
  if (beta) for (let i = 0; i < beta.length; i++) if (Number.isNaN(beta[i]) || beta[i] === Infinity) throw rangeError('values that are finite or -inf', 'logWeights', `${beta[i]} at index ${i}`);
  const dtype = commonDtype([['x', X.data], ['y', Y.data], ['V', Vm.data], ...(Array.isArray(o.logWeights) ? [] : [['logWeights', beta] as [string, FloatArray | null]])]);
  if (beta) beta = castTo(beta, dtype);
  const out = allocLike(dtype, X.rows * Vm.cols);
  const lse = o.withLse ? allocLike(dtype, X.rows) : null;
  callNative(() =>
    backend().core.softmaxSum(X.data, X.rows, Y.data, Y.rows, X.cols, score === 'cost' ? 0 : 1, metric.code, metric.p,
      eps, scale, beta, Vm.data, Vm.cols, out, lse));
  return lse ? { values: { data: out, rows: X.rows, cols: Vm.cols }, lse } : { values: { data: out, rows: X.rows, cols: Vm.cols } };
}
