/**
 * 1-D exact OT and sliced Wasserstein op family (`backend().exact`), native and js alike.
 * Inputs validated by the caller: finite samples, non-negative weights with a positive total (null =
 * uniform), p > 0. P is the d×K direction matrix (row-major, float64); out has length K.
 */
import type { FloatArray } from '../types.js';

export interface ExactOps {
  /** W_p^p between weighted 1-D samples (POT's wasserstein_1d). */
  w1d(u: Float64Array, uw: Float64Array | null, v: Float64Array, vw: Float64Array | null, p: number): number;
  /** out_k = W_p^p(θ_k·xs, θ_k·xt) for the K columns θ_k of P. */
  sliced(
    xs: FloatArray, n: number, xt: FloatArray, m: number, d: number, P: Float64Array, K: number,
    a: Float64Array | null, b: Float64Array | null, p: number, out: Float64Array,
  ): void;
}
