/**
 * Lloyd iterations for capacity-constrained Voronoi diagrams (blue noise): alternate a
 * semi-discrete OT solve (warm-started Newton, every cell gets its target mass) with moving each
 * site to the barycentre of its cell. `stipple` does this for an image: points start at
 * samples of the image density and end as a blue-noise stippling.
 */
import { backend } from '../backend/index.js';
import type { SdotLloydRaw } from '../backend/sdot.js';
import { rangeError } from '../errors.js';
import { callNative, runNativeJob, type AsyncOptions } from '../jobs.js';
import type { FloatArray, Matrix, MatrixLike, VectorLike } from '../types.js';
import { nonNegativeInteger, options, positiveInteger, positiveNumber, toMatrix } from '../validate.js';
import { mulberry32 } from '../util/random.js';
import { castOut, parseBounds, parseMasses, parseProblem, type DensityLike, type DomainLike, type Problem2D } from './problem.js';
import type { SemiDiscreteResult } from './sdot.js';
import { semiDiscreteResultFromRaw } from './sdot.js';

export interface LloydOptions {
  masses?: VectorLike;
  domain?: DomainLike;
  density?: DensityLike;
  /** Site moves (default 20); a final solve runs at the final sites. */
  iterations?: number;
  /** Tolerance of each OT solve (default 1e-6 relative mass error). */
  tol?: number;
  /** Newton iterations per solve (default 50). */
  maxIter?: number;
}

export interface LloydResult {
  sites: Matrix;
  weights: FloatArray;
  /** Largest site displacement at each move. */
  movement: number[];
  iterations: number;
  /** The final OT solve, at the returned sites. */
  transport: SemiDiscreteResult;
}

export interface LloydProgress {
  iteration: number;
  maxRelMassError: number;
  movement: number;
  newtonIterations: number;
}

function rawOpts(o: Record<string, unknown>, defTol: number) {
  return {
    iterations: o.iterations === undefined ? 20 : nonNegativeInteger(o.iterations, 'iterations', 1e6),
    tol: o.tol === undefined ? defTol : positiveNumber(o.tol, 'tol'),
    maxIter: o.maxIter === undefined ? 50 : positiveInteger(o.maxIter, 'maxIter', 1e6),
    cgTol: 1e-2,
  };
}

const img = (p: Problem2D) => [p.image, p.iw, p.ih, p.bounds] as const;

function lloydResult(r: SdotLloydRaw, p: Problem2D): LloydResult {
  const transport = semiDiscreteResultFromRaw(r.last, p.dtype, p.n);
  return {
    sites: { data: castOut(r.sites, p.dtype), rows: p.n, cols: 2 }, weights: transport.weights,
    movement: Array.from(r.movement), iterations: r.iterations, transport,
  };
}

/** Capacity-constrained Lloyd iterations from the given sites. */
export function lloyd(sites: MatrixLike, opts?: LloydOptions): LloydResult {
  const o = options(opts);
  const p = parseProblem(sites, o);
  const b = parseMasses(o.masses, p.n);
  const raw = rawOpts(o, 1e-6);
  return lloydResult(callNative(() => backend().sdot.lloyd(p.sites, p.n, b, p.domain, p.nv, ...img(p), raw)), p);
}

export type LloydAsyncOptions = LloydOptions & AsyncOptions<LloydProgress>;
const mapProgress = (v: number[]): LloydProgress => ({ iteration: v[0], maxRelMassError: v[1], movement: v[2], newtonIterations: v[3] });

export async function lloydAsync(sites: MatrixLike, opts?: LloydAsyncOptions): Promise<LloydResult> {
  const { signal, onProgress, ...rest } = options(opts) as LloydAsyncOptions;
  const p = parseProblem(sites, rest);
  const b = parseMasses(rest.masses, p.n);
  const raw = rawOpts(rest, 1e-6);
  const r = await runNativeJob((onp) => backend().sdot.lloydAsync(p.sites, p.n, b, p.domain, p.nv, ...img(p), raw, onp), { signal, onProgress }, mapProgress);
  return lloydResult(r, p);
}

export interface StippleOptions {
  /** Rectangle the image covers (default [0, 0, cols/s, rows/s] with s = max(rows, cols)). */
  bounds?: [number, number, number, number];
  /** Lloyd moves (default 20). */
  iterations?: number;
  /** Tolerance of each OT solve (default 1e-4). */
  tol?: number;
  /** Seed of the initial sample (default 1). */
  seed?: number;
}

/**
 * Draws `n` points from the image density (pixel by inverse CDF, uniform inside the pixel),
 * seeded, with distinct positions.
 */
export function sampleImage(image: MatrixLike, n: number, bounds: [number, number, number, number], seed = 1): Float64Array {
  const I = toMatrix(image, 'image');
  positiveInteger(n, 'n', 2 ** 26);
  parseBounds(bounds, 'bounds');
  nonNegativeInteger(seed, 'seed', 2 ** 32 - 1);
  const cdf = new Float64Array(I.data.length);
  let s = 0;
  for (let k = 0; k < I.data.length; k++) {
    if (!(I.data[k] >= 0)) throw rangeError('non-negative pixel values', 'image', `${I.data[k]} at index ${k}`);
    s += I.data[k];
    cdf[k] = s;
  }
  if (!(s > 0)) throw rangeError('an image with a positive total', 'image', s);
  const rng = mulberry32(seed);
  const [x0, y0, x1, y1] = bounds;
  const pw = (x1 - x0) / I.cols, ph = (y1 - y0) / I.rows;
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const u = rng() * s;
    let lo = 0, hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    const r = Math.floor(lo / I.cols), c = lo % I.cols;
    out[2 * i] = x0 + (c + rng()) * pw;
    out[2 * i + 1] = y1 - (r + rng()) * ph;
  }
  return out;
}

function stippleSetup(image: MatrixLike, n: number, opts: unknown) {
  const o = options(opts);
  const N = positiveInteger(n, 'points', 1e7);
  const I = toMatrix(image, 'image');
  const sc = Math.max(I.rows, I.cols);
  const bounds = (o.bounds as [number, number, number, number] | undefined) ?? [0, 0, I.cols / sc, I.rows / sc];
  const seed = o.seed === undefined ? 1 : nonNegativeInteger(o.seed, 'seed', 4294967295);
  const sites = sampleImage(I, N, bounds, seed);
  const lo: LloydOptions = {
    domain: bounds, density: { image: I, bounds }, iterations: o.iterations as number | undefined, tol: (o.tol as number | undefined) ?? 1e-4,
  };
  return { sites: { data: sites, rows: N, cols: 2 }, lo };
}

/** Blue-noise stippling of an image: `n` points whose Laguerre cells carry equal mass, after Lloyd moves. */
export function stipple(image: MatrixLike, n: number, opts?: StippleOptions): LloydResult {
  const { sites, lo } = stippleSetup(image, n, opts);
  return lloyd(sites, lo);
}

export async function stippleAsync(image: MatrixLike, n: number, opts?: StippleOptions & AsyncOptions<LloydProgress>): Promise<LloydResult> {
  const { signal, onProgress, ...rest } = options(opts) as StippleOptions & AsyncOptions<LloydProgress>;
  const { sites, lo } = stippleSetup(image, n, rest);
  return lloydAsync(sites, { ...lo, signal, onProgress });
}
