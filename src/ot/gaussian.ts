/**
 * Gaussian (Bures–Wasserstein) optimal transport in closed form (notes/paper.md §2.7, §2.3c).
 *
 * For α = N(m0, Σ0), β = N(m1, Σ1) with Σ0 positive definite:
 *   W2² = |m0 − m1|² + B²(Σ0, Σ1),  B² = tr Σ0 + tr Σ1 − 2 tr (Σ0^{1/2} Σ1 Σ0^{1/2})^{1/2}
 *   Monge map T(x) = m1 + A (x − m0),  A = Σ0^{-1/2} (Σ0^{1/2} Σ1 Σ0^{1/2})^{1/2} Σ0^{-1/2} (SPD)
 *   McCann geodesic N(m_t, Σ_t): m_t = (1−t) m0 + t m1, Σ_t = ((1−t)I + tA) Σ0 ((1−t)I + tA)
 * Flow matching between centred Gaussians with the independent coupling (Prop. 2):
 *   Σ_t = (1−t)² Σ0 + t² Σ1,  v_t(z) = A_t z,  A_t = (tΣ1 − (1−t)Σ0) Σ_t⁻¹,
 *   terminal map T_FM = Σ0^{1/2} (Σ0^{-1/2} Σ1 Σ0^{-1/2})^{1/2} Σ0^{-1/2}, equal to A iff Σ0Σ1 = Σ1Σ0.
 * All matrix square roots go through the symmetric Jacobi eigendecomposition (src/linalg/eigh.ts),
 * which keeps relative accuracy on ill-conditioned covariances. Computation is float64; results
 * are float32 when the covariance inputs are.
 */
import { rangeError } from '../errors.js';
import {
  add, identity, matmul, matvec, maxAbs, meanCov, squareMat, symmetrize, toMat64, trace, transpose, frobenius,
  type Mat,
} from '../linalg/dense.js';
import { eigh, invSpd, invSqrtm, sqrtm } from '../linalg/eigh.js';
import type { FloatArray, Matrix, MatrixLike, VectorLike } from '../types.js';
import { assertWeights, finiteNumber, options, sameCols, toVector } from '../validate.js';

function f32(...xs: unknown[]): boolean {
  return xs.some((x) => x instanceof Float32Array || (x && typeof x === 'object' && (x as Matrix).data instanceof Float32Array));
}
function outM(A: Mat, single: boolean): Matrix {
  return single ? { data: Float32Array.from(A.data), rows: A.rows, cols: A.cols } : A;
}
function outV(v: Float64Array, single: boolean): FloatArray {
  return single ? Float32Array.from(v) : v;
}

function vec(v: VectorLike, name: string, d: number): Float64Array {
  return Float64Array.from(toVector(v, name, { length: d }));
}

function cov(S: MatrixLike, name: string, d?: number): Mat {
  const M = squareMat(S, name, true);
  if (d !== undefined && M.rows !== d) throw rangeError(`a ${d}x${d} matrix`, name, `${M.rows}x${M.cols}`);
  return M;
}

/** The parts of the Bures computation shared by distance and map. */
function buresCore(S0: Mat, S1: Mat): { r0: Mat; r0inv: Mat | null; mid: Mat; midSqrt: Mat; trMidSqrt: number } {
  const e0 = eigh(S0);
  const r0 = sqrtm(e0);
  const mid = symmetrize(matmul(matmul(r0, S1), r0));
  const em = eigh(mid);
  let trMidSqrt = 0;
  for (const l of em.values) trMidSqrt += Math.sqrt(Math.max(l, 0));
  return { r0, r0inv: e0.values[0] > 0 ? invSqrtm(e0) : null, mid, midSqrt: sqrtm(em), trMidSqrt };
}

export interface BuresResult {
  /** W2² = |m0 − m1|² + B². */
  w2sq: number;
  /** W2 (what POT 0.9.7's `bures_wasserstein_distance` returns). */
  w2: number;
  /** B²(Σ0, Σ1), the covariance part (POT's `bures_distance` is B). */
  bures2: number;
  /** |m0 − m1|². */
  meanTerm: number;
}

/**
 * Bures–Wasserstein distance between N(m0, Σ0) and N(m1, Σ1). Σ0, Σ1 symmetric PSD.
 * @example buresWasserstein([0], [[1]], [3], [[4]]).w2sq // 9 + 1 = 10
 */
export function buresWasserstein(m0: VectorLike, S0: MatrixLike, m1: VectorLike, S1: MatrixLike): BuresResult {
  const C0 = cov(S0, 'S0'), d = C0.rows;
  const C1 = cov(S1, 'S1', d);
  const a = vec(m0, 'm0', d), b = vec(m1, 'm1', d);
  let meanTerm = 0;
  for (let i = 0; i < d; i++) meanTerm += (a[i] - b[i]) ** 2;
  const { trMidSqrt } = buresCore(C0, C1);
  const bures2 = Math.max(trace(C0) + trace(C1) - 2 * trMidSqrt, 0);
  const w2sq = meanTerm + bures2;
  return { w2sq, w2: Math.sqrt(w2sq), bures2, meanTerm };
}

export interface GaussianMap {
  /** Linear part (symmetric positive definite for the OT map). */
  A: Matrix;
  /** Offset: T(x) = A x + b, b = m1 − A m0. */
  b: FloatArray;
}

/** Monge (Brenier) map between N(m0, Σ0) and N(m1, Σ1): T(x) = m1 + A(x − m0). Σ0 must be SPD. */
export function gaussianMap(m0: VectorLike, S0: MatrixLike, m1: VectorLike, S1: MatrixLike): GaussianMap {
  const C0 = cov(S0, 'S0'), d = C0.rows;
  const C1 = cov(S1, 'S1', d);
  const a = vec(m0, 'm0', d), bm = vec(m1, 'm1', d);
  const A = otLinear(C0, C1);
  const Am0 = matvec(A, a);
  const single = f32(S0, S1);
  return { A: outM(A, single), b: outV(bm.map((v, i) => v - Am0[i]), single) };
}

function otLinear(C0: Mat, C1: Mat): Mat {
  const core = buresCore(C0, C1);
  if (!core.r0inv) throw rangeError('a positive definite matrix', 'S0', 'a singular matrix');
  return symmetrize(matmul(matmul(core.r0inv, core.midSqrt), core.r0inv));
}

/** Applies an affine map T(x) = A x + b to the rows of X (n×d). */
export function applyAffine(map: GaussianMap, X: MatrixLike): Matrix {
  const M = toMat64(X, 'X');
  const A = toMat64(map.A, 'A');
  if (A.cols !== M.cols) throw rangeError(`points with ${A.cols} columns`, 'X', `${M.cols} columns`);
  const out = new Float64Array(M.rows * A.rows);
  for (let i = 0; i < M.rows; i++) {
    const y = matvec(A, M.data.subarray(i * M.cols, (i + 1) * M.cols));
    for (let r = 0; r < A.rows; r++) out[i * A.rows + r] = y[r] + map.b[r];
  }
  return { data: out, rows: M.rows, cols: A.rows };
}

function time(t: unknown): number {
  const v = finiteNumber(t, 't');
  if (v < 0 || v > 1) throw rangeError('a time in [0, 1]', 't', v);
  return v;
}

/** McCann (displacement) interpolation between Gaussians: N(m_t, Σ_t), the W2 geodesic. */
export function gaussianGeodesic(
  m0: VectorLike, S0: MatrixLike, m1: VectorLike, S1: MatrixLike, t: number,
): { mean: FloatArray; cov: Matrix } {
  const tt = time(t);
  const C0 = cov(S0, 'S0'), d = C0.rows;
  const C1 = cov(S1, 'S1', d);
  const a = vec(m0, 'm0', d), b = vec(m1, 'm1', d);
  const A = otLinear(C0, C1);
  const L = add(identity(d), A, 1 - tt, tt);
  const St = symmetrize(matmul(matmul(L, C0), L));
  const single = f32(S0, S1);
  return { mean: outV(a.map((v, i) => (1 - tt) * v + tt * b[i]), single), cov: outM(St, single) };
}

/**
 * Flow-matching velocity between centred Gaussians N(0, Σ0) → N(0, Σ1) with the independent coupling
 * (paper §2.3c, Prop. 2): v_t(z) = A_t z, A_t = (tΣ1 − (1−t)Σ0) Σ_t⁻¹, Σ_t = (1−t)²Σ0 + t²Σ1.
 */
export function gaussianFlowMatching(S0: MatrixLike, S1: MatrixLike, t: number): { A: Matrix; cov: Matrix } {
  const tt = time(t);
  const C0 = cov(S0, 'S0'), d = C0.rows;
  const C1 = cov(S1, 'S1', d);
  const St = add(C0, C1, (1 - tt) ** 2, tt * tt);
  const At = matmul(add(C1, C0, tt, -(1 - tt)), invSpd(St));
  const single = f32(S0, S1);
  return { A: outM(At, single), cov: outM(St, single) };
}

/** Terminal flow-matching map T_FM = Σ0^{1/2} (Σ0^{-1/2} Σ1 Σ0^{-1/2})^{1/2} Σ0^{-1/2} (linear, centred). */
export function gaussianFmMap(S0: MatrixLike, S1: MatrixLike): Matrix {
  const C0 = cov(S0, 'S0'), d = C0.rows;
  const C1 = cov(S1, 'S1', d);
  return outM(fmLinear(C0, C1), f32(S0, S1));
}

function fmLinear(C0: Mat, C1: Mat): Mat {
  const e0 = eigh(C0);
  const r0 = sqrtm(e0), r0inv = invSqrtm(e0);
  const inner = sqrtm(symmetrize(matmul(matmul(r0inv, C1), r0inv)));
  return matmul(matmul(r0, inner), r0inv);
}

export interface CommutationDiagnostic {
  /** ‖Σ0Σ1 − Σ1Σ0‖_F / (‖Σ0‖_F ‖Σ1‖_F). */
  commutator: number;
  /** max |T_FM − A_OT| (entries). */
  mapDifference: number;
  /** max |T_FM − T_FMᵀ|: T_FM is symmetric (a gradient) iff the covariances commute. */
  fmAsymmetry: number;
  /** ∫|T_FM x − x|² dN(0, Σ0) = tr((T_FM − I) Σ0 (T_FM − I)ᵀ). */
  fmCost: number;
  /** B²(Σ0, Σ1) = the OT cost between the centred Gaussians; fmCost ≥ otCost. */
  otCost: number;
  /** Whether the maps agree to 1e-10 relative (⇔ the covariances commute). */
  mapsAgree: boolean;
}

/**
 * Compares the flow-matching terminal map with the OT (Brenier) map between N(0, Σ0) and N(0, Σ1):
 * they coincide exactly when Σ0Σ1 = Σ1Σ0 (paper §2.3c); otherwise FM costs more than W2².
 */
export function gaussianCommutation(S0: MatrixLike, S1: MatrixLike): CommutationDiagnostic {
  const C0 = cov(S0, 'S0'), d = C0.rows;
  const C1 = cov(S1, 'S1', d);
  const comm = add(matmul(C0, C1), matmul(C1, C0), 1, -1);
  const T = fmLinear(C0, C1), A = otLinear(C0, C1);
  const diff = maxAbs(add(T, A, 1, -1));
  const TmI = add(T, identity(d), 1, -1);
  const fmCost = trace(matmul(matmul(TmI, C0), transpose(TmI)));
  const otCost = Math.max(trace(C0) + trace(C1) - 2 * buresCore(C0, C1).trMidSqrt, 0);
  return {
    commutator: frobenius(comm) / (frobenius(C0) * frobenius(C1)),
    mapDifference: diff,
    fmAsymmetry: maxAbs(add(T, transpose(T), 1, -1)),
    fmCost,
    otCost,
    mapsAgree: diff <= 1e-10 * Math.max(maxAbs(A), 1e-300),
  };
}

export interface EmpiricalGaussianOptions {
  /** Sample weights of X (default uniform). */
  ws?: VectorLike;
  /** Sample weights of Y (default uniform). */
  wt?: VectorLike;
  /** Ridge added to both covariances (POT's default 1e-6). */
  reg?: number;
}

/** Weighted mean and (biased) covariance of samples X (n×d), plus reg·I. */
export function empiricalGaussian(X: MatrixLike, opts: { w?: VectorLike; reg?: number } = {}): { mean: Float64Array; cov: Matrix } {
  const o = options(opts);
  const M = toMat64(X, 'X');
  if (M.rows === 0) throw rangeError('at least one sample', 'X', '0 rows');
  const w = o.w === undefined ? null : toVector(o.w, 'w', { length: M.rows });
  if (w) assertWeights(w, 'w');
  const reg = o.reg === undefined ? 0 : finiteNumber(o.reg, 'reg');
  if (reg < 0) throw rangeError('reg >= 0', 'reg', reg);
  const { mean, cov: C } = meanCov(M, w);
  for (let i = 0; i < M.cols; i++) C.data[i * M.cols + i] += reg;
  return { mean, cov: C };
}

function empiricalPair(Xs: MatrixLike, Xt: MatrixLike, opts: unknown) {
  const o = options(opts) as EmpiricalGaussianOptions;
  const reg = o.reg === undefined ? 1e-6 : o.reg;
  const S = toMat64(Xs, 'Xs'), T = toMat64(Xt, 'Xt');
  sameCols(S, T, 'Xs', 'Xt');
  return { s: empiricalGaussian(S, { w: o.ws, reg }), t: empiricalGaussian(T, { w: o.wt, reg }) };
}

/** Bures–Wasserstein distance between the Gaussians fitted to two samples (POT's empirical_* with reg 1e-6). */
export function empiricalBuresWasserstein(Xs: MatrixLike, Xt: MatrixLike, opts?: EmpiricalGaussianOptions): BuresResult {
  const { s, t } = empiricalPair(Xs, Xt, opts);
  return buresWasserstein(s.mean, s.cov, t.mean, t.cov);
}

/** Gaussian OT map fitted to samples (POT's `empirical_bures_wasserstein_mapping`). */
export function empiricalGaussianMap(Xs: MatrixLike, Xt: MatrixLike, opts?: EmpiricalGaussianOptions): GaussianMap {
  const { s, t } = empiricalPair(Xs, Xt, opts);
  return gaussianMap(s.mean, s.cov, t.mean, t.cov);
}

