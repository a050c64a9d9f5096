/** Semi-discrete optimal transport: Laguerre cells, damped Newton, stochastic semi-dual, Lloyd / blue noise. */
export {
  powerDiagram, semiDiscreteOT, semiDiscreteOTAsync, semiDiscreteDual, cellPolygon, cellNeighbors,
} from './sdot.js';
export type {
  LaguerreCells, Facets, PowerDiagramResult, PowerDiagramOptions, SemiDiscreteOptions, SemiDiscreteAsyncOptions,
  SemiDiscreteProgress, SemiDiscreteResult, DualResult,
} from './sdot.js';
export { semiDiscreteSgd, semiDiscreteSgdAsync } from './stochastic.js';
export type { Sampler, SemiDiscreteSgdOptions, SemiDiscreteSgdResult, SemiDiscreteSgdProgress, SemiDiscreteSgdAsyncOptions } from './stochastic.js';
export { lloyd, lloydAsync, stipple, stippleAsync, sampleImage } from './lloyd.js';
export type { LloydOptions, LloydResult, LloydProgress, LloydAsyncOptions, StippleOptions } from './lloyd.js';
export type { DomainLike, DensityLike } from './problem.js';
