/**
 * Exact OT op family (`backend().emd`): network simplex on a dense cost matrix or on point clouds
 * (costs on the fly). Same positional signature in the native addon and the js twin.
 *
 * Inputs are already validated: a, b are Float64Array, non-negative, with Σa = Σb (b rescaled by
 * the caller, POT's rule); C is n×m row-major (Float64Array or Float32Array, finite or +Infinity);
 * x, y are n×d and m×d of one dtype. metric: 0 sqeuclidean, 1 euclidean, 2 cityblock.
 */
import type { FloatArray } from '../types.js';
import type { JobHandle } from './types.js';

/** status: 0 optimal, 1 infeasible, 2 unbounded, 3 max-iterations. */
export interface EmdRaw {
  status: number;
  iterations: number;
  cost: number;
  /** Plan entries with positive mass, row-major order. */
  rows: Int32Array;
  cols: Int32Array;
  values: Float64Array;
  /** Centred duals (POT's center_ot_dual), zero-weight rows/columns re-estimated. */
  u: Float64Array;
  v: Float64Array;
}

/** Progress of an async solve: raw [iterations, maxIter, 0, 0]. */
export interface EmdOps {
  emd(a: Float64Array, b: Float64Array, C: FloatArray, n: number, m: number, maxIter: number, blockSize: number): EmdRaw;
  emdAsync(
    a: Float64Array, b: Float64Array, C: FloatArray, n: number, m: number, maxIter: number, blockSize: number,
    onProgress?: (raw: number[]) => void,
  ): JobHandle<EmdRaw>;
  emdPoints(
    a: Float64Array, b: Float64Array, x: FloatArray, y: FloatArray, n: number, m: number, d: number,
    metric: number, maxIter: number, blockSize: number,
  ): EmdRaw;
  emdPointsAsync(
    a: Float64Array, b: Float64Array, x: FloatArray, y: FloatArray, n: number, m: number, d: number,
    metric: number, maxIter: number, blockSize: number, onProgress?: (raw: number[]) => void,
  ): JobHandle<EmdRaw>;
}
