/**
 * Maps and interpolations built from a transport plan (notes/paper.md §2.5).
 *
 * - Barycentric projection: T(x_i) = Σ_j P_ij y_j / a_i with a_i = Σ_j P_ij (rows of zero mass map
 *   to NaN). Works for any plan (Sinkhorn's dense one or EMD's sparse one).
 * - McCann interpolation at time t: each atom (i, j) of the plan with mass P_ij moves along the
 *   straight line (1−t) x_i + t y_j. For a sparse EMD plan this is at most n+m−1 atoms (a permutation
 *   gives n); for a dense plan, all n·m atoms with positive mass. For an optimal plan this is the
 *   W2 geodesic: W2(α_0, α_t) = t W2(α_0, α_1).
 */
import { guardAllocation } from '../engine.js';
import { rangeError, typeError } from '../errors.js';
import type { FloatArray, Matrix, MatrixLike } from '../types.js';
import { finiteNumber, sameCols, toMatrix } from '../validate.js';
import type { SparsePlan } from './emd.js';

export type PlanLike = SparsePlan | MatrixLike;

interface Triplets {
  n: number;
  m: number;
  rows: ArrayLike<number>;
  cols: ArrayLike<number>;
  values: ArrayLike<number>;
}

function isSparse(p: unknown): p is SparsePlan {
  return !!p && typeof p === 'object' && 'rows' in p && 'cols' in p && 'values' in p && typeof (p as SparsePlan).n === 'number';
}

/** Triplets of the plan's positive entries (a dense plan is scanned once). */
function triplets(plan: PlanLike, n: number, m: number): Triplets {
  if (isSparse(plan)) {
    if (plan.n !== n || plan.m !== m) throw rangeError(`a ${n}x${m} plan`, 'plan', `${plan.n}x${plan.m}`);
    const k = plan.values.length;
    if (plan.rows.length !== k || plan.cols.length !== k) throw rangeError('rows, cols and values of equal length', 'plan', `${plan.rows.length}, ${plan.cols.length}, ${k}`);
    for (let e = 0; e < k; e++) {
      const i = plan.rows[e], j = plan.cols[e], v = plan.values[e];
      if (!(i >= 0 && i < n && j >= 0 && j < m)) throw rangeError(`indices within ${n}x${m}`, 'plan', `(${i}, ${j}) at entry ${e}`);
      if (!(v >= 0) || v === Infinity) throw rangeError('non-negative finite masses', 'plan.values', `${v} at entry ${e}`);
    }
    return plan;
  }
  const P = toMatrix(plan, 'plan');
  if (P.rows !== n || P.cols !== m) throw rangeError(`a ${n}x${m} plan`, 'plan', `${P.rows}x${P.cols}`);
  const rows: number[] = [], cols: number[] = [], values: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      const v = P.data[i * m + j];
      if (v < 0) throw rangeError('non-negative masses', 'plan', `${v} at (${i}, ${j})`);
      if (v > 0) {
        rows.push(i);
        cols.push(j);
        values.push(v);
      }
    }
  return { n, m, rows, cols, values };
}

/**
 * Barycentric projection of a plan: T(x_i) = Σ_j P_ij y_j / Σ_j P_ij (an n×d matrix of targets).
 * `plan` is a SparsePlan (from emd) or a dense n×m matrix (e.g. a Sinkhorn plan).
 */
export function barycentricProjection(plan: PlanLike, y: MatrixLike): Matrix<Float64Array> {
  const Y = toMatrix(y, 'y');
  const n = isSparse(plan) ? plan.n : toMatrix(plan, 'plan').rows;
  const t = triplets(plan, n, Y.rows);
  const d = Y.cols;
  const out = new Float64Array(n * d), mass = new Float64Array(n);
  for (let e = 0; e < t.values.length; e++) {
    const i = t.rows[e], j = t.cols[e], v = t.values[e];
    mass[i] += v;
    for (let c = 0; c < d; c++) out[i * d + c] += v * Y.data[j * d + c];
  }
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) out[i * d + c] = mass[i] > 0 ? out[i * d + c] / mass[i] : NaN;
  return { data: out, rows: n, cols: d };
}

export interface Interpolation {
  /** Atom positions (k×d). */
  points: Matrix;
  /** Atom masses (k). */
  weights: FloatArray;
  /** Source and target index of each atom. */
  source: Int32Array;
  target: Int32Array;
}

/**
 * McCann interpolation of point clouds at time t ∈ [0, 1] along a plan: atoms (1−t) x_i + t y_j with
 * mass P_ij. Points follow the dtype of x.
 */
export function mccannInterpolate(x: MatrixLike, y: MatrixLike, plan: PlanLike, t: number): Interpolation {
  const X = toMatrix(x, 'x'), Y = toMatrix(y, 'y');
  sameCols(X, Y, 'x', 'y');
  if (typeof t !== 'number') throw typeError('a time in [0, 1]', 't', t);
  const tt = finiteNumber(t, 't');
  if (tt < 0 || tt > 1) throw rangeError('a time in [0, 1]', 't', tt);
  const tr = triplets(plan, X.rows, Y.rows);
  const k = tr.values.length, d = X.cols;
  guardAllocation(k * d, 8, `A McCann interpolation of ${k} atoms`);
  const single = X.data instanceof Float32Array;
  const pts = single ? new Float32Array(k * d) : new Float64Array(k * d);
  const w = single ? new Float32Array(k) : new Float64Array(k);
  const source = new Int32Array(k), target = new Int32Array(k);
  for (let e = 0; e < k; e++) {
    const i = tr.rows[e], j = tr.cols[e];
    source[e] = i;
    target[e] = j;
    w[e] = tr.values[e];
    for (let c = 0; c < d; c++) pts[e * d + c] = (1 - tt) * X.data[i * d + c] + tt * Y.data[j * d + c];
  }
  return { points: { data: pts, rows: k, cols: d }, weights: w, source, target };
}
