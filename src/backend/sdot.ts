/**
 * Semi-discrete OT ops (native/addon/sdot_binding.cc and src/backend/js/sdot.ts).
 * Positional and low-level: Float64Array inputs already validated by src/semidiscrete/, the
 * domain convex (any orientation), masses positive and summing to 1 (the density is a
 * probability measure). Results are fresh arrays.
 */
import type { JobHandle } from './types.js';

export interface SdotDiagramRaw {
  masses: Float64Array;
  areas: Float64Array;
  centroids: Float64Array;
  /** ∫_{Lag_i} |x − y_i|² dμ per cell. */
  costs: Float64Array;
  /** Cell i's polygon is vertices[2·offsets[i] .. 2·offsets[i+1]) (counter-clockwise). */
  offsets: Int32Array;
  vertices: Float64Array;
  /** Edge k (vertex k → next) borders this site (−1: domain boundary). */
  edgeNeighbors: Int32Array;
  /** Facets shared by i < j: ∫_facet ρ ds and length. */
  edgeI: Int32Array;
  edgeJ: Int32Array;
  edgeFacet: Float64Array;
  edgeLength: Float64Array;
}

export interface SdotNewtonRaw {
  weights: Float64Array;
  history: Float64Array;
  iterations: number;
  cgIterations: number;
  maxRelMassError: number;
  converged: boolean;
  reason: string;
  cost: number;
  diagram: SdotDiagramRaw;
}

export interface SdotNewtonRawOptions {
  tol: number;
  maxIter: number;
  cgTol: number;
}

export interface SdotSgdRawOptions {
  eps: number;
  iterations: number;
  batch: number;
  /** 0: automatic. */
  stepSize: number;
  seed: number;
}

export interface SdotSgdRaw {
  weights: Float64Array;
  lastWeights: Float64Array;
  masses: Float64Array;
  iterations: number;
  stepSize: number;
}

export interface SdotLloydRawOptions extends SdotNewtonRawOptions {
  iterations: number;
}

export interface SdotLloydRaw {
  sites: Float64Array;
  movement: Float64Array;
  iterations: number;
  last: SdotNewtonRaw;
}

/** Sampler codes shared with the C++ core (SamplerSpec::Kind). */
export const SAMPLER_CODES = { uniform: 0, gaussian: 1, samples: 2 } as const;

type Img = [image: Float64Array | null, iw: number, ih: number, bounds: Float64Array | null];

export interface SdotOps {
  diagram(sites: Float64Array, n: number, weights: Float64Array, domain: Float64Array, nv: number, ...rest: [...Img, wantCells: boolean]): SdotDiagramRaw;
  newton(
    sites: Float64Array, n: number, masses: Float64Array, weights0: Float64Array | null, domain: Float64Array, nv: number,
    ...rest: [...Img, opts: SdotNewtonRawOptions]
  ): SdotNewtonRaw;
  /** Progress: [iteration, maxRelMassError, step, cgIterations]. */
  newtonAsync(
    sites: Float64Array, n: number, masses: Float64Array, weights0: Float64Array | null, domain: Float64Array, nv: number,
    ...rest: [...Img, opts: SdotNewtonRawOptions, onProgress: ((raw: number[]) => void) | undefined]
  ): JobHandle<SdotNewtonRaw>;
  sgd(
    sites: Float64Array, n: number, d: number, masses: Float64Array, kind: number, a: Float64Array | null, b: Float64Array | null,
    samples: Float64Array | null, ns: number, opts: SdotSgdRawOptions,
  ): SdotSgdRaw;
  /** Progress: [iteration, total, step, 0]. */
  sgdAsync(
    sites: Float64Array, n: number, d: number, masses: Float64Array, kind: number, a: Float64Array | null, b: Float64Array | null,
    samples: Float64Array | null, ns: number, opts: SdotSgdRawOptions, onProgress: ((raw: number[]) => void) | undefined,
  ): JobHandle<SdotSgdRaw>;
  lloyd(
    sites: Float64Array, n: number, masses: Float64Array, domain: Float64Array, nv: number,
    ...rest: [...Img, opts: SdotLloydRawOptions]
  ): SdotLloydRaw;
  /** Progress: [iteration, maxRelMassError, movement, newtonIterations]. */
  lloydAsync(
    sites: Float64Array, n: number, masses: Float64Array, domain: Float64Array, nv: number,
    ...rest: [...Img, opts: SdotLloydRawOptions, onProgress: ((raw: number[]) => void) | undefined]
  ): JobHandle<SdotLloydRaw>;
}
