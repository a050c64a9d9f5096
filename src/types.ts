/** Flat row-major arrays with an explicit shape (DESIGN §4). */

export type FloatArray = Float64Array | Float32Array;
export type DType = 'float64' | 'float32';

/** A dense row-major matrix. `data.length === rows * cols`. */
export interface Matrix<T extends FloatArray = FloatArray> {
  data: T;
  rows: number;
  cols: number;
}

/** What public functions accept as a matrix: a Matrix, or nested number[][] (copied to float64). */
export type MatrixLike = Matrix | number[][];
/** What public functions accept as a vector. */
export type VectorLike = FloatArray | number[];

export function dtypeOf(a: FloatArray): DType {
  return a instanceof Float32Array ? 'float32' : 'float64';
}

export function allocLike(dtype: DType, n: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}
