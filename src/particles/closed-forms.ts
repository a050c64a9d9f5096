/**
 * Closed-form companions of the particle fields (small, exact up to RK4 on d×d matrices):
 * - attention Gaussian closure (paper §2.13, Eq. 30, Castin et al.);
 * - OU / quadratic-Langevin moment ODE (paper §2.9);
 * - linear two-layer network Riccati ODE (paper §2.11, Prop. 5);
 * - heat equation on a Gaussian (paper §2.9, Thm 3);
 * - Gaussian flow-matching covariance path and A_t (paper §2.3c).
 * Matrices are plain number[][] (row-major); everything is float64.
 */
import { rangeError } from '../errors.js';
import { nonNegativeInteger, positiveInteger, toVector } from '../validate.js';
import type { VectorLike } from '../types.js';

export type Mat = number[][];

const zeros = (r: number, c: number): Mat => Array.from({ length: r }, () => new Array<number>(c).fill(0));
export const eye = (d: number): Mat => zeros(d, d).map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
export const matmul = (A: Mat, B: Mat): Mat =>
  A.map((row) => B[0].map((_, j) => row.reduce((s, a, k) => s + a * B[k][j], 0)));
export const transpose = (A: Mat): Mat => A[0].map((_, j) => A.map((row) => row[j]));
const add = (A: Mat, B: Mat, s = 1): Mat => A.map((row, i) => row.map((a, j) => a + s * B[i][j]));
const scale = (A: Mat, s: number): Mat => A.map((row) => row.map((a) => a * s));
const matvec = (A: Mat, v: number[]): number[] => A.map((row) => row.reduce((s, a, k) => s + a * v[k], 0));
const vadd = (a: number[], b: number[], s = 1) => a.map((x, i) => x + s * b[i]);

/** Generic RK4 on a state (m, C) of a vector and a matrix. */
function rk4(
  m0: number[], C0: Mat, T: number, steps: number,
  f: (m: number[], C: Mat) => { dm: number[]; dC: Mat },
): { mean: number[]; cov: Mat } {
  if (!(steps > 0) || !Number.isInteger(steps)) throw rangeError('a positive integer', 'steps', steps);
  let m = m0.slice(), C = C0.map((r) => r.slice());
  const h = T / steps;
  for (let s = 0; s < steps; s++) {
    const k1 = f(m, C);
    const k2 = f(vadd(m, k1.dm, h / 2), add(C, k1.dC, h / 2));
    const k3 = f(vadd(m, k2.dm, h / 2), add(C, k2.dC, h / 2));
    const k4 = f(vadd(m, k3.dm, h), add(C, k3.dC, h));
    m = m.map((x, i) => x + (h / 6) * (k1.dm[i] + 2 * k2.dm[i] + 2 * k3.dm[i] + k4.dm[i]));
    C = C.map((row, i) => row.map((x, j) => x + (h / 6) * (k1.dC[i][j] + 2 * k2.dC[i][j] + 2 * k3.dC[i][j] + k4.dC[i][j])));
  }
  return { mean: m, cov: C };
}

export interface AttentionHead { Q: Mat; K: Mat; V: Mat }

/**
 * Eq. 30: for tokens ~ N(m, Σ), Γ(x) = Σ_h V_h (m + β Σ K_hᵀ Q_h x), so with B = β Σ_h V_h Σ K_hᵀ Q_h:
 * ṁ = Σ_h V_h m + B m and Σ̇ = B Σ + Σ Bᵀ. Integrated by RK4 over [0, T].
 */
export function attentionGaussianOde(
  mean: number[], cov: Mat, heads: AttentionHead[], T: number, opts: { beta?: number; steps?: number } = {},
): { mean: number[]; cov: Mat } {
  const beta = opts.beta ?? 1;
  return rk4(mean, cov, T, opts.steps ?? 1000, (m, C) => {
    let B = zeros(m.length, m.length);
    let dm = new Array<number>(m.length).fill(0);
    for (const { Q, K, V } of heads) {
      B = add(B, scale(matmul(matmul(matmul(V, C), transpose(K)), Q), beta));
      dm = vadd(dm, matvec(V, m));
    }
    dm = vadd(dm, matvec(B, m));
    return { dm, dC: add(matmul(B, C), matmul(C, transpose(B))) };
  });
}

/**
 * Langevin with V(x) = ½(x−c)ᵀA(x−c) and temperature τ (an OU process):
 * ṁ = −A(m − c), Σ̇ = −AΣ − ΣA + 2τ I. Stationary law N(c, τ A⁻¹).
 */
export function ouMomentsOde(
  mean: number[], cov: Mat, A: Mat, T: number, opts: { temperature?: number; center?: number[]; steps?: number } = {},
): { mean: number[]; cov: Mat } {
  const tau = opts.temperature ?? 1;
  const c = opts.center ?? new Array<number>(mean.length).fill(0);
  const d = mean.length;
  return rk4(mean, cov, T, opts.steps ?? 1000, (m, C) => ({
    dm: matvec(A, vadd(m, c, -1)).map((v) => -v),
    dC: add(scale(add(matmul(A, C), matmul(C, A)), -1), scale(eye(d), 2 * tau)),
  }));
}

/** Heat equation ∂_t ρ = D Δρ on N(m, Σ): N(m, Σ + 2 D t I). */
export function heatGaussian(mean: number[], cov: Mat, t: number, diffusivity = 1): { mean: number[]; cov: Mat } {
  return { mean: mean.slice(), cov: add(cov, scale(eye(mean.length), 2 * diffusivity * t)) };
}

/**
 * Linear network ψ((w, a), u) = a wᵀu (w ∈ ℝ^din, a ∈ ℝ^dout) with square loss ½E|Qu − y|²,
 * S = E[uuᵀ], R = E[yuᵀ]: for a Gaussian neuron law N(μ, C) over θ = (w, a),
 * Q = C_aw + μ_a μ_wᵀ, H = QS − R, M = [[0, Hᵀ], [H, 0]], μ̇ = −Mμ, Ċ = −(MC + CM) (paper Eq. 23).
 */
export function linearNetRiccati(
  mean: number[], cov: Mat, S: Mat, R: Mat, T: number, opts: { steps?: number } = {},
): { mean: number[]; cov: Mat } {
  const din = S.length, dout = R.length;
  const D = din + dout;
  if (mean.length !== D) throw rangeError(`a mean of length din + dout = ${D}`, 'mean', mean.length);
  return rk4(mean, cov, T, opts.steps ?? 1000, (mu, C) => {
    const M = linearNetM(mu, C, S, R);
    return { dm: matvec(M, mu).map((v) => -v), dC: scale(add(matmul(M, C), matmul(C, M)), -1) };
  });
}

function linearNetM(mu: number[], C: Mat, S: Mat, R: Mat): Mat {
  const din = S.length, dout = R.length, D = din + dout;
  const Q = zeros(dout, din);
  for (let o = 0; o < dout; o++) for (let b = 0; b < din; b++) Q[o][b] = C[din + o][b] + mu[din + o] * mu[b];
  const H = add(matmul(Q, S), R, -1);
  const M = zeros(D, D);
  for (let o = 0; o < dout; o++)
    for (let b = 0; b < din; b++) {
      M[b][din + o] = H[o][b];
      M[din + o][b] = H[o][b];
    }
  return M;
}

/** Risk ½E|Qu − y|² of the linear network for a neuron law N(μ, C), given S, R and E|y|². */
export function linearNetRisk(mean: number[], cov: Mat, S: Mat, R: Mat, yy: number): number {
  const din = S.length, dout = R.length;
  const Q = zeros(dout, din);
  for (let o = 0; o < dout; o++) for (let b = 0; b < din; b++) Q[o][b] = cov[din + o][b] + mean[din + o] * mean[b];
  // ½ tr(Q S Qᵀ) − tr(Q Rᵀ) + ½ E|y|²
  const QS = matmul(Q, S);
  let a = 0, b = 0;
  for (let o = 0; o < dout; o++) for (let k = 0; k < din; k++) { a += QS[o][k] * Q[o][k]; b += Q[o][k] * R[o][k]; }
  return 0.5 * a - b + 0.5 * yy;
}

/** Gaussian flow matching N(0, Σ0) → N(0, Σ1), linear schedule: Σ_t and A_t = (tΣ1 − (1−t)Σ0) Σ_t⁻¹. */
export function gaussianFlowMatching(S0: Mat, S1: Mat, t: number): { cov: Mat; A: Mat } {
  const St = add(scale(S0, (1 - t) ** 2), scale(S1, t * t));
  const B = add(scale(S1, t), scale(S0, -(1 - t)));
  return { cov: St, A: matmul(B, inverse(St)) };
}

/** Gauss–Jordan inverse with partial pivoting (small matrices). */
export function inverse(A: Mat): Mat {
  const d = A.length;
  const M = A.map((row, i) => [...row, ...eye(d)[i]]);
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    const piv = M[c][c];
    if (piv === 0) throw rangeError('an invertible matrix', 'A', 'a singular matrix');
    for (let j = 0; j < 2 * d; j++) M[c][j] /= piv;
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = M[r][c];
      for (let j = 0; j < 2 * d; j++) M[r][j] -= f * M[c][j];
    }
  }
  return M.map((row) => row.slice(d));
}

/** Empirical mean and covariance (1/n) of an n×d row-major array. */
export function moments(data: ArrayLike<number>, n: number, d: number): { mean: number[]; cov: Mat } {
  nonNegativeInteger(n, 'n');
  positiveInteger(d, 'd', 4096);
  toVector(data as VectorLike, 'data', { length: n * d });
  const mean = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] += data[i * d + k] / n;
  const cov = zeros(d, d);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++) cov[a][b] += ((data[i * d + a] - mean[a]) * (data[i * d + b] - mean[b])) / n;
  return { mean, cov };
}
