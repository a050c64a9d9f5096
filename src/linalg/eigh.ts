/**
 * Symmetric eigendecomposition by the cyclic Jacobi method, and matrix functions of symmetric
 * (positive semi-definite) matrices built on it.
 *
 * Jacobi is chosen for accuracy, not speed: with the relative stopping rule
 * |a_pq| <= ε·sqrt(|a_pp a_qq|) it computes the eigenvalues of a positive definite matrix to high
 * *relative* accuracy (Demmel & Veselić 1992), so small eigenvalues of ill-conditioned covariances
 * (needed by Σ^{-1/2}) are not swamped by the large ones. Cost O(d³) per sweep, ~6–10 sweeps.
 * Rotations use Rutishauser's formulas (t = sgn θ/(|θ| + √(θ²+1)), tan θ of the smaller angle).
 */
import { AdvectError } from '../errors.js';
import { mat, type Mat } from './dense.js';

export interface Eigh {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** Eigenvectors as the columns of a d×d row-major matrix: A = V diag(values) Vᵀ. */
  vectors: Mat;
}

const EPS = 2 ** -53;

/** Eigendecomposition of a symmetric matrix (only the upper triangle is read). */
export function eigh(A: Mat): Eigh {
  const d = A.rows;
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) a[i * d + j] = j >= i ? A.data[i * d + j] : A.data[j * d + i];
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  let converged = d <= 1;
  for (let sweep = 0; sweep < 60 && !converged; sweep++) {
    let rotated = false;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (apq === 0) continue;
        const app = a[p * d + p], aqq = a[q * d + q];
        if (Math.abs(apq) <= EPS * Math.sqrt(Math.abs(app * aqq))) {
          a[p * d + q] = a[q * d + p] = 0;
          continue;
        }
        rotated = true;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.abs(theta) > 1e150 ? 1 / (2 * theta) : Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c, tau = s / (1 + c);
        a[p * d + p] = app - t * apq;
        a[q * d + q] = aqq + t * apq;
        a[p * d + q] = a[q * d + p] = 0;
        for (let r = 0; r < d; r++) {
          if (r === p || r === q) continue;
          const g = a[r * d + p], h = a[r * d + q];
          const gp = g - s * (h + g * tau), hq = h + s * (g - h * tau);
          a[r * d + p] = a[p * d + r] = gp;
          a[r * d + q] = a[q * d + r] = hq;
        }
        for (let r = 0; r < d; r++) {
          const g = v[r * d + p], h = v[r * d + q];
          v[r * d + p] = g - s * (h + g * tau);
          v[r * d + q] = h + s * (g - h * tau);
        }
      }
    }
    if (!rotated) converged = true;
  }
  if (!converged) throw new AdvectError('ADVECT_NOT_CONVERGED', 'eigh: Jacobi sweeps did not converge (is the matrix finite?)');
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => a[i * d + i] - a[j * d + j]);
  const values = Float64Array.from(order, (i) => a[i * d + i]);
  const vec = new Float64Array(d * d);
  for (let k = 0; k < d; k++) for (let r = 0; r < d; r++) vec[r * d + k] = v[r * d + order[k]];
  return { values, vectors: mat(vec, d, d) };
}

/** V diag(f(λ)) Vᵀ for a symmetric matrix (symmetric result). */
export function symFunction(A: Mat | Eigh, f: (lambda: number) => number): Mat {
  const e = 'values' in A ? A : eigh(A);
  const d = e.values.length, V = e.vectors.data;
  const fl = e.values.map(f);
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += V[i * d + k] * fl[k] * V[j * d + k];
      out[i * d + j] = out[j * d + i] = s;
    }
  return mat(out, d, d);
}

/** Principal square root of a symmetric PSD matrix (negative rounding-level eigenvalues clipped to 0). */
export function sqrtm(A: Mat | Eigh): Mat {
  return symFunction(A, (l) => Math.sqrt(Math.max(l, 0)));
}

/** A^{-1/2} of a symmetric positive definite matrix. */
export function invSqrtm(A: Mat | Eigh): Mat {
  const e = 'values' in A ? A : eigh(A);
  assertPositiveDefinite(e);
  return symFunction(e, (l) => 1 / Math.sqrt(l));
}

/** A^{-1} of a symmetric positive definite matrix. */
export function invSpd(A: Mat | Eigh): Mat {
  const e = 'values' in A ? A : eigh(A);
  assertPositiveDefinite(e);
  return symFunction(e, (l) => 1 / l);
}

function assertPositiveDefinite(e: Eigh): void {
  if (!(e.values[0] > 0)) {
    throw new AdvectError('ADVECT_NUMERIC', `matrix is not positive definite (smallest eigenvalue ${e.values[0]})`);
  }
}
