/**
 * Semi-discrete optimal transport in 2-D: power (Laguerre) diagrams and the damped Newton solver
 * of Kitagawa, Mérigot and Thibert.
 *
 * Conventions (issue 6): a probability density μ on a convex domain is sent to sites y_i with
 * masses b_i. Weights w define the cells Lag_i(w) = { x : |x − y_i|² − w_i <= |x − y_j|² − w_j ∀j };
 * the solver finds w with μ(Lag_i(w)) = b_i, returned with mean zero. The dual objective
 * Φ(w) = Σ b_i w_i + ∫ min_i (|x − y_i|² − w_i) dμ is concave with gradient b − masses; the mass
 * Jacobian is the graph Laplacian with off-diagonal −(∫_facet ρ)/(2|y_i − y_j|) (Φ's Hessian is
 * its negative).
 */
import { backend } from '../backend/index.js';
import type { SdotDiagramRaw, SdotNewtonRaw } from '../backend/sdot.js';
import { rangeError } from '../errors.js';
import { callNative, runNativeJob, type AsyncOptions } from '../jobs.js';
import type { DType, FloatArray, Matrix, MatrixLike, VectorLike } from '../types.js';
import { options, positiveInteger, positiveNumber, toVector } from '../validate.js';
import { castOut, parseMasses, parseProblem, type DensityLike, type DomainLike, type Problem2D } from './problem.js';

export interface LaguerreCells {
  /** Cell i's polygon is vertices[2·offsets[i] .. 2·offsets[i+1]) as (x, y) pairs, counter-clockwise. */
  offsets: Int32Array;
  vertices: FloatArray;
  /** The site across edge k (from vertex k to the next vertex of its cell); −1 on the domain boundary. */
  edgeNeighbors: Int32Array;
}

/** Facets shared by sites i < j: their density measure ∫_facet ρ ds and length. */
export interface Facets {
  i: Int32Array;
  j: Int32Array;
  measure: FloatArray;
  length: FloatArray;
}

export interface PowerDiagramResult {
  /** μ(Lag_i). */
  masses: FloatArray;
  /** Lebesgue area of Lag_i (sums to the domain's area). */
  areas: FloatArray;
  /** Barycentres under μ (N×2); the geometric centroid for a cell without mass, the site for an empty one. */
  centroids: Matrix;
  /** ∫_{Lag_i} |x − y_i|² dμ. */
  costs: FloatArray;
  /** Σ costs: the transport cost ∫ |x − T(x)|² dμ of the map T = y_i on Lag_i. */
  cost: number;
  cells: LaguerreCells;
  facets: Facets;
}

export interface PowerDiagramOptions {
  domain?: DomainLike;
  density?: DensityLike;
}

export interface SemiDiscreteOptions extends PowerDiagramOptions {
  /** Target masses (positive, summing to 1); default uniform 1/N. */
  masses?: VectorLike;
  /** Stop when max_i |mass_i − b_i| / b_i <= tol (default 1e-9). */
  tol?: number;
  /** Newton iterations (default 50). */
  maxIter?: number;
  /** Initial weights (default zeros: the Voronoi diagram). */
  weights0?: VectorLike;
  /** Largest relative residual of the inner CG solve (default 1e-2; tightened near convergence). */
  cgTol?: number;
}

export interface SemiDiscreteProgress {
  iteration: number;
  maxRelMassError: number;
  /** Newton step length accepted by the line search. */
  step: number;
  cgIterations: number;
}

export interface SemiDiscreteResult extends PowerDiagramResult {
  /** Weights w (mean zero). */
  weights: FloatArray;
  iterations: number;
  maxRelMassError: number;
  converged: boolean;
  /** Why it stopped without converging ('' when converged). */
  reason: string;
  /** max relative mass error before the first step and after each Newton step. */
  history: number[];
  cgIterations: number;
}

function diagramResult(raw: SdotDiagramRaw, dtype: DType, n: number): PowerDiagramResult {
  let cost = 0;
  for (let i = 0; i < raw.costs.length; i++) cost += raw.costs[i];
  return {
    masses: castOut(raw.masses, dtype),
    areas: castOut(raw.areas, dtype),
    centroids: { data: castOut(raw.centroids, dtype), rows: n, cols: 2 },
    costs: castOut(raw.costs, dtype),
    cost,
    cells: { offsets: raw.offsets, vertices: castOut(raw.vertices, dtype), edgeNeighbors: raw.edgeNeighbors },
    facets: { i: raw.edgeI, j: raw.edgeJ, measure: castOut(raw.edgeFacet, dtype), length: castOut(raw.edgeLength, dtype) },
  };
}

function weightsArg(value: unknown, n: number, name: string): Float64Array {
  const v = toVector(value, name, { length: n });
  return v instanceof Float64Array ? v : Float64Array.from(v);
}

const img = (p: Problem2D) => [p.image, p.iw, p.ih, p.bounds] as const;

/**
 * The power diagram of weighted sites clipped to the domain, with per-cell masses, areas,
 * centroids and costs, the cell polygons with their neighbours, and the shared facets.
 * @example powerDiagram([[0.25, 0.5], [0.75, 0.5]]).areas // [0.5, 0.5]
 */
export function powerDiagram(sites: MatrixLike, weights?: VectorLike, opts?: PowerDiagramOptions): PowerDiagramResult {
  const o = options(opts);
  const p = parseProblem(sites, o);
  const w = weightsArg(weights ?? new Float64Array(p.n), p.n, 'weights');
  const raw = callNative(() => backend().sdot.diagram(p.sites, p.n, w, p.domain, p.nv, ...img(p), true));
  return diagramResult(raw, p.dtype, p.n);
}

/** Polygon of cell i as a flat [x0, y0, x1, y1, ...] array (empty for an empty cell). */
export function cellPolygon(cells: LaguerreCells, i: number): FloatArray {
  return cells.vertices.slice(2 * cells.offsets[i], 2 * cells.offsets[i + 1]);
}

/** Neighbours of cell i with the length of the shared edge (boundary edges are left out). */
export function cellNeighbors(cells: LaguerreCells, i: number): Array<{ site: number; length: number }> {
  const out: Array<{ site: number; length: number }> = [];
  const a = cells.offsets[i], b = cells.offsets[i + 1], V = cells.vertices;
  for (let k = a; k < b; k++) {
    const q = k + 1 === b ? a : k + 1;
    const j = cells.edgeNeighbors[k];
    if (j < 0) continue;
    out.push({ site: j, length: Math.hypot(V[2 * q] - V[2 * k], V[2 * q + 1] - V[2 * k + 1]) });
  }
  return out;
}

export interface DualResult {
  /** Φ(w) = Σ b_i w_i + Σ_i ∫_{Lag_i} (|x − y_i|² − w_i) dμ. */
  value: number;
  /** ∇Φ = b − masses. */
  gradient: Float64Array;
  /** Φ's Hessian in coordinate form (symmetric, rows sum to zero): entries (rows[k], cols[k], values[k]). */
  hessian: { rows: Int32Array; cols: Int32Array; values: Float64Array };
  masses: Float64Array;
}

/** The concave dual objective of semi-discrete OT, its gradient and its sparse Hessian. */
export function semiDiscreteDual(sites: MatrixLike, weights: VectorLike, opts?: Omit<SemiDiscreteOptions, 'tol' | 'maxIter' | 'weights0' | 'cgTol'>): DualResult {
  const o = options(opts);
  const p = parseProblem(sites, o);
  const b = parseMasses(o.masses, p.n);
  const w = weightsArg(weights, p.n, 'weights');
  const raw = callNative(() => backend().sdot.diagram(p.sites, p.n, w, p.domain, p.nv, ...img(p), false));
  let value = 0;
  const gradient = new Float64Array(p.n);
  for (let i = 0; i < p.n; i++) {
    value += b[i] * w[i] + raw.costs[i] - w[i] * raw.masses[i];
    gradient[i] = b[i] - raw.masses[i];
  }
  const ne = raw.edgeI.length;
  const rows: number[] = [], cols: number[] = [], values: number[] = [];
  const diag = new Float64Array(p.n);
  for (let e = 0; e < ne; e++) {
    const i = raw.edgeI[e], j = raw.edgeJ[e];
    const c = raw.edgeFacet[e] / (2 * Math.hypot(p.sites[2 * i] - p.sites[2 * j], p.sites[2 * i + 1] - p.sites[2 * j + 1]));
    rows.push(i, j);
    cols.push(j, i);
    values.push(c, c);
    diag[i] -= c;
    diag[j] -= c;
  }
  for (let i = 0; i < p.n; i++) rows.push(i), cols.push(i), values.push(diag[i]);
  return {
    value, gradient, masses: raw.masses,
    hessian: { rows: Int32Array.from(rows), cols: Int32Array.from(cols), values: Float64Array.from(values) },
  };
}

function prepare(sites: MatrixLike, opts: unknown) {
  const o = options(opts);
  const p = parseProblem(sites, o);
  const b = parseMasses(o.masses, p.n);
  const tol = o.tol === undefined ? 1e-9 : positiveNumber(o.tol, 'tol');
  const maxIter = o.maxIter === undefined ? 50 : positiveInteger(o.maxIter, 'maxIter', 1e6);
  const cgTol = o.cgTol === undefined ? 1e-2 : positiveNumber(o.cgTol, 'cgTol');
  if (!(cgTol < 1)) throw rangeError('a number in (0, 1)', 'cgTol', cgTol);
  const w0 = o.weights0 === undefined ? null : weightsArg(o.weights0, p.n, 'weights0');
  return { p, b, w0, raw: { tol, maxIter, cgTol } };
}

/** Builds the public result from a raw Newton result (shared with lloyd). */
export function semiDiscreteResultFromRaw(raw: SdotNewtonRaw, dtype: DType, n: number): SemiDiscreteResult {
  const d = diagramResult(raw.diagram, dtype, n);
  return {
    ...d,
    cost: raw.cost,
    weights: castOut(raw.weights, dtype),
    iterations: raw.iterations,
    maxRelMassError: raw.maxRelMassError,
    converged: raw.converged,
    reason: raw.reason,
    history: Array.from(raw.history),
    cgIterations: raw.cgIterations,
  };
}

/**
 * Solves semi-discrete OT from μ (uniform or image density on a convex domain) to the sites
 * by damped Newton. Duplicate sites throw ADVECT_INFEASIBLE; a run that stops early returns
 * `converged: false` with its `reason`.
 * @example semiDiscreteOT(sites, { tol: 1e-9 }).weights
 */
export function semiDiscreteOT(sites: MatrixLike, opts?: SemiDiscreteOptions): SemiDiscreteResult {
  const { p, b, w0, raw } = prepare(sites, opts);
  const r = callNative(() => backend().sdot.newton(p.sites, p.n, b, w0, p.domain, p.nv, ...img(p), raw));
  return semiDiscreteResultFromRaw(r, p.dtype, p.n);
}

export type SemiDiscreteAsyncOptions = SemiDiscreteOptions & AsyncOptions<SemiDiscreteProgress>;

/** Async form of semiDiscreteOT: off the main thread (native), progress once per Newton step, abortable. */
export async function semiDiscreteOTAsync(sites: MatrixLike, opts?: SemiDiscreteAsyncOptions): Promise<SemiDiscreteResult> {
  const { signal, onProgress, ...rest } = options(opts) as SemiDiscreteAsyncOptions;
  const { p, b, w0, raw } = prepare(sites, rest);
  const r = await runNativeJob(
    (onp) => backend().sdot.newtonAsync(p.sites, p.n, b, w0, p.domain, p.nv, ...img(p), raw, onp),
    { signal, onProgress },
    (v): SemiDiscreteProgress => ({ iteration: v[0], maxRelMassError: v[1], step: v[2], cgIterations: v[3] }),
  );
  return semiDiscreteResultFromRaw(r, p.dtype, p.n);
}
