/**
 * Field options (public, validated) → the positional descriptor of the particle engine
 * (type code, float64 params, arrays in the state's dtype; layout in native/include/advect/particles.h).
 */
import { FIELD_CODES } from '../backend/particles.js';
import { rangeError, typeError } from '../errors.js';
import type { DType, FloatArray, Matrix, MatrixLike, VectorLike } from '../types.js';
import {
  assertWeights, castTo, dtypeMismatch, dtypeOfArray, finiteNumber, oneOf, positiveNumber, toMatrix, toVector,
} from '../validate.js';

export type FieldType = keyof typeof FIELD_CODES;

/** Isotropic Gaussian mixture Σ_k w_k N(μ_k, σ_k² I). */
export interface MixtureOptions {
  means: MatrixLike;
  weights?: VectorLike;
  /** Standard deviation(s): one number or one per component. */
  sigma: number | VectorLike;
}

export interface AttentionField {
  type: 'attention';
  /** r×d query matrix (or one per head). */
  Q: MatrixLike | MatrixLike[];
  K: MatrixLike | MatrixLike[];
  /** d×d value matrix (or one per head). Heads are summed. */
  V: MatrixLike | MatrixLike[];
  /** Inverse temperature β multiplying <Qx_i, Kx_j> (default 1). */
  beta?: number;
  /** Layer-norm model: tangent projection and renormalisation onto the unit sphere. */
  sphere?: boolean;
}

export interface MmdField {
  type: 'mmd';
  /** gaussian (sigma), energy (−(r²+smoothing)^{p/2}), laplacian (sigma), riesz ((r²+smoothing)^{−s/2}; s = 0: −½log), coulomb (riesz with s = d − 2). */
  kernel?: 'gaussian' | 'energy' | 'laplacian' | 'riesz' | 'coulomb';
  sigma?: number;
  p?: number;
  s?: number;
  /** Added to r² before powers and square roots (default 1e-8): makes the kernel smooth at 0. */
  smoothing?: number;
  /** Target cloud β (m×d); omitted: pure interaction. */
  target?: MatrixLike;
  targetWeights?: VectorLike;
  /** Confining potential λ|x|²/2 (default 0). */
  confinement?: number;
}

export type LangevinPotential =
  | { type: 'quadratic'; A: MatrixLike; center?: VectorLike }
  | { type: 'double-well'; a?: number }
  | ({ type: 'gmm' } & MixtureOptions);

export interface LangevinField {
  type: 'langevin';
  potential: LangevinPotential;
  /** dX = −∇V dt + sqrt(2·temperature) dB; 0 = gradient descent (default 1). */
  temperature?: number;
}

export interface MeanFieldField {
  type: 'mean-field-mlp';
  activation?: 'relu' | 'linear';
  /** Inputs u_k (N×din). */
  data: MatrixLike;
  /** Outputs y_k (N×dout or length N). Particles are (w ∈ ℝ^din, a ∈ ℝ^dout). */
  labels: MatrixLike | VectorLike;
}

export interface FlowMatchingField {
  type: 'flow-matching';
  /** Empirical target atoms (m×d) with optional weights. */
  target?: MatrixLike;
  weights?: VectorLike;
  /** Gaussian-mixture target. */
  gmm?: MixtureOptions;
  /** Gaussian source N(mean0, cov0) to Gaussian target N(mean1, cov1): v = A_t-affine field. */
  gaussian?: { mean0?: VectorLike; cov0?: MatrixLike; mean1?: VectorLike; cov1: MatrixLike };
  /** linear: a_t = 1−t, b_t = t; cosine (VP): a_t = cos(πt/2), b_t = sin(πt/2). */
  schedule?: 'linear' | 'cosine' | 'vp';
}

export interface DiffusionField {
  type: 'diffusion';
  /** ode: probability-flow ODE; sde: reverse SDE (needs euler-maruyama). */
  mode?: 'ode' | 'sde';
  target?: MatrixLike;
  weights?: VectorLike;
  gmm?: MixtureOptions;
  /** ou: dY = −Y dτ + √2 dB (β ≡ 2); vp: β(τ) linear from betaMin to betaMax over [0, horizon]. */
  schedule?: 'ou' | 'vp';
  betaMin?: number;
  betaMax?: number;
  /** Forward time at which sampling starts; simulation time t runs τ = horizon − t (default 5 for ou, 1 for vp). */
  horizon?: number;
}

export interface SinkhornDivergenceField {
  type: 'sinkhorn-divergence';
  /** Target cloud β (m×d) and optional weights. */
  target: MatrixLike;
  targetWeights?: VectorLike;
  /** Entropic regularisation ε in units of the cost |x − y|² (default 0.01). */
  reg?: number;
  /** Sinkhorn tolerance on the marginal error (default 1e-4) and iteration cap per step (default 100). */
  tol?: number;
  maxIter?: number;
}

/**
 * Flow matching along the pairs of a coupling (e.g. minibatch OT, see otCoupling): the marginal
 * field v_t(z) = Σ_k softmax_k(−|z − (1−t)x0_k − t x1_k|²/2σ²)(x1_k − x0_k).
 */
export interface CoupledFlowMatchingField {
  type: 'coupled-flow-matching';
  /** Paired source and target points (K×d each): row k of x0 is coupled with row k of x1. */
  x0: MatrixLike;
  x1: MatrixLike;
  /** Width of the Gaussian smoothing of the paths (default 0.01). */
  sigma?: number;
}

export type FieldOptions =
  | AttentionField | MmdField | LangevinField | MeanFieldField | FlowMatchingField | DiffusionField | SinkhornDivergenceField
  | CoupledFlowMatchingField;

export interface CompiledField {
  type: number;
  name: FieldType;
  params: Float64Array;
  arrays: FloatArray[];
  stochastic: boolean;
  hasEnergy: boolean;
  /** Largest allowed end time (exclusive when `endOpen`), for singular fields. */
  tMax?: number;
  endOpen?: boolean;
  tMin?: number;
}

/** A matrix input in the call's dtype: nested arrays are converted, typed arrays must match. */
function mat(v: unknown, name: string, dtype: DType): Matrix {
  const m = toMatrix(v, name);
  if (!Array.isArray(v) && dtypeOfArray(m.data) !== dtype) {
    throw dtypeMismatch(dtype, 'x0', name, dtypeOfArray(m.data));
  }
  return { data: castTo(m.data, dtype), rows: m.rows, cols: m.cols };
}

function vec(v: unknown, name: string, dtype: DType, length?: number): FloatArray {
  const a = toVector(v, name, { length });
  if (!Array.isArray(v) && dtypeOfArray(a) !== dtype) {
    throw dtypeMismatch(dtype, 'x0', name, dtypeOfArray(a));
  }
  return castTo(a, dtype);
}

function cols(m: Matrix, d: number, name: string): void {
  if (m.cols !== d) throw rangeError(`${d} columns (as x0)`, name, `${m.cols} columns`);
}

function square(m: Matrix, d: number, name: string): void {
  if (m.rows !== d || m.cols !== d) throw rangeError(`a ${d}×${d} matrix`, name, `${m.rows}×${m.cols}`);
}

function logWeights(w: unknown, K: number, name: string, dtype: DType): FloatArray {
  const out = new Float64Array(K);
  if (w === undefined) {
    out.fill(-Math.log(K));
  } else {
    const a = vec(w, name, dtype, K);
    const s = assertWeights(a, name);
    for (let k = 0; k < K; k++) out[k] = a[k] > 0 ? Math.log(a[k] / s) : -Infinity;
  }
  return castTo(out, dtype);
}

function mixture(g: unknown, name: string, d: number, dtype: DType): FloatArray[] {
  if (g === null || typeof g !== 'object') throw typeError('a mixture { means, weights?, sigma }', name, g);
  const o = g as Record<string, unknown>;
  const mu = mat(o.means, `${name}.means`, dtype);
  cols(mu, d, `${name}.means`);
  if (mu.rows === 0) throw rangeError('at least one component', `${name}.means`, '0 rows');
  const K = mu.rows;
  const s2 = new Float64Array(K);
  if (typeof o.sigma === 'number') {
    s2.fill(positiveNumber(o.sigma, `${name}.sigma`) ** 2);
  } else {
    const s = toVector(o.sigma, `${name}.sigma`, { length: K });
    for (let k = 0; k < K; k++) {
      if (!(s[k] > 0)) throw rangeError('positive standard deviations', `${name}.sigma`, `${s[k]} at index ${k}`);
      s2[k] = s[k] * s[k];
    }
  }
  return [mu.data, logWeights(o.weights, K, `${name}.weights`, dtype), castTo(s2, dtype)];
}

function atoms(target: unknown, weights: unknown, d: number, dtype: DType): FloatArray[] {
  const y = mat(target, 'field.target', dtype);
  cols(y, d, 'field.target');
  if (y.rows === 0) throw rangeError('at least one atom', 'field.target', '0 rows');
  return [y.data, logWeights(weights, y.rows, 'field.weights', dtype), castTo(new Float64Array(y.rows), dtype)];
}

function heads(v: unknown, name: string, dtype: DType): Matrix[] {
  if (Array.isArray(v) && v.length > 0 && !Array.isArray(v[0]) && typeof v[0] === 'object') {
    return v.map((m, h) => mat(m, `${name}[${h}]`, dtype));
  }
  if (Array.isArray(v) && v.length > 0 && Array.isArray(v[0]) && Array.isArray((v[0] as unknown[])[0])) {
    return (v as unknown[]).map((m, h) => mat(m, `${name}[${h}]`, dtype));
  }
  return [mat(v, name, dtype)];
}

const concat = (ms: Matrix[], dtype: DType): FloatArray => {
  const out = dtype === 'float32' ? new Float32Array(ms.reduce((s, m) => s + m.data.length, 0)) : new Float64Array(ms.reduce((s, m) => s + m.data.length, 0));
  let o = 0;
  for (const m of ms) { out.set(m.data, o); o += m.data.length; }
  return out;
};

const num = (v: unknown, name: string, fallback: number) => (v === undefined ? fallback : finiteNumber(v, name));
const pos = (v: unknown, name: string, fallback: number) => (v === undefined ? fallback : positiveNumber(v, name));

function exactlyOne(o: Record<string, unknown>, keys: string[], name: string): string {
  const present = keys.filter((k) => o[k] !== undefined);
  if (present.length !== 1) throw typeError(`exactly one of ${keys.join(', ')}`, name, present.length ? present.join(' and ') : 'none');
  return present[0];
}

/** Validates field options for an n×d state of the given dtype. */
export function compileField(field: unknown, d: number, dtype: DType): CompiledField {
  if (field === null || typeof field !== 'object' || Array.isArray(field)) throw typeError('a field object with a type', 'field', field);
  const o = field as Record<string, unknown>;
  const name = oneOf(o.type, 'field.type', Object.keys(FIELD_CODES) as FieldType[]);
  const type = FIELD_CODES[name];
  const base = { type, name, stochastic: false, hasEnergy: false };
  switch (name) {
    case 'attention': {
      const Q = heads(o.Q, 'field.Q', dtype), K = heads(o.K, 'field.K', dtype), V = heads(o.V, 'field.V', dtype);
      const H = Q.length;
      if (K.length !== H || V.length !== H) throw rangeError(`${H} heads (as field.Q)`, 'field.K/field.V', `${K.length} and ${V.length}`);
      const r = Q[0].rows;
      for (let h = 0; h < H; h++) {
        if (Q[h].rows !== r || Q[h].cols !== d) throw rangeError(`an ${r}×${d} matrix`, `field.Q[${h}]`, `${Q[h].rows}×${Q[h].cols}`);
        if (K[h].rows !== r || K[h].cols !== d) throw rangeError(`an ${r}×${d} matrix (as field.Q)`, `field.K[${h}]`, `${K[h].rows}×${K[h].cols}`);
        square(V[h], d, `field.V[${h}]`);
      }
      if (r === 0) throw rangeError('at least one row', 'field.Q', '0 rows');
      const beta = num(o.beta, 'field.beta', 1);
      if (o.sphere !== undefined && typeof o.sphere !== 'boolean') throw typeError('a boolean', 'field.sphere', o.sphere);
      return { ...base, params: Float64Array.of(H, r, beta, o.sphere ? 1 : 0), arrays: [concat(Q, dtype), concat(K, dtype), concat(V, dtype)] };
    }
    case 'mmd': {
      const kernel = oneOf(o.kernel ?? 'gaussian', 'field.kernel', ['gaussian', 'energy', 'laplacian', 'riesz', 'coulomb'] as const);
      const sigma = pos(o.sigma, 'field.sigma', 1);
      const p = num(o.p, 'field.p', 1);
      if (kernel === 'energy' && !(p > 0 && p < 2)) throw rangeError('0 < p < 2', 'field.p', p);
      let s = num(o.s, 'field.s', kernel === 'coulomb' ? Math.max(d - 2, 0) : 1);
      if (kernel === 'coulomb') s = Math.max(d - 2, 0);
      if (s < 0) throw rangeError('s >= 0', 'field.s', s);
      const smoothing = o.smoothing === undefined ? 1e-8 : finiteNumber(o.smoothing, 'field.smoothing');
      if (!(smoothing >= 0) || (smoothing === 0 && kernel !== 'gaussian')) throw rangeError('a positive smoothing', 'field.smoothing', smoothing);
      const lam = num(o.confinement, 'field.confinement', 0);
      if (lam < 0) throw rangeError('a non-negative confinement', 'field.confinement', lam);
      const code = { gaussian: 0, energy: 1, laplacian: 2, riesz: 3, coulomb: 3 }[kernel];
      let arrays: FloatArray[] = [];
      let m = 0;
      if (o.target !== undefined) {
        const y = mat(o.target, 'field.target', dtype);
        cols(y, d, 'field.target');
        m = y.rows;
        const b = new Float64Array(m);
        if (o.targetWeights === undefined) b.fill(1 / m);
        else {
          const w = vec(o.targetWeights, 'field.targetWeights', dtype, m);
          const tot = assertWeights(w, 'field.targetWeights');
          for (let j = 0; j < m; j++) b[j] = w[j] / tot;
        }
        arrays = m ? [y.data, castTo(b, dtype)] : [];
      }
      return { ...base, hasEnergy: true, params: Float64Array.of(code, sigma, p, smoothing, s, lam, m), arrays };
    }
    case 'langevin': {
      const temperature = num(o.temperature, 'field.temperature', 1);
      if (temperature < 0) throw rangeError('a non-negative temperature', 'field.temperature', temperature);
      const pot = o.potential as Record<string, unknown> | undefined;
      if (!pot || typeof pot !== 'object') throw typeError('a potential object with a type', 'field.potential', pot);
      const pt = oneOf(pot.type, 'field.potential.type', ['quadratic', 'double-well', 'gmm'] as const);
      const st = { ...base, hasEnergy: true, stochastic: temperature > 0 };
      if (pt === 'quadratic') {
        const A = toMatrix(pot.A, 'field.potential.A');
        square(A, d, 'field.potential.A');
        const sym = new Float64Array(d * d);
        for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) sym[i * d + j] = 0.5 * (A.data[i * d + j] + A.data[j * d + i]);
        const c = pot.center === undefined ? new Float64Array(d) : toVector(pot.center, 'field.potential.center', { length: d });
        return { ...st, params: Float64Array.of(0, temperature, 0, 0), arrays: [castTo(sym, dtype), castTo(Float64Array.from(c), dtype)] };
      }
      if (pt === 'double-well') {
        return { ...st, params: Float64Array.of(1, temperature, pos(pot.a, 'field.potential.a', 1), 0), arrays: [] };
      }
      const arrs = mixture(pot, 'field.potential', d, dtype);
      return { ...st, params: Float64Array.of(2, temperature, 0, arrs[1].length), arrays: arrs };
    }
    case 'mean-field-mlp': {
      const act = oneOf(o.activation ?? 'relu', 'field.activation', ['relu', 'linear'] as const);
      const U = mat(o.data, 'field.data', dtype);
      let Y: Matrix;
      if (Array.isArray(o.labels) && (o.labels.length === 0 || typeof o.labels[0] === 'number')) {
        const v = vec(o.labels, 'field.labels', dtype);
        Y = { data: v, rows: v.length, cols: 1 };
      } else if (o.labels instanceof Float64Array || o.labels instanceof Float32Array) {
        const v = vec(o.labels, 'field.labels', dtype);
        Y = { data: v, rows: v.length, cols: 1 };
      } else Y = mat(o.labels, 'field.labels', dtype);
      if (Y.rows !== U.rows) throw rangeError(`${U.rows} rows (one per data point)`, 'field.labels', `${Y.rows} rows`);
      if (U.rows === 0) throw rangeError('at least one data point', 'field.data', '0 rows');
      if (U.cols + Y.cols !== d) throw rangeError(`particles of dimension din + dout = ${U.cols + Y.cols}`, 'x0', `${d} columns`);
      return { ...base, hasEnergy: true, params: Float64Array.of(act === 'relu' ? 0 : 1, U.rows, U.cols, Y.cols), arrays: [U.data, Y.data] };
    }
    case 'flow-matching': {
      const sched = oneOf(o.schedule ?? 'linear', 'field.schedule', ['linear', 'cosine', 'vp'] as const);
      const sc = sched === 'linear' ? 0 : 1;
      const which = exactlyOne(o, ['target', 'gmm', 'gaussian'], 'field.target/gmm/gaussian');
      if (which === 'gaussian') {
        const g = o.gaussian as Record<string, unknown>;
        if (!g || typeof g !== 'object') throw typeError('an object { mean0?, cov0?, mean1?, cov1 }', 'field.gaussian', g);
        const eye = new Float64Array(d * d);
        for (let i = 0; i < d; i++) eye[i * d + i] = 1;
        const S0 = g.cov0 === undefined ? { data: eye, rows: d, cols: d } : toMatrix(g.cov0, 'field.gaussian.cov0');
        const S1 = toMatrix(g.cov1, 'field.gaussian.cov1');
        square(S0, d, 'field.gaussian.cov0');
        square(S1, d, 'field.gaussian.cov1');
        const m0 = g.mean0 === undefined ? new Float64Array(d) : toVector(g.mean0, 'field.gaussian.mean0', { length: d });
        const m1 = g.mean1 === undefined ? new Float64Array(d) : toVector(g.mean1, 'field.gaussian.mean1', { length: d });
        return { ...base, params: Float64Array.of(2, sc, 0), arrays: [m0, S0.data, m1, S1.data].map((a) => castTo(Float64Array.from(a), dtype)), tMin: 0, tMax: 1 };
      }
      const arrs = which === 'gmm' ? mixture(o.gmm, 'field.gmm', d, dtype) : atoms(o.target, o.weights, d, dtype);
      return { ...base, params: Float64Array.of(which === 'gmm' ? 1 : 0, sc, arrs[1].length), arrays: arrs, tMin: 0, tMax: 1, endOpen: which !== 'gmm' };
    }
    case 'diffusion': {
      const mode = oneOf(o.mode ?? 'ode', 'field.mode', ['ode', 'sde'] as const);
      const sched = oneOf(o.schedule ?? 'ou', 'field.schedule', ['ou', 'vp'] as const);
      const horizon = pos(o.horizon, 'field.horizon', sched === 'ou' ? 5 : 1);
      const bmin = sched === 'ou' ? 2 : pos(o.betaMin, 'field.betaMin', 0.1);
      const bmax = sched === 'ou' ? 2 : pos(o.betaMax, 'field.betaMax', 20);
      const which = exactlyOne(o, ['target', 'gmm'], 'field.target/gmm');
      const arrs = which === 'gmm' ? mixture(o.gmm, 'field.gmm', d, dtype) : atoms(o.target, o.weights, d, dtype);
      return {
        ...base, stochastic: mode === 'sde', params: Float64Array.of(mode === 'sde' ? 1 : 0, horizon, bmin, bmax, arrs[1].length),
        arrays: arrs, tMin: 0, tMax: horizon, endOpen: which !== 'gmm',
      };
    }
    case 'sinkhorn-divergence': {
      const y = mat(o.target, 'field.target', dtype);
      cols(y, d, 'field.target');
      if (y.rows === 0) throw rangeError('at least one point', 'field.target', '0 rows');
      const m = y.rows;
      const b = new Float64Array(m);
      if (o.targetWeights === undefined) b.fill(1 / m);
      else {
        const w = vec(o.targetWeights, 'field.targetWeights', dtype, m);
        const tot = assertWeights(w, 'field.targetWeights');
        for (let j = 0; j < m; j++) b[j] = w[j] / tot;
      }
      const reg = pos(o.reg, 'field.reg', 0.01);
      const tol = pos(o.tol, 'field.tol', 1e-4);
      const maxIter = o.maxIter === undefined ? 100 : positiveNumber(o.maxIter, 'field.maxIter');
      if (!Number.isInteger(maxIter)) throw rangeError('a positive integer', 'field.maxIter', maxIter);
      return { ...base, hasEnergy: true, params: Float64Array.of(reg, tol, maxIter, m), arrays: [y.data, castTo(b, dtype)] };
    }
    case 'coupled-flow-matching': {
      const a0 = mat(o.x0, 'field.x0', dtype), a1 = mat(o.x1, 'field.x1', dtype);
      cols(a0, d, 'field.x0');
      cols(a1, d, 'field.x1');
      if (a1.rows !== a0.rows) throw rangeError(`${a0.rows} rows (as field.x0)`, 'field.x1', `${a1.rows} rows`);
      if (a0.rows === 0) throw rangeError('at least one pair', 'field.x0', '0 rows');
      const sigma = pos(o.sigma, 'field.sigma', 0.01);
      return { ...base, params: Float64Array.of(sigma, a0.rows), arrays: [a0.data, a1.data], tMin: 0, tMax: 1 };
    }
  }
}
