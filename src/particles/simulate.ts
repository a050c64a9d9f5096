/**
 * simulate / simulateAsync: advect an n×d particle state by a field (src/particles/fields.ts)
 * with euler, heun, rk4 or euler–maruyama. The whole time loop runs in one backend call.
 */
import { backend } from '../backend/index.js';
import { INTEGRATOR_CODES, recordCount, type IntegratorName } from '../backend/particles.js';
import { guardAllocation } from '../engine.js';
import { rangeError, typeError } from '../errors.js';
import { callNative, jobCopy, runNativeJob, type AsyncOptions } from '../jobs.js';
import type { DType, FloatArray, Matrix, MatrixLike, VectorLike } from '../types.js';
import {
  assertWeights, castTo, dtypeMismatch, dtypeOfArray, finiteNumber, nonNegativeInteger, oneOf, options, positiveNumber, toMatrix, toVector,
} from '../validate.js';
import { compileField, type CompiledField, type FieldOptions } from './fields.js';

export type { IntegratorName };

export interface SimulateOptions {
  /** Initial particles (n×d). */
  x0: MatrixLike;
  field: FieldOptions;
  /** Default: 'euler', or 'euler-maruyama' for stochastic fields (Langevin with temperature > 0, reverse SDE). */
  integrator?: IntegratorName;
  dt: number;
  steps: number;
  t0?: number;
  /** Keep the state every `record` steps plus the initial one (and the last). Default: initial and final only. */
  record?: number;
  /** Noise seed (non-negative integer, default 0): the same seed gives the same path in both backends. */
  seed?: number;
  /** Particle masses (length n, normalised to sum 1); default uniform. */
  weights?: VectorLike;
  /** Compute in this dtype (x0 is cast; default: x0's typed-array dtype, float64 for nested arrays). */
  dtype?: DType;
}

export interface Trajectory<T extends FloatArray = FloatArray> {
  /** records × rows × cols, row-major. */
  data: T;
  records: number;
  rows: number;
  cols: number;
}

export interface SimulateResult {
  /** Final state (n×d). */
  x: Matrix;
  trajectory: Trajectory;
  /** Time of each recorded state. */
  times: Float64Array;
  /** Energy at each recorded state, for fields that have one (mmd: MMD², langevin: ∫V dα, mean-field: risk). */
  energy?: Float64Array;
  steps: number;
}

export interface SimulateProgress {
  step: number;
  steps: number;
  t: number;
}

interface Prepared {
  X: Matrix;
  field: CompiledField;
  w: FloatArray | null;
  integrator: number;
  dt: number;
  steps: number;
  t0: number;
  record: number;
  seed: number;
  records: number;
  traj: FloatArray;
  times: Float64Array;
  energy: Float64Array | null;
}

function prepare(opts: SimulateOptions): Prepared {
  const o = options(opts, 'options');
  if (o.x0 === undefined) throw typeError('an n×d matrix', 'x0', undefined);
  let X = toMatrix(o.x0, 'x0');
  const dtype: DType = o.dtype !== undefined ? oneOf(o.dtype, 'dtype', ['float64', 'float32'] as const)
    : Array.isArray(o.x0) ? 'float64' : dtypeOfArray(X.data);
  X = { data: castTo(X.data, dtype), rows: X.rows, cols: X.cols };
  if (X.rows === 0) throw rangeError('at least one particle', 'x0', '0 rows');
  if (X.cols === 0) throw rangeError('at least one column', 'x0', '0 columns');
  const field = compileField(o.field, X.cols, dtype);
  const dt = positiveNumber(o.dt, 'dt');
  const steps = nonNegativeInteger(o.steps, 'steps');
  const t0 = o.t0 === undefined ? 0 : finiteNumber(o.t0, 't0');
  const record = o.record === undefined ? 0 : nonNegativeInteger(o.record, 'record');
  const seed = o.seed === undefined ? 0 : nonNegativeInteger(o.seed, 'seed', Number.MAX_SAFE_INTEGER);
  const integ = oneOf(o.integrator ?? (field.stochastic ? 'euler-maruyama' : 'euler'), 'integrator',
    Object.keys(INTEGRATOR_CODES) as IntegratorName[]);
  if (field.stochastic && integ !== 'euler-maruyama') {
    throw rangeError("integrator 'euler-maruyama' for a stochastic field", 'integrator', integ);
  }
  if (field.tMin !== undefined && t0 < field.tMin) throw rangeError(`t0 >= ${field.tMin} for a ${field.name} field`, 't0', t0);
  const tEnd = t0 + steps * dt;
  if (field.tMax !== undefined && (field.endOpen ? !(tEnd < field.tMax) : !(tEnd <= field.tMax * (1 + 1e-12)))) {
    throw rangeError(`t0 + steps·dt ${field.endOpen ? '<' : '<='} ${field.tMax} for this ${field.name} field (singular at the end)`,
      't0 + steps·dt', tEnd);
  }
  let w: FloatArray | null = null;
  if (o.weights !== undefined) {
    w = toVector(o.weights, 'weights', { length: X.rows });
    if (!Array.isArray(o.weights) && dtypeOfArray(w) !== dtype) {
      throw dtypeMismatch(dtype, 'x0', 'weights', dtypeOfArray(w));
    }
    assertWeights(w, 'weights');
    w = castTo(w, dtype);
  }
  const records = recordCount(steps, record);
  const len = X.rows * X.cols;
  guardAllocation(records * len, dtype === 'float32' ? 4 : 8, 'The recorded trajectory', 'record fewer states (a larger record)');
  const traj = dtype === 'float32' ? new Float32Array(records * len) : new Float64Array(records * len);
  return {
    X, field, w, integrator: INTEGRATOR_CODES[integ], dt, steps, t0, record, seed, records, traj,
    times: new Float64Array(records), energy: field.hasEnergy ? new Float64Array(records) : null,
  };
}

function result(p: Prepared): SimulateResult {
  const len = p.X.rows * p.X.cols;
  const last = p.traj.slice((p.records - 1) * len, p.records * len);
  const r: SimulateResult = {
    x: { data: last, rows: p.X.rows, cols: p.X.cols },
    trajectory: { data: p.traj, records: p.records, rows: p.X.rows, cols: p.X.cols },
    times: p.times,
    steps: p.steps,
  };
  if (p.energy) r.energy = p.energy;
  return r;
}

/** Runs the whole time loop synchronously. */
export function simulate(opts: SimulateOptions): SimulateResult {
  const p = prepare(opts);
  callNative(() =>
    backend().particles.simulate(p.X.data, p.X.rows, p.X.cols, p.w, p.field.type, p.field.params, p.field.arrays,
      p.integrator, p.dt, p.steps, p.t0, p.record, p.seed, p.traj, p.times, p.energy));
  return result(p);
}

/** Same, off the main thread (native) or in event-loop slices (js); abort and progress per step. */
export async function simulateAsync(opts: SimulateOptions, asyncOpts: AsyncOptions<SimulateProgress> = {}): Promise<SimulateResult> {
  const p = prepare(opts);
  await runNativeJob(
    (onProgress) =>
      backend().particles.simulateAsync(jobCopy(p.X.data), p.X.rows, p.X.cols, jobCopy(p.w), p.field.type, p.field.params, p.field.arrays.map(jobCopy),
        p.integrator, p.dt, p.steps, p.t0, p.record, p.seed, p.traj, p.times, p.energy, onProgress),
    asyncOpts,
    (raw) => ({ step: raw[0], steps: raw[1], t: raw[2] }),
  );
  return result(p);
}

/** Evaluates a field's velocity at time t for all particles (n×d), e.g. for checks and plots. */
export function fieldVelocity(x: MatrixLike, field: FieldOptions, t = 0, weights?: VectorLike): Matrix {
  const X = toMatrix(x, 'x');
  const dtype = dtypeOfArray(X.data);
  const f = compileField(field, X.cols, dtype);
  const w = weights === undefined ? null : castTo(toVector(weights, 'weights', { length: X.rows }), dtype);
  if (w) assertWeights(w, 'weights');
  const out = dtype === 'float32' ? new Float32Array(X.rows * X.cols) : new Float64Array(X.rows * X.cols);
  callNative(() => backend().particles.fieldVelocity(X.data, X.rows, X.cols, w, f.type, f.params, f.arrays, finiteNumber(t, 't'), out));
  return { data: out, rows: X.rows, cols: X.cols };
}

/** The field's energy at state x (NaN for fields without one). */
export function fieldEnergy(x: MatrixLike, field: FieldOptions, t = 0, weights?: VectorLike): number {
  const X = toMatrix(x, 'x');
  const dtype = dtypeOfArray(X.data);
  const f = compileField(field, X.cols, dtype);
  const w = weights === undefined ? null : castTo(toVector(weights, 'weights', { length: X.rows }), dtype);
  if (w) assertWeights(w, 'weights');
  return callNative(() => backend().particles.fieldEnergy(X.data, X.rows, X.cols, w, f.type, f.params, f.arrays, finiteNumber(t, 't')));
}

/** The engine's counter-based normals (Philox4x32-10 + Box–Muller) for a seed and step. */
export function philoxNormals(seed: number, step: number, count: number): Float64Array {
  return backend().particles.philoxNormals(
    nonNegativeInteger(seed, 'seed', Number.MAX_SAFE_INTEGER), nonNegativeInteger(step, 'step'), nonNegativeInteger(count, 'count', 2 ** 24));
}
