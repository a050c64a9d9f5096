/**
 * The Backend interface: one shape, two implementations (native addon and pure TypeScript).
 *
 * Ops are grouped by family (`core`, later `sinkhorn`, `emd`, ...). Each family's signature is
 * positional and low-level: arguments are already validated, typed arrays are flat and
 * row-major, and outputs are caller-allocated where sizes are known. The native addon exposes
 * exactly these functions, so `native.ts` passes them through; `js/` mirrors them.
 */
import type { FloatArray } from '../types.js';
import type { EmdOps } from './emd.js';
import type { ExactOps } from './exact.js';
import type { SinkhornOps } from './sinkhorn.js';
import type { ParticlesOps } from './particles.js';
import type { SdotOps } from './sdot.js';

/** Metric codes shared with the C++ core (native/include/advect/kernels.h). */
export const METRIC_CODES = {
  sqeuclidean: 0,
  euclidean: 1,
  cityblock: 2,
  minkowski: 3,
  cosine: 4,
} as const;
export type MetricName = keyof typeof METRIC_CODES;

export interface CoreOps {
  expArray(x: FloatArray, out: FloatArray): void;
  /** Σ x_i in double precision, deterministic. */
  sum(x: FloatArray): number;
  /** Index of the first NaN or ±inf, or -1. */
  firstNonFinite(x: FloatArray): number;
  dist(x: FloatArray, n: number, y: FloatArray, m: number, d: number, metric: number, p: number, out: FloatArray): void;
  /** axis 1: out_i = LSE_j; axis 0: out_j = LSE_i; of (alpha_i + beta_j − C_ij)/eps. */
  lseDense(
    C: FloatArray, n: number, m: number, alpha: FloatArray | null, beta: FloatArray | null,
    eps: number, axis: 0 | 1, out: FloatArray,
  ): void;
  lseOnline(
    x: FloatArray, n: number, y: FloatArray, m: number, d: number, metric: number, p: number,
    alpha: FloatArray | null, beta: FloatArray | null, eps: number, axis: 0 | 1, out: FloatArray,
  ): void;
  /** kind 0: s_ij = (beta_j − c(x_i,y_j))/eps; kind 1: s_ij = beta_j + scale·<x_i, y_j>. */
  softmaxSum(
    x: FloatArray, n: number, y: FloatArray, m: number, d: number, kind: 0 | 1, metric: number, p: number,
    eps: number, scale: number, beta: FloatArray | null, V: FloatArray, dv: number, out: FloatArray,
    lse: FloatArray | null,
  ): void;
}

export interface NativeInfo {
  simd: string;
  simdDetected: string;
  simdCompiled: string[];
  openmp: boolean;
  threads: number;
  hardwareThreads: number;
  napi: number;
  compiler?: string;
}

/** What a native async op returns: the promise plus a cancel switch read by the worker. */
export interface JobHandle<R> {
  promise: Promise<R>;
  cancel(): void;
}

export interface Backend {
  readonly name: 'native' | 'js';
  info(): NativeInfo;
  setThreads(n: number): number;
  readonly core: CoreOps;
  readonly emd: EmdOps;
  readonly exact: ExactOps;
  readonly sinkhorn: SinkhornOps;
  readonly particles: ParticlesOps;
  readonly sdot: SdotOps;
}
