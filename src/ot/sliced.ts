/**
 * Sliced and max-sliced Wasserstein distances (POT's `ot.sliced_wasserstein_distance` and
 * `ot.max_sliced_wasserstein_distance`):
 *   SW_p = (mean_k W_p^p(θ_k·X_s, θ_k·X_t))^(1/p),   max-SW_p = (max_k W_p^p(θ_k·X_s, θ_k·X_t))^(1/p),
 * with directions θ_k either given (a d×K matrix whose columns are the directions, POT's layout)
 * or drawn uniformly on the sphere from a seeded generator. Each slice is an exact 1-D OT
 * (wasserstein1d), so the cost is O(K (n + m) log(n + m)); the native backend splits the directions
 * over threads (results identical for every thread count).
 */
import { rangeError } from '../errors.js';
import type { FloatArray, Matrix, MatrixLike, VectorLike } from '../types.js';
import { gaussian, mulberry32 } from '../util/random.js';
import { assertWeights, finiteNumber, nonNegativeInteger, options, positiveInteger, sameCols, toMatrix, toVector } from '../validate.js';
import { backend } from '../backend/index.js';
import { callNative } from '../jobs.js';

export interface SlicedOptions {
  a?: VectorLike;
  b?: VectorLike;
  /** Number of random directions (default 50, as POT). */
  nProjections?: number;
  /** Exponent p (default 2). */
  p?: number;
  /** Directions as a d×K matrix (columns are unit vectors; POT's layout). Overrides nProjections. */
  projections?: MatrixLike;
  /** Seed of the random directions (default 0). */
  seed?: number;
}

export interface SlicedResult {
  /** (mean_k W_p^p)^(1/p) for sliced, (max_k W_p^p)^(1/p) for max-sliced. */
  value: number;
  /** W_p^p of each slice. */
  projectedEmds: Float64Array;
  /** The d×K directions used. */
  projections: Matrix;
}

/** K directions uniform on the unit sphere of R^d, as a d×K matrix, from a seeded generator. */
export function randomProjections(d: number, K: number, seed = 0): Matrix {
  positiveInteger(d, 'd');
  positiveInteger(K, 'nProjections');
  const g = gaussian(mulberry32(seed));
  const P = new Float64Array(d * K);
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let c = 0; c < d; c++) {
      const v = g();
      P[c * K + k] = v;
      s += v * v;
    }
    const inv = 1 / Math.sqrt(s);
    for (let c = 0; c < d; c++) P[c * K + k] *= inv;
  }
  return { data: P, rows: d, cols: K };
}

function projectedEmds(xs: MatrixLike, xt: MatrixLike, opts: unknown): { emds: Float64Array; p: number; P: Matrix } {
  const o = options(opts);
  const X = toMatrix(xs, 'X_s'), Y = toMatrix(xt, 'X_t');
  sameCols(X, Y, 'X_s', 'X_t');
  if (X.rows === 0) throw rangeError('at least one point', 'X_s', '0 rows');
  if (Y.rows === 0) throw rangeError('at least one point', 'X_t', '0 rows');
  const d = X.cols;
  const p = o.p === undefined ? 2 : finiteNumber(o.p, 'p');
  if (!(p > 0)) throw rangeError('p > 0', 'p', p);
  let P: Matrix;
  if (o.projections !== undefined) {
    P = toMatrix(o.projections, 'projections');
    if (P.rows !== d) throw rangeError(`a ${d}xK matrix (one column per direction)`, 'projections', `${P.rows}x${P.cols}`);
    if (P.cols === 0) throw rangeError('at least one direction', 'projections', '0 columns');
  } else {
    const K = o.nProjections === undefined ? 50 : positiveInteger(o.nProjections, 'nProjections');
    const seed = o.seed === undefined ? 0 : nonNegativeInteger(o.seed, 'seed', 2 ** 32 - 1);
    P = randomProjections(d, K, seed);
  }
  const a = o.a === undefined ? null : toVector(o.a, 'a', { length: X.rows });
  const b = o.b === undefined ? null : toVector(o.b, 'b', { length: Y.rows });
  if (a) assertWeights(a, 'a');
  if (b) assertWeights(b, 'b');
  const K = P.cols;
  const emds = new Float64Array(K);
  const f64 = (v: FloatArray | null) => (v === null || v instanceof Float64Array ? v : Float64Array.from(v));
  const Pd = f64(P.data) as Float64Array;
  // Mixed dtypes (float32 with a number[][] converted to float64) are widened to float64.
  const mixed = X.data instanceof Float32Array !== Y.data instanceof Float32Array;
  const xd = mixed ? Float64Array.from(X.data) : X.data, yd = mixed ? Float64Array.from(Y.data) : Y.data;
  callNative(() => backend().exact.sliced(xd, X.rows, yd, Y.rows, d, Pd, K, f64(a), f64(b), p, emds));
  return { emds, p, P };
}

/**
 * Sliced Wasserstein distance SW_p = (mean_k W_p^p(projections))^(1/p) (POT's formula).
 * @example slicedWasserstein(X, Y, { nProjections: 100, seed: 1 }).value
 */
export function slicedWasserstein(xs: MatrixLike, xt: MatrixLike, opts?: SlicedOptions): SlicedResult {
  const { emds, p, P } = projectedEmds(xs, xt, opts);
  let s = 0;
  for (let k = 0; k < emds.length; k++) s += emds[k];
  return { value: (s / emds.length) ** (1 / p), projectedEmds: emds, projections: P };
}

/** Max-sliced Wasserstein over the given or random directions: (max_k W_p^p)^(1/p). */
export function maxSlicedWasserstein(xs: MatrixLike, xt: MatrixLike, opts?: SlicedOptions): SlicedResult {
  const { emds, p, P } = projectedEmds(xs, xt, opts);
  let mx = -Infinity;
  for (let k = 0; k < emds.length; k++) mx = Math.max(mx, emds[k]);
  return { value: mx ** (1 / p), projectedEmds: emds, projections: P };
}
