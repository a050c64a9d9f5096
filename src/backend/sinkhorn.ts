/**
 * Sinkhorn op family (`backend().sinkhorn`): dense (cost matrix) and online (point clouds),
 * sync and async. Same positional signature in the native addon
 * (native/addon/sinkhorn_binding.cc) and the js twin (src/backend/js/sinkhorn.ts).
 *
 * Inputs are validated by src/ot/sinkhorn.ts: a, b non-negative with equal totals, in the
 * dtype of C (or x, y); f, g (and plan) are caller-allocated outputs of that dtype, read as
 * initial potentials when opts.warm. Conventions: native/include/advect/sinkhorn.h.
 */
import type { FloatArray } from '../types.js';
import type { JobHandle } from './types.js';

export const SINKHORN_METHOD_CODES = { auto: 0, scaling: 1, stabilized: 2, log: 3, online: 4 } as const;
export type SinkhornMethodName = keyof typeof SINKHORN_METHOD_CODES;
export const SINKHORN_METHOD_NAMES: readonly SinkhornMethodName[] = ['auto', 'scaling', 'stabilized', 'log', 'online'];

export interface SinkhornRawOptions {
  method: number;
  reg: number;
  tol: number;
  maxIter: number;
  checkEvery: number;
  /** err < tol when true, err <= tol otherwise (POT's stabilized). */
  strict: boolean;
  norm: 1 | 2;
  tau: number;
  /** eps scaling start (0: off), decay per stage, log-domain iterations per stage. */
  eps0: number;
  epsDecay: number;
  stageIter: number;
  warm: boolean;
  /** Bytes a dense kernel may take (auto); 0 = unlimited. */
  budget: number;
}

export interface SinkhornRawInfo {
  iterations: number;
  marginalError: number;
  converged: boolean;
  /** Method code actually used (auto resolved). */
  method: number;
  fellBack: boolean;
  cost: number;
  value: number;
  planSum: number;
}

/** Async progress arrives as [iteration, last checked marginal error, eps, final ? 1 : 0]. */
export interface SinkhornOps {
  dense(
    C: FloatArray, n: number, m: number, a: FloatArray, b: FloatArray, opts: SinkhornRawOptions,
    f: FloatArray, g: FloatArray, plan: FloatArray | null,
  ): SinkhornRawInfo;
  denseAsync(
    C: FloatArray, n: number, m: number, a: FloatArray, b: FloatArray, opts: SinkhornRawOptions,
    f: FloatArray, g: FloatArray, plan: FloatArray | null, onProgress?: (raw: number[]) => void,
  ): JobHandle<SinkhornRawInfo>;
  online(
    x: FloatArray, n: number, y: FloatArray, m: number, d: number, metric: number, p: number,
    a: FloatArray, b: FloatArray, opts: SinkhornRawOptions, f: FloatArray, g: FloatArray,
  ): SinkhornRawInfo;
  onlineAsync(
    x: FloatArray, n: number, y: FloatArray, m: number, d: number, metric: number, p: number,
    a: FloatArray, b: FloatArray, opts: SinkhornRawOptions, f: FloatArray, g: FloatArray,
    onProgress?: (raw: number[]) => void,
  ): JobHandle<SinkhornRawInfo>;
}
