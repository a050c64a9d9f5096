/**
 * Diffusion helpers (paper §2.4) for isotropic Gaussian mixtures Σ_k w_k N(μ_k, σ_k² I):
 * the VP/OU forward marginal (still a mixture: means α_τ μ_k, variances 1 − α_τ² + α_τ² σ_k²),
 * its exact score, and seeded sampling. The particle fields themselves ('diffusion',
 * 'flow-matching') live in src/particles/.
 */
import { rangeError } from '../errors.js';
import type { Matrix, MatrixLike, VectorLike } from '../types.js';
import { gaussian, mulberry32 } from '../util/random.js';
import { positiveNumber, toMatrix, toVector } from '../validate.js';

export interface Mixture {
  /** K×d component means. */
  means: MatrixLike;
  /** Component weights (default uniform). */
  weights?: VectorLike;
  /** Standard deviation(s): one number or one per component (0 allowed: atoms). */
  sigma: number | VectorLike;
}

interface Parsed { mu: Matrix; w: Float64Array; s: Float64Array }

function parse(m: Mixture): Parsed {
  const mu = toMatrix(m.means, 'means');
  const K = mu.rows;
  if (K === 0) throw rangeError('at least one component', 'means', '0 rows');
  const w = new Float64Array(K);
  if (m.weights === undefined) w.fill(1 / K);
  else {
    const a = toVector(m.weights, 'weights', { length: K });
    let t = 0;
    for (let k = 0; k < K; k++) {
      if (!(a[k] >= 0)) throw rangeError('non-negative weights', 'weights', a[k]);
      t += a[k];
    }
    if (!(t > 0)) throw rangeError('weights with a positive total', 'weights', t);
    for (let k = 0; k < K; k++) w[k] = a[k] / t;
  }
  const s = new Float64Array(K);
  if (typeof m.sigma === 'number') {
    if (!(m.sigma >= 0)) throw rangeError('a non-negative sigma', 'sigma', m.sigma);
    s.fill(m.sigma);
  } else {
    const a = toVector(m.sigma, 'sigma', { length: K });
    for (let k = 0; k < K; k++) {
      if (!(a[k] >= 0)) throw rangeError('non-negative sigmas', 'sigma', a[k]);
      s[k] = a[k];
    }
  }
  return { mu: { data: Float64Array.from(mu.data), rows: K, cols: mu.cols }, w, s };
}

export interface VpOptions {
  /** 'ou' (β ≡ 2: dY = −Y dτ + √2 dB, default) or 'vp' (β linear from betaMin to betaMax over [0, horizon]). */
  schedule?: 'ou' | 'vp';
  betaMin?: number;
  betaMax?: number;
  horizon?: number;
}

/** α_τ (mean factor), σ_τ² = 1 − α_τ² and β(τ) of the forward process, as the 'diffusion' field uses. */
export function vpSchedule(tau: number, opts: VpOptions = {}): { alpha: number; variance: number; beta: number } {
  const ou = (opts.schedule ?? 'ou') === 'ou';
  const bmin = ou ? 2 : positiveNumber(opts.betaMin ?? 0.1, 'betaMin');
  const bmax = ou ? 2 : positiveNumber(opts.betaMax ?? 20, 'betaMax');
  const horizon = positiveNumber(opts.horizon ?? (ou ? 5 : 1), 'horizon');
  const beta = bmin + ((bmax - bmin) * tau) / horizon;
  const B = bmin * tau + (0.5 * (bmax - bmin) * tau * tau) / horizon;
  return { alpha: Math.exp(-0.5 * B), variance: -Math.expm1(-B), beta };
}

/** The forward marginal at τ of a mixture: again a mixture (means α μ_k, σ_k'² = σ_τ² + α² σ_k²). */
export function noisedMixture(m: Mixture, tau: number, opts: VpOptions = {}): { means: number[][]; weights: number[]; sigma: number[] } {
  const { mu, w, s } = parse(m);
  const { alpha, variance } = vpSchedule(tau, opts);
  const d = mu.cols;
  return {
    means: Array.from({ length: mu.rows }, (_, k) => Array.from({ length: d }, (_, b) => alpha * mu.data[k * d + b])),
    weights: Array.from(w),
    sigma: Array.from(s, (sk) => Math.sqrt(variance + alpha * alpha * sk * sk)),
  };
}

/** ∇ log p(x) of the mixture at each row of x (n×d). Components with σ_k = 0 are not allowed. */
export function mixtureScore(x: MatrixLike, m: Mixture): Matrix {
  const X = toMatrix(x, 'x');
  const { mu, w, s } = parse(m);
  const d = mu.cols, K = mu.rows;
  if (X.cols !== d) throw rangeError(`${d} columns (as means)`, 'x', `${X.cols} columns`);
  for (let k = 0; k < K; k++) if (!(s[k] > 0)) throw rangeError('positive sigmas for a score', 'sigma', s[k]);
  const out = new Float64Array(X.rows * d), lp = new Float64Array(K);
  for (let i = 0; i < X.rows; i++) {
    let mx = -Infinity;
    for (let k = 0; k < K; k++) {
      let r2 = 0;
      for (let b = 0; b < d; b++) { const df = X.data[i * d + b] - mu.data[k * d + b]; r2 += df * df; }
      lp[k] = Math.log(w[k]) - d * Math.log(s[k]) - r2 / (2 * s[k] * s[k]);
      if (lp[k] > mx) mx = lp[k];
    }
    let tot = 0;
    for (let k = 0; k < K; k++) { lp[k] = Math.exp(lp[k] - mx); tot += lp[k]; }
    for (let k = 0; k < K; k++)
      for (let b = 0; b < d; b++) out[i * d + b] += (lp[k] / tot) * (mu.data[k * d + b] - X.data[i * d + b]) / (s[k] * s[k]);
  }
  return { data: out, rows: X.rows, cols: d };
}

/** n seeded samples of the mixture (n×d, float64). */
export function sampleMixture(m: Mixture, n: number, seed = 0): Matrix {
  const { mu, w, s } = parse(m);
  const d = mu.cols, K = mu.rows;
  const rng = mulberry32(seed), g = gaussian(rng);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let u = rng(), k = 0;
    while (k < K - 1 && u >= w[k]) { u -= w[k]; k++; }
    for (let b = 0; b < d; b++) out[i * d + b] = mu.data[k * d + b] + s[k] * g();
  }
  return { data: out, rows: n, cols: d };
}
