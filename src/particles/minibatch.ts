/**
 * Minibatch OT couplings for flow matching (torchcfm's OTPlanSampler, natively): solve exact OT
 * (network simplex) or entropic OT (Sinkhorn) between a source and a target minibatch with the
 * squared Euclidean cost, then draw pairs (i, j) from the plan. With `pairs` the coupled batch
 * feeds sampleConditionalFlow (training targets) or the 'coupled-flow-matching' field.
 */
import { emd } from '../ot/emd.js';
import { sinkhorn } from '../ot/sinkhorn.js';
import { dist } from '../kernels.js';
import { rangeError } from '../errors.js';
import type { FloatArray, Matrix, MatrixLike } from '../types.js';
import { mulberry32, gaussian } from '../util/random.js';
import { dtypeMismatch, dtypeOfArray, nonNegativeInteger, oneOf, options, positiveNumber, sameCols, toMatrix } from '../validate.js';

export interface OtCouplingOptions {
  /** 'emd' (exact, default), 'sinkhorn' (entropic, reg), or 'independent' (uniform plan). */
  method?: 'emd' | 'sinkhorn' | 'independent';
  /** Sinkhorn regularisation, in units of the cost (after normalizeCost) (default 0.05). */
  reg?: number;
  /** Divide the cost by its maximum before solving (torchcfm's normalize_cost; default false). */
  normalizeCost?: boolean;
  /** Number of pairs to draw (default n, the source batch size). */
  batchSize?: number;
  /** Draw with replacement (torchcfm's default, true); without replacement a permutation plan returns its pairs. */
  replace?: boolean;
  seed?: number;
}

export interface OtCoupling {
  /** Paired rows: x0.row(k) is coupled with x1.row(k). */
  x0: Matrix;
  x1: Matrix;
  /** Source and target indices of each pair. */
  i: Int32Array;
  j: Int32Array;
  /** Transport cost Σ P_ij C_ij of the plan (un-normalised cost). */
  cost: number;
}

/** Plan entries (rows, cols, probabilities summing to 1). */
function planEntries(X: Matrix, Y: Matrix, method: string, reg: number, normalize: boolean) {
  const n = X.rows, m = Y.rows;
  if (method === 'independent') {
    const rows = new Int32Array(n * m), cols = new Int32Array(n * m), p = new Float64Array(n * m).fill(1 / (n * m));
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) { rows[i * m + j] = i; cols[i * m + j] = j; }
    return { rows, cols, p };
  }
  const C = dist(X, Y);
  let scale = 1;
  if (normalize) {
    let mx = 0;
    for (let k = 0; k < C.data.length; k++) mx = Math.max(mx, C.data[k]);
    if (mx > 0) scale = mx;
  }
  const Cn = scale === 1 ? C : { ...C, data: C.data.map((v) => v / scale) as FloatArray };
  if (method === 'emd') {
    const r = emd(null, null, Cn);
    const p = Float64Array.from(r.plan.values);
    return { rows: r.plan.rows, cols: r.plan.cols, p, C };
  }
  const r = sinkhorn(null, null, Cn, reg, { plan: true });
  const P = r.plan!.data;
  const rows = new Int32Array(n * m), cols = new Int32Array(n * m), p = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) { rows[i * m + j] = i; cols[i * m + j] = j; p[i * m + j] = P[i * m + j]; }
  return { rows, cols, p, C };
}

export function otCoupling(x0: MatrixLike, x1: MatrixLike, opts?: OtCouplingOptions): OtCoupling {
  const o = options(opts);
  const X = toMatrix(x0, 'x0'), Y = toMatrix(x1, 'x1');
  sameCols(X, Y, 'x0', 'x1');
  if (X.rows === 0 || Y.rows === 0) throw rangeError('non-empty batches', 'x0/x1', `${X.rows} and ${Y.rows} rows`);
  if (dtypeOfArray(X.data) !== dtypeOfArray(Y.data)) {
    throw dtypeMismatch(dtypeOfArray(X.data), 'x0', 'x1', dtypeOfArray(Y.data));
  }
  const method = oneOf(o.method ?? 'emd', 'method', ['emd', 'sinkhorn', 'independent'] as const);
  const reg = o.reg === undefined ? 0.05 : positiveNumber(o.reg, 'reg');
  const batch = o.batchSize === undefined ? X.rows : nonNegativeInteger(o.batchSize, 'batchSize');
  const seed = o.seed === undefined ? 0 : nonNegativeInteger(o.seed, 'seed');
  const replace = o.replace === undefined ? true : Boolean(o.replace);
  const { rows, cols, p } = planEntries(X, Y, method, reg, Boolean(o.normalizeCost));
  let tot = 0;
  for (let k = 0; k < p.length; k++) tot += p[k];
  const rng = mulberry32(seed);
  const picks: number[] = [];
  if (replace) {
    const cdf = new Float64Array(p.length);
    let s = 0;
    for (let k = 0; k < p.length; k++) { s += p[k] / tot; cdf[k] = s; }
    for (let b = 0; b < batch; b++) {
      const u = rng() * s;
      let lo = 0, hi = p.length - 1;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (cdf[mid] > u) hi = mid; else lo = mid + 1; }
      while (p[lo] === 0 && lo + 1 < p.length) lo++;
      picks.push(lo);
    }
  } else {
    // Weighted sampling without replacement (Efraimidis–Spirakis keys u^(1/p)).
    const keys: Array<[number, number]> = [];
    for (let k = 0; k < p.length; k++) if (p[k] > 0) keys.push([Math.log(rng()) / p[k], k]);
    if (batch > keys.length) throw rangeError(`at most ${keys.length} pairs without replacement`, 'batchSize', batch);
    keys.sort((a, b) => b[0] - a[0]);
    for (let b = 0; b < batch; b++) picks.push(keys[b][1]);
    picks.sort((a, b) => a - b);
  }
  const d = X.cols;
  const i = Int32Array.from(picks, (k) => rows[k]), j = Int32Array.from(picks, (k) => cols[k]);
  const ctor = X.data instanceof Float32Array ? Float32Array : Float64Array;
  const a0 = new ctor(batch * d), a1 = new ctor(batch * d);
  for (let b = 0; b < batch; b++) {
    a0.set(X.data.subarray(i[b] * d, i[b] * d + d), b * d);
    a1.set(Y.data.subarray(j[b] * d, j[b] * d + d), b * d);
  }
  let cost = 0;
  for (let k = 0; k < p.length; k++) {
    if (p[k] === 0) continue;
    let c = 0;
    for (let q = 0; q < d; q++) { const df = X.data[rows[k] * d + q] - Y.data[cols[k] * d + q]; c += df * df; }
    cost += (p[k] / tot) * c;
  }
  return { x0: { data: a0, rows: batch, cols: d }, x1: { data: a1, rows: batch, cols: d }, i, j, cost };
}

/**
 * Conditional flow-matching training samples for paired batches (torchcfm's
 * sample_location_and_conditional_flow): t ~ U(0, 1) per pair (or given), x_t = (1−t)x0 + t x1 + σε,
 * u_t = x1 − x0.
 */
export function sampleConditionalFlow(
  x0: MatrixLike, x1: MatrixLike, opts: { t?: number | ArrayLike<number>; sigma?: number; seed?: number } = {},
): { t: Float64Array; xt: Matrix; ut: Matrix } {
  const X = toMatrix(x0, 'x0'), Y = toMatrix(x1, 'x1');
  sameCols(X, Y, 'x0', 'x1');
  if (X.rows !== Y.rows) throw rangeError(`${X.rows} rows (as x0)`, 'x1', `${Y.rows} rows`);
  const sigma = opts.sigma === undefined ? 0 : opts.sigma;
  if (!(sigma >= 0) || !Number.isFinite(sigma)) throw rangeError('a non-negative sigma', 'sigma', sigma);
  const rng = mulberry32(opts.seed ?? 0), g = gaussian(rng);
  const n = X.rows, d = X.cols;
  const t = new Float64Array(n);
  for (let k = 0; k < n; k++) t[k] = opts.t === undefined ? rng() : typeof opts.t === 'number' ? opts.t : opts.t[k];
  const ctor = X.data instanceof Float32Array ? Float32Array : Float64Array;
  const xt = new ctor(n * d), ut = new ctor(n * d);
  for (let k = 0; k < n; k++)
    for (let q = 0; q < d; q++) {
      const a = X.data[k * d + q], b = Y.data[k * d + q];
      xt[k * d + q] = (1 - t[k]) * a + t[k] * b + (sigma > 0 ? sigma * g() : 0);
      ut[k * d + q] = b - a;
    }
  return { t, xt: { data: xt, rows: n, cols: d }, ut: { data: ut, rows: n, cols: d } };
}
