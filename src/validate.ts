/**
 * Input normalisation and checks shared by every public function (DESIGN §4–5).
 * All checks run before any native call, so the addon only ever sees well-formed arrays.
 */
import { backend } from './backend/index.js';
import { rangeError, typeError } from './errors.js';
import { METRIC_CODES, type MetricName } from './backend/types.js';
import type { DType, FloatArray, Matrix, MatrixLike, VectorLike } from './types.js';

const isFloatArray = (v: unknown): v is FloatArray => v instanceof Float64Array || v instanceof Float32Array;

function assertAttached(a: FloatArray, name: string): void {
  // A detached buffer reports byteLength 0; a view that should hold data but cannot is unusable.
  if (a.buffer.byteLength === 0 && a.length === 0 && (a.buffer as ArrayBuffer & { detached?: boolean }).detached) {
    throw typeError('an attached (not transferred) buffer', name, a);
  }
}

/** Normalises a Matrix or number[][] (copied into float64). Checks shape and finiteness. */
export function toMatrix(value: unknown, name: string, opts: { allowNonFinite?: boolean } = {}): Matrix {
  let m: Matrix;
  if (Array.isArray(value)) {
    const rows = value.length;
    const cols = rows > 0 && Array.isArray(value[0]) ? value[0].length : 0;
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const row = value[i];
      if (!Array.isArray(row) || row.length !== cols) throw typeError(`rows of equal length ${cols}`, `${name}[${i}]`, row);
      for (let j = 0; j < cols; j++) {
        const v = row[j];
        if (typeof v !== 'number') throw typeError('a number', `${name}[${i}][${j}]`, v);
        data[i * cols + j] = v;
      }
    }
    m = { data, rows, cols };
  } else if (value !== null && typeof value === 'object' && 'data' in value) {
    const { data, rows, cols } = value as Matrix;
    if (!isFloatArray(data)) throw typeError('a Float64Array or Float32Array', `${name}.data`, data);
    assertAttached(data, `${name}.data`);
    if (!Number.isSafeInteger(rows) || rows < 0) throw rangeError('a non-negative integer', `${name}.rows`, rows);
    if (!Number.isSafeInteger(cols) || cols < 0) throw rangeError('a non-negative integer', `${name}.cols`, cols);
    if (data.length !== rows * cols) throw rangeError(`data of length rows*cols = ${rows * cols}`, name, data);
    m = { data, rows, cols };
  } else {
    throw typeError('a matrix {data, rows, cols} or number[][]', name, value);
  }
  if (!opts.allowNonFinite) assertFinite(m.data, name);
  return m;
}

/** Normalises a Float64Array/Float32Array or number[] (copied into float64). */
export function toVector(
  value: unknown, name: string, opts: { length?: number; allowNonFinite?: boolean; dtype?: DType } = {},
): FloatArray {
  let v: FloatArray;
  if (isFloatArray(value)) {
    assertAttached(value, name);
    v = value;
  } else if (Array.isArray(value)) {
    v = new Float64Array(value.length);
    for (let i = 0; i < value.length; i++) {
      if (typeof value[i] !== 'number') throw typeError('a number', `${name}[${i}]`, value[i]);
      v[i] = value[i];
    }
    if (opts.dtype === 'float32') v = Float32Array.from(v);
  } else {
    throw typeError('a Float64Array, Float32Array or number[]', name, value);
  }
  if (opts.length !== undefined && v.length !== opts.length) throw rangeError(`length ${opts.length}`, name, v);
  if (!opts.allowNonFinite) assertFinite(v, name);
  return v;
}

/** Large typed arrays are scanned natively (a JS loop costs ~2 ns per entry: 30 ms for 16M). */
const NATIVE_SCAN_MIN = 1 << 15;

export function assertFinite(a: ArrayLike<number>, name: string): void {
  if (a.length >= NATIVE_SCAN_MIN && (a instanceof Float64Array || a instanceof Float32Array)) {
    const i = backend().core.firstNonFinite(a);
    if (i >= 0) throw rangeError('finite values', name, `${a[i]} at index ${i}`);
    return;
  }
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (!Number.isFinite(v)) throw rangeError('finite values', name, `${v} at index ${i}`);
  }
}

/** Weights: finite, ≥ 0, with a positive total. */
export function assertWeights(a: FloatArray, name: string): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (!(v >= 0) || v === Infinity) throw rangeError('non-negative finite weights', name, `${v} at index ${i}`);
    s += v;
  }
  if (!(s > 0)) throw rangeError('weights with a positive total', name, s);
  return s;
}

/**
 * Marginal weights of length k: missing (undefined, null or empty, as POT's `[]`) means uniform
 * 1/k in `dtype`; otherwise checked (finite, ≥ 0, positive total). number[] is cast to `dtype`;
 * a typed array of another dtype is the mixed-dtype TypeError naming `dtypeFrom`.
 */
export function weightsOrUniform(v: unknown, name: string, k: number, dtype: DType, dtypeFrom: string): FloatArray {
  if (v === undefined || v === null || ((Array.isArray(v) || ArrayBuffer.isView(v)) && (v as ArrayLike<number>).length === 0)) {
    return allocUniform(dtype, k);
  }
  const w = toVector(v, name, { length: k });
  if (!Array.isArray(v) && dtypeOfArray(w) !== dtype) throw dtypeMismatch(dtype, dtypeFrom, name, dtypeOfArray(w));
  assertWeights(w, name);
  return castTo(w, dtype);
}

function allocUniform(dtype: DType, k: number): FloatArray {
  const w = dtype === 'float32' ? new Float32Array(k) : new Float64Array(k);
  return w.fill(1 / k);
}

export function dtypeOfArray(a: FloatArray): DType {
  return a instanceof Float32Array ? 'float32' : 'float64';
}

/** The one message for mixed dtypes (DESIGN §4): names both arrays and both dtypes. */
export function dtypeMismatch(expected: DType, firstName: string, name: string, received: DType): TypeError {
  return new TypeError(`Expected ${expected} (the dtype of ${firstName}) for ${name} but received ${received}`);
}

/** Mixing dtypes in one call is a TypeError naming both (DESIGN §4). */
export function commonDtype(entries: Array<[string, FloatArray | null | undefined]>): DType {
  let first: [string, DType] | null = null;
  for (const [name, arr] of entries) {
    if (!arr) continue;
    const dt = dtypeOfArray(arr);
    if (!first) first = [name, dt];
    else if (first[1] !== dt) {
      throw dtypeMismatch(first[1], first[0], name, dt);
    }
  }
  return first ? first[1] : 'float64';
}

/** Converts a float64 array built from number[] input to the call's dtype. */
export function castTo(a: FloatArray, dtype: DType): FloatArray {
  if (dtype === 'float32' && !(a instanceof Float32Array)) return Float32Array.from(a);
  if (dtype === 'float64' && !(a instanceof Float64Array)) return Float64Array.from(a);
  return a;
}

export function positiveNumber(v: unknown, name: string): number {
  if (typeof v !== 'number') throw typeError('a positive number', name, v);
  if (!(v > 0) || !Number.isFinite(v)) throw rangeError('a positive finite number', name, v);
  return v;
}

export function finiteNumber(v: unknown, name: string): number {
  if (typeof v !== 'number') throw typeError('a finite number', name, v);
  if (!Number.isFinite(v)) throw rangeError('a finite number', name, v);
  return v;
}

export function positiveInteger(v: unknown, name: string, max = 2 ** 31): number {
  if (typeof v !== 'number') throw typeError('a positive integer', name, v);
  if (!Number.isInteger(v) || v <= 0 || v > max) throw rangeError(`a positive integer up to ${max}`, name, v);
  return v;
}

export function nonNegativeInteger(v: unknown, name: string, max = 2 ** 31): number {
  if (typeof v !== 'number') throw typeError('a non-negative integer', name, v);
  if (!Number.isInteger(v) || v < 0 || v > max) throw rangeError(`a non-negative integer up to ${max}`, name, v);
  return v;
}

export function oneOf<T extends string>(v: unknown, name: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw (typeof v === 'string' ? rangeError : typeError)(`one of ${allowed.join(', ')}`, name, v);
  }
  return v as T;
}

export function options(v: unknown, name = 'options'): Record<string, unknown> {
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw typeError('an options object', name, v);
  return v as Record<string, unknown>;
}

export interface MetricChoice {
  name: MetricName;
  code: number;
  p: number;
}

export function metricOption(metric: unknown, p: unknown): MetricChoice {
  const name = oneOf(metric ?? 'sqeuclidean', 'metric', Object.keys(METRIC_CODES) as MetricName[]);
  let pv = 2;
  if (name === 'minkowski') {
    pv = p === undefined ? 2 : finiteNumber(p, 'p');
    if (pv < 1) throw rangeError('p >= 1', 'p', pv);
  }
  return { name, code: METRIC_CODES[name], p: pv };
}

export function sameCols(a: Matrix, b: Matrix, aName: string, bName: string): void {
  if (a.cols !== b.cols) throw rangeError(`${a.cols} columns (as ${aName})`, bName, `${b.cols} columns`);
}

export type { MatrixLike, VectorLike };
