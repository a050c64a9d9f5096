/**
 * Small dense matrix helpers (row-major Float64Array, explicit sizes) for closed-form computations
 * on d×d matrices (Gaussian OT, covariances). Not tuned for large sizes: O(d³) loops.
 */
import { rangeError } from '../errors.js';
import type { Matrix, MatrixLike } from '../types.js';
import { toMatrix } from '../validate.js';

export type Mat = Matrix<Float64Array>;

export function mat(data: Float64Array, rows: number, cols: number): Mat {
  return { data, rows, cols };
}

/** A float64 copy of a MatrixLike (validated finite). */
export function toMat64(a: MatrixLike, name: string): Mat {
  const m = toMatrix(a, name);
  return { data: Float64Array.from(m.data), rows: m.rows, cols: m.cols };
}

/** A square float64 matrix; symmetric within 1e-10 relative when `symmetric` (then symmetrised). */
export function squareMat(a: MatrixLike, name: string, symmetric = false): Mat {
  const m = toMat64(a, name);
  if (m.rows !== m.cols || m.rows === 0) throw rangeError('a non-empty square matrix', name, `${m.rows}x${m.cols}`);
  if (symmetric) {
    const d = m.rows;
    let scale = 0;
    for (const v of m.data) scale = Math.max(scale, Math.abs(v));
    for (let i = 0; i < d; i++)
      for (let j = i + 1; j < d; j++) {
        const x = m.data[i * d + j], y = m.data[j * d + i];
        if (Math.abs(x - y) > 1e-10 * scale) throw rangeError('a symmetric matrix', name, `entries (${i},${j}) = ${x} and (${j},${i}) = ${y}`);
        m.data[i * d + j] = m.data[j * d + i] = 0.5 * (x + y);
      }
  }
  return m;
}

export function identity(d: number): Mat {
  const I = new Float64Array(d * d);
  for (let i = 0; i < d; i++) I[i * d + i] = 1;
  return mat(I, d, d);
}

export function matmul(A: Mat, B: Mat): Mat {
  if (A.cols !== B.rows) throw rangeError(`a matrix with ${A.cols} rows`, 'B', `${B.rows}x${B.cols}`);
  const n = A.rows, k = A.cols, m = B.cols;
  const C = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let l = 0; l < k; l++) {
      const a = A.data[i * k + l];
      if (a === 0) continue;
      for (let j = 0; j < m; j++) C[i * m + j] += a * B.data[l * m + j];
    }
  return mat(C, n, m);
}

export function transpose(A: Mat): Mat {
  const T = new Float64Array(A.rows * A.cols);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) T[j * A.rows + i] = A.data[i * A.cols + j];
  return mat(T, A.cols, A.rows);
}

export function add(A: Mat, B: Mat, alpha = 1, beta = 1): Mat {
  return mat(A.data.map((v, k) => alpha * v + beta * B.data[k]), A.rows, A.cols);
}

export function scale(A: Mat, s: number): Mat {
  return mat(A.data.map((v) => s * v), A.rows, A.cols);
}

/** (A + Aᵀ)/2. */
export function symmetrize(A: Mat): Mat {
  const d = A.rows, S = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) S[i * d + j] = 0.5 * (A.data[i * d + j] + A.data[j * d + i]);
  return mat(S, d, d);
}

export function trace(A: Mat): number {
  let s = 0;
  for (let i = 0; i < A.rows; i++) s += A.data[i * A.cols + i];
  return s;
}

export function matvec(A: Mat, x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(A.rows);
  for (let i = 0; i < A.rows; i++) {
    let s = 0;
    for (let j = 0; j < A.cols; j++) s += A.data[i * A.cols + j] * x[j];
    y[i] = s;
  }
  return y;
}

export function frobenius(A: Mat): number {
  let s = 0;
  for (const v of A.data) s += v * v;
  return Math.sqrt(s);
}

export function maxAbs(A: Mat): number {
  let s = 0;
  for (const v of A.data) s = Math.max(s, Math.abs(v));
  return s;
}

/** Weighted mean and covariance Σ_i w_i (x_i − m)(x_i − m)ᵀ / Σ w of the rows of X (n×d). */
export function meanCov(X: Mat, w?: ArrayLike<number> | null): { mean: Float64Array; cov: Mat } {
  const n = X.rows, d = X.cols;
  let sw = 0;
  for (let i = 0; i < n; i++) sw += w ? w[i] : 1;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const wi = (w ? w[i] : 1) / sw;
    for (let c = 0; c < d; c++) mean[c] += wi * X.data[i * d + c];
  }
  const C = new Float64Array(d * d);
  const xc = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const wi = (w ? w[i] : 1) / sw;
    for (let c = 0; c < d; c++) xc[c] = X.data[i * d + c] - mean[c];
    for (let r = 0; r < d; r++) for (let c = r; c < d; c++) C[r * d + c] += wi * xc[r] * xc[c];
  }
  for (let r = 0; r < d; r++) for (let c = 0; c < r; c++) C[r * d + c] = C[c * d + r];
  return { mean, cov: mat(C, d, d) };
}
