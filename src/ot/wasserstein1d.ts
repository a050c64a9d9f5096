/**
 * One-dimensional exact OT by sorting and merging quantile functions, O((n+m) log(n+m)).
 *
 * - `wasserstein1d(x, y, a?, b?, p)` = W_p^p (not W_p), as POT's `ot.wasserstein_1d`:
 *   ∫_0^1 |F⁻¹(q) − G⁻¹(q)|^p dq, evaluated exactly on the merged breakpoints of the two
 *   cumulative weight functions (quantiles F⁻¹(q) = x_(k) with k the first index where the
 *   cumulative weight reaches q).
 *   Runs in the `exact` backend family (native: C++ sort and merge; js: the TS twin).
 * - `emd1d(x, y, a?, b?, opts)`: the monotone (north-west corner on sorted values) plan, which is
 *   optimal for every convex cost of x − y (POT's `ot.emd_1d`), and its cost.
 * Computation is float64 whatever the input dtype; weights default to uniform.
 */
import { backend } from '../backend/index.js';
import { guardAllocation } from '../engine.js';
import { callNative } from '../jobs.js';
import { rangeError } from '../errors.js';
import type { FloatArray, Matrix, VectorLike } from '../types.js';
import { assertWeights, finiteNumber, oneOf, options, toVector } from '../validate.js';
import { sparseToDense, type SparsePlan } from './emd.js';

/** Values sorted ascending with their weights permuted alike (weights null = uniform). */
export interface Sorted1d {
  values: Float64Array;
  weights: Float64Array;
  /** perm[k] = original index of values[k]. */
  perm: Uint32Array | null;
}

export function sort1d(values: ArrayLike<number>, weights: ArrayLike<number> | null, needPerm = false): Sorted1d {
  const n = values.length;
  if (!weights && !needPerm) {
    const v = Float64Array.from(values).sort();
    return { values: v, weights: new Float64Array(n).fill(1 / n), perm: null };
  }
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  perm.sort((i, j) => values[i] - values[j] || i - j);
  const v = new Float64Array(n), w = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    v[k] = values[perm[k]];
    w[k] = weights ? weights[perm[k]] : 1 / n;
  }
  return { values: v, weights: w, perm };
}

function weightsOpt(w: unknown, k: number, name: string): FloatArray | null {
  if (w === undefined || w === null) return null;
  const v = toVector(w, name, { length: k });
  assertWeights(v, name);
  return v;
}

function exponent(p: unknown): number {
  const v = p === undefined ? 1 : finiteNumber(p, 'p');
  if (!(v > 0)) throw rangeError('p > 0', 'p', v);
  return v;
}

function samples(x: unknown, name: string): FloatArray {
  const v = toVector(x, name);
  if (v.length === 0) throw rangeError('at least one value', name, v);
  return v;
}

/**
 * W_p^p between 1-D samples x (weights a) and y (weights b), POT's `wasserstein_1d(x, y, a, b, p)`:
 * note it is the p-th power. Weights default to uniform and are used as given (no normalisation).
 * @example wasserstein1d([0, 1], [1, 2]) // 1 (p = 1)
 */
export function wasserstein1d(
  x: VectorLike, y: VectorLike, a?: VectorLike | null, b?: VectorLike | null, p: number = 1,
): number {
  const xv = samples(x, 'x'), yv = samples(y, 'y');
  const aw = weightsOpt(a, xv.length, 'a'), bw = weightsOpt(b, yv.length, 'b');
  const f64 = (v: FloatArray | null) => (v === null || v instanceof Float64Array ? v : Float64Array.from(v));
  const pv = exponent(p);
  return callNative(() => backend().exact.w1d(f64(xv) as Float64Array, f64(aw), f64(yv) as Float64Array, f64(bw), pv));
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

export type Metric1d = 'sqeuclidean' | 'euclidean' | 'cityblock' | 'minkowski';

export interface Emd1dOptions {
  /** Ground cost on the line (default sqeuclidean, as POT). */
  metric?: Metric1d;
  /** Exponent for minkowski: |x − y|^p (default 1). */
  p?: number;
  /** Also return the dense plan. */
  dense?: boolean;
  /** Check Σa = Σb to 6 decimals (default true). */
  checkMarginals?: boolean;
}

export interface Emd1dResult {
  plan: SparsePlan;
  planDense?: Matrix;
  cost: number;
}

/**
 * The monotone optimal plan between 1-D samples (POT's `ot.emd_1d`) and its cost (`emd2_1d`).
 * Walks both sorted samples, moving min(remaining mass) at each step: at most n + m − 1 entries.
 */
export function emd1d(x: VectorLike, y: VectorLike, a?: VectorLike | null, b?: VectorLike | null, opts?: Emd1dOptions): Emd1dResult {
  const o = options(opts);
  const xv = samples(x, 'x'), yv = samples(y, 'y');
  const n = xv.length, m = yv.length;
  const aw = weightsOpt(a, n, 'a'), bw = weightsOpt(b, m, 'b');
  const metric = oneOf(o.metric ?? 'sqeuclidean', 'metric', ['sqeuclidean', 'euclidean', 'cityblock', 'minkowski'] as const);
  const p = metric === 'minkowski' ? exponent(o.p) : 1;
  if (o.checkMarginals !== false) {
    const sa = aw ? sum(aw) : 1, sb = bw ? sum(bw) : 1;
    if (!(Math.abs(sa - sb) < 1.5e-6)) throw rangeError(`marginals with equal total mass to 6 decimals (sum of a = ${sa})`, 'b', `a total of ${sb}`);
  }
  const u = sort1d(xv, aw, true), v = sort1d(yv, bw, true);
  const cost1 = (s: number, t: number): number => {
    const d = s - t;
    return metric === 'sqeuclidean' ? d * d : metric === 'minkowski' ? Math.abs(d) ** p : Math.abs(d);
  };
  const rows: number[] = [], cols: number[] = [], vals: number[] = [];
  let i = 0, j = 0, wi = u.weights[0], wj = v.weights[0], cost = 0;
  for (;;) {
    const c = cost1(u.values[i], v.values[j]);
    const takeRow = wi < wj || j === m - 1;
    const w = takeRow ? wi : wj;
    cost += c * w;
    if (w > 0) {
      rows.push(u.perm![i]);
      cols.push(v.perm![j]);
      vals.push(w);
    }
    if (takeRow) {
      if (++i === n) break;
      wj -= wi;
      wi = u.weights[i];
    } else {
      if (++j === m) break;
      wi -= wj;
      wj = v.weights[j];
    }
  }
  // Row-major order like the network simplex's sparse plans.
  const order = rows.map((_, k) => k).sort((s, t) => rows[s] - rows[t] || cols[s] - cols[t]);
  const plan: SparsePlan = {
    n, m,
    rows: Int32Array.from(order, (k) => rows[k]),
    cols: Int32Array.from(order, (k) => cols[k]),
    values: Float64Array.from(order, (k) => vals[k]),
  };
  const res: Emd1dResult = { plan, cost };
  if (o.dense === true) {
    guardAllocation(n * m, 8, `A dense ${n}x${m} plan`);
    res.planDense = { data: sparseToDense(plan, 'float64'), rows: n, cols: m };
  }
  return res;
}

/** The cost of the monotone plan (POT's `ot.emd2_1d`). */
export function emd2_1d(x: VectorLike, y: VectorLike, a?: VectorLike | null, b?: VectorLike | null, opts?: Emd1dOptions): number {
  return emd1d(x, y, a, b, { ...(options(opts) as Emd1dOptions), dense: false }).cost;
}
