/**
 * advect: optimal transport and diffusion transport for Node.js.
 * Public surface: flat and POT-familiar (README has the POT → advect table).
 */
export { engine } from './engine.js';
export { AdvectError } from './errors.js';
export type { AdvectErrorCode } from './errors.js';
export type { DType, FloatArray, Matrix, MatrixLike, VectorLike } from './types.js';
export type { MetricName } from './backend/types.js';
export { dist, logSumExp, logSumExpPoints, softmaxWeightedSum } from './kernels.js';
export type { DistOptions, LseOptions, LsePointsOptions, SoftmaxSumOptions } from './kernels.js';
export type { AsyncOptions } from './jobs.js';
export { readNpy, writeNpy, parseNpy, serializeNpy } from './io/npy.js';
export {
  sinkhorn, sinkhornAsync, sinkhorn2, sinkhornCost, sinkhornPoints, sinkhornPointsAsync, sinkhornPotentials,
} from './ot/sinkhorn.js';
export type {
  SinkhornMethod, SinkhornOptions, SinkhornPointsOptions, SinkhornResult, SinkhornProgress, SinkhornAsyncOptions,
  SinkhornPointsAsyncOptions, SinkhornPotentials,
} from './ot/sinkhorn.js';
