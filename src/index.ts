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
  simulate, simulateAsync, fieldVelocity, fieldEnergy, philoxNormals, attentionGaussianOde, ouMomentsOde, heatGaussian,
  linearNetRiccati, linearNetRisk, moments, otCoupling, sampleConditionalFlow,
} from './particles/index.js';
export type {
  SimulateOptions, SimulateResult, SimulateProgress, Trajectory, IntegratorName, FieldOptions, AttentionField, MmdField,
  LangevinField, LangevinPotential, MeanFieldField, FlowMatchingField, DiffusionField, MixtureOptions,
  SinkhornDivergenceField, CoupledFlowMatchingField, OtCoupling, OtCouplingOptions,
} from './particles/index.js';
export { vpSchedule, noisedMixture, mixtureScore, sampleMixture } from './diffusion/index.js';
export type { Mixture, VpOptions } from './diffusion/index.js';
export {
  sinkhorn, sinkhornAsync, sinkhorn2, sinkhornCost, sinkhornPoints, sinkhornPointsAsync, sinkhornPotentials,
} from './ot/sinkhorn.js';
export type {
  SinkhornMethod, SinkhornOptions, SinkhornPointsOptions, SinkhornResult, SinkhornProgress, SinkhornAsyncOptions,
  SinkhornPointsAsyncOptions, SinkhornPotentials,
} from './ot/sinkhorn.js';
export { emd, emd2, emdAsync, emdPoints, emdPointsAsync, emd2Lazy, sparseToDense } from './ot/emd.js';
export type { EmdOptions, EmdPointsOptions, EmdResult, EmdStatus, EmdProgress, SparsePlan, LazyMetric } from './ot/emd.js';
export { wasserstein1d, emd1d, emd2_1d } from './ot/wasserstein1d.js';
export type { Emd1dOptions, Emd1dResult, Metric1d } from './ot/wasserstein1d.js';
export { slicedWasserstein, maxSlicedWasserstein, randomProjections } from './ot/sliced.js';
export type { SlicedOptions, SlicedResult } from './ot/sliced.js';
export {
  buresWasserstein, gaussianMap, applyAffine, gaussianGeodesic, gaussianFlowMatching, gaussianFmMap, gaussianCommutation,
  empiricalGaussian, empiricalBuresWasserstein, empiricalGaussianMap,
} from './ot/gaussian.js';
export type { BuresResult, GaussianMap, CommutationDiagnostic, EmpiricalGaussianOptions } from './ot/gaussian.js';
export { barycentricProjection, mccannInterpolate } from './ot/maps.js';
export type { PlanLike, Interpolation } from './ot/maps.js';
export { eigh, symFunction, sqrtm, invSqrtm, invSpd } from './linalg/eigh.js';
export type { Eigh } from './linalg/eigh.js';
export {
  powerDiagram, semiDiscreteOT, semiDiscreteOTAsync, semiDiscreteDual, cellPolygon, cellNeighbors,
  semiDiscreteSgd, semiDiscreteSgdAsync, lloyd, lloydAsync, stipple, stippleAsync, sampleImage,
} from './semidiscrete/index.js';
export type {
  LaguerreCells, Facets, PowerDiagramResult, PowerDiagramOptions, SemiDiscreteOptions, SemiDiscreteAsyncOptions,
  SemiDiscreteProgress, SemiDiscreteResult, DualResult, Sampler, SemiDiscreteSgdOptions, SemiDiscreteSgdResult,
  SemiDiscreteSgdProgress, SemiDiscreteSgdAsyncOptions, LloydOptions, LloydResult, LloydProgress, LloydAsyncOptions,
  StippleOptions, DomainLike, DensityLike,
} from './semidiscrete/index.js';
