/**
 * Stochastic semi-discrete OT in any dimension (Genevay, Cuturi, Peyré, Bach 2016): averaged
 * SGD on the semi-dual, fed by a sampler of μ. With eps = 0 the semi-dual is
 * F(w) = Σ b_j w_j + E_x[min_j (|x − y_j|² − w_j)], whose maximiser is the Laguerre weight vector of
 * semiDiscreteOT (same sign and convention, mean zero); eps > 0 smooths the min into
 * −eps·log Σ_j b_j exp((w_j − |x − y_j|²)/eps). Step C/√k; the returned weights are the average
 * of the iterates.
 */
import { backend } from '../backend/index.js';
import { SAMPLER_CODES, type SdotSgdRaw, type SdotSgdRawOptions } from '../backend/sdot.js';
import { rangeError, typeError } from '../errors.js';
import { callNative, runNativeJob, type AsyncOptions } from '../jobs.js';
import type { FloatArray, MatrixLike, VectorLike } from '../types.js';
import { finiteNumber, nonNegativeInteger, options, positiveInteger, toMatrix, toVector } from '../validate.js';
import { castOut, parseMasses, parseSites } from './problem.js';

export type Sampler =
  | { kind: 'uniform'; low: VectorLike; high: VectorLike }
  | { kind: 'gaussian'; mean: VectorLike; std: VectorLike | number }
  | { kind: 'samples'; samples: MatrixLike };

export interface SemiDiscreteSgdOptions {
  /** Target masses (positive, summing to 1); default uniform. */
  masses?: VectorLike;
  /** Source sampler; default uniform on [0, 1]^d. User samples are drawn uniformly at random. */
  sampler?: Sampler;
  /** Entropic smoothing eps >= 0 (default 0: the unregularised semi-dual). */
  eps?: number;
  /** SGD steps (default 10000). */
  iterations?: number;
  /** Samples per step (default 16). */
  batch?: number;
  /** C in the step C/√k (default: the mean squared distance of the sites to their mean). */
  stepSize?: number;
  /** Seed of the sample stream (default 1). */
  seed?: number;
}

export interface SemiDiscreteSgdResult {
  /** Averaged weights (mean zero). */
  weights: FloatArray;
  /** Last iterate (mean zero). */
  lastWeights: FloatArray;
  /** Average assignment frequencies over the second half of the run (estimates μ(Lag_i)). */
  masses: FloatArray;
  iterations: number;
  stepSize: number;
}

export interface SemiDiscreteSgdProgress {
  iteration: number;
  total: number;
  step: number;
}

function prepare(sites: MatrixLike, opts: unknown) {
  const o = options(opts);
  const S = parseSites(sites, 'sites', null);
  const b = parseMasses(o.masses, S.n);
  const eps = o.eps === undefined ? 0 : finiteNumber(o.eps, 'eps');
  if (eps < 0) throw rangeError('eps >= 0', 'eps', eps);
  const raw: SdotSgdRawOptions = {
    eps,
    iterations: o.iterations === undefined ? 10000 : positiveInteger(o.iterations, 'iterations'),
    batch: o.batch === undefined ? 16 : positiveInteger(o.batch, 'batch', 1e7),
    stepSize: o.stepSize === undefined ? 0 : finiteNumber(o.stepSize, 'stepSize'),
    seed: o.seed === undefined ? 1 : nonNegativeInteger(o.seed, 'seed', 4294967295),
  };
  if (!(raw.stepSize >= 0)) throw rangeError('a positive step size', 'stepSize', raw.stepSize);
  const smp = (o.sampler ?? { kind: 'uniform', low: new Array(S.d).fill(0), high: new Array(S.d).fill(1) }) as Sampler;
  if (smp === null || typeof smp !== 'object') throw typeError("a sampler { kind: 'uniform' | 'gaussian' | 'samples', ... }", 'sampler', smp);
  let kind: number, a: Float64Array | null = null, bb: Float64Array | null = null, samples: Float64Array | null = null, ns = 0;
  const f64 = (v: FloatArray) => (v instanceof Float64Array ? v : Float64Array.from(v));
  if (smp.kind === 'uniform') {
    kind = SAMPLER_CODES.uniform;
    a = f64(toVector(smp.low, 'sampler.low', { length: S.d }));
    bb = f64(toVector(smp.high, 'sampler.high', { length: S.d }));
    for (let k = 0; k < S.d; k++) if (!(bb[k] >= a[k])) throw rangeError('high >= low', 'sampler.high', `${bb[k]} at index ${k}`);
  } else if (smp.kind === 'gaussian') {
    kind = SAMPLER_CODES.gaussian;
    a = f64(toVector(smp.mean, 'sampler.mean', { length: S.d }));
    bb = typeof smp.std === 'number' ? new Float64Array(S.d).fill(smp.std) : f64(toVector(smp.std, 'sampler.std', { length: S.d }));
    for (let k = 0; k < S.d; k++) if (!(bb[k] >= 0) || !Number.isFinite(bb[k])) throw rangeError('non-negative finite standard deviations', 'sampler.std', `${bb[k]} at index ${k}`);
  } else if (smp.kind === 'samples') {
    kind = SAMPLER_CODES.samples;
    const M = toMatrix(smp.samples, 'sampler.samples');
    if (M.cols !== S.d) throw rangeError(`${S.d} columns (as sites)`, 'sampler.samples', `${M.cols} columns`);
    if (M.rows < 1) throw rangeError('at least one sample', 'sampler.samples', '0 rows');
    samples = f64(M.data);
    ns = M.rows;
  } else {
    throw typeError("one of 'uniform', 'gaussian', 'samples'", 'sampler.kind', (smp as { kind?: unknown }).kind);
  }
  return { S, b, raw, kind, a, bb, samples, ns };
}

function result(r: SdotSgdRaw, dtype: 'float32' | 'float64'): SemiDiscreteSgdResult {
  return {
    weights: castOut(r.weights, dtype), lastWeights: castOut(r.lastWeights, dtype), masses: castOut(r.masses, dtype),
    iterations: r.iterations, stepSize: r.stepSize,
  };
}

/** Stochastic semi-dual solver (any dimension). */
export function semiDiscreteSgd(sites: MatrixLike, opts?: SemiDiscreteSgdOptions): SemiDiscreteSgdResult {
  const p = prepare(sites, opts);
  const r = callNative(() => backend().sdot.sgd(p.S.data, p.S.n, p.S.d, p.b, p.kind, p.a, p.bb, p.samples, p.ns, p.raw));
  return result(r, p.S.dtype);
}

export type SemiDiscreteSgdAsyncOptions = SemiDiscreteSgdOptions & AsyncOptions<SemiDiscreteSgdProgress>;

export async function semiDiscreteSgdAsync(sites: MatrixLike, opts?: SemiDiscreteSgdAsyncOptions): Promise<SemiDiscreteSgdResult> {
  const { signal, onProgress, ...rest } = options(opts) as SemiDiscreteSgdAsyncOptions;
  const p = prepare(sites, rest);
  const r = await runNativeJob(
    (onp) => backend().sdot.sgdAsync(p.S.data, p.S.n, p.S.d, p.b, p.kind, p.a, p.bb, p.samples, p.ns, p.raw, onp),
    { signal, onProgress },
    (v): SemiDiscreteSgdProgress => ({ iteration: v[0], total: v[1], step: v[2] }),
  );
  return result(r, p.S.dtype);
}
