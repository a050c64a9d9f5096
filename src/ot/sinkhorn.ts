/**
 * Entropic optimal transport (Sinkhorn), POT-compatible by default (DESIGN §6):
 * v is updated first, then u; the L2 column-marginal error is checked when the iteration index
 * is a multiple of 10 and the solve stops when it is < tol (1e-9), at most 1000 iterations.
 * `iterations` = POT's log['niter'] + 1.
 *
 * Potentials f, g are in cost units with POT's normalisation: the plan is
 * P_ij = exp((f_i + g_j − C_ij)/reg), so POT's log_u = f/reg, log_v = g/reg and its scalings
 * u = exp(f/reg), v = exp(g/reg). (The "dual" potentials of GeomLoss/OTT, for which
 * P_ij = a_i b_j exp((f̂_i + ĝ_j − C_ij)/reg), are f̂ = f − reg·log a, ĝ = g − reg·log b.)
 *
 * POT → advect:
 *   ot.sinkhorn(a, b, M, reg)                      sinkhorn(a, b, M, reg, { method: 'scaling', plan: true })
 *   ot.sinkhorn(..., method='sinkhorn_log')        sinkhorn(a, b, M, reg, { method: 'log' })
 *   ot.bregman.sinkhorn_stabilized(...)            sinkhorn(a, b, M, reg, { method: 'stabilized' })
 *   ot.sinkhorn2(a, b, M, reg)                     sinkhorn2(a, b, M, reg)  (= result.cost)
 *   ot.bregman.empirical_sinkhorn(xs, xt, reg)     sinkhornPoints(xs, xt, reg)
 */
import { backend } from '../backend/index.js';
import type { MetricName } from '../backend/types.js';
import {
  SINKHORN_METHOD_CODES, SINKHORN_METHOD_NAMES, type SinkhornMethodName, type SinkhornRawInfo,
  type SinkhornRawOptions,
} from '../backend/sinkhorn.js';
import { engine, guardAllocation } from '../engine.js';
import { rangeError, typeError } from '../errors.js';
import { callNative, jobCopy, runNativeJob, type AsyncOptions } from '../jobs.js';
import { allocLike, type DType, type FloatArray, type Matrix, type MatrixLike, type VectorLike } from '../types.js';
import {
  castTo, commonDtype, metricOption, nonNegativeInteger, oneOf, options, positiveInteger,
  positiveNumber, sameCols, toMatrix, toVector, weightsOrUniform, type MetricChoice,
} from '../validate.js';


export type SinkhornMethod = SinkhornMethodName;

export interface SinkhornOptions {
  /** 'auto' (default), 'scaling', 'stabilized', 'log'; 'online' for point clouds only. */
  method?: SinkhornMethod;
  /** Stopping tolerance on the column-marginal error (default 1e-9). */
  tol?: number;
  /** Maximum number of (v, u) iterations (default 1000). */
  maxIter?: number;
  /** Check the error when the iteration index is a multiple of this (default 10; stabilized 20, as POT). */
  checkEvery?: number;
  /** Error norm: 2 (default, POT) or 1. */
  norm?: 1 | 2;
  /** Stop on err < tol (true, default) or err <= tol (default for 'stabilized', as POT). */
  strict?: boolean;
  /** Absorption threshold of 'stabilized' (default 1e3, POT's tau). */
  tau?: number;
  /**
   * eps scaling: anneal eps from `start` (default: the largest cost, i.e. the data diameter
   * in cost units) by `decay` (0.5) per stage, `iterations` (10) log-domain iterations per
   * stage, then solve at reg with the method, warm-started. `true` takes the defaults.
   */
  epsScaling?: boolean | { start?: number; decay?: number; iterations?: number };
  /** Warm start: initial potentials (cost units, this module's convention); -inf allowed. */
  init?: { f?: VectorLike; g?: VectorLike };
  /** Return the dense plan (default false; dense methods only). */
  plan?: boolean;
}

export interface SinkhornPointsOptions extends SinkhornOptions {
  /** Source weights (default uniform). */
  a?: VectorLike | null;
  /** Target weights (default uniform). */
  b?: VectorLike | null;
  metric?: MetricName;
  /** Minkowski exponent. */
  p?: number;
}

export interface SinkhornResult {
  /** <C, P>: POT's sinkhorn2. */
  cost: number;
  /** <C, P> + reg·KL(P | a⊗b). */
  value: number;
  /** Potentials in cost units (P_ij = exp((f_i + g_j − C_ij)/reg)). */
  f: FloatArray;
  g: FloatArray;
  /** (v, u) updates run: POT's niter + 1 (all stages with eps scaling). */
  iterations: number;
  /** Column-marginal error of the returned plan (the chosen norm). */
  marginalError: number;
  /** Whether the stopping rule was met (false is returned, not thrown). */
  converged: boolean;
  /** The method that produced the result (auto resolved). */
  method: Exclude<SinkhornMethod, 'auto'>;
  /** auto only: a numeric failure of the scaling domain sent the solve to the log domain. */
  fellBack: boolean;
  /** Sum of the plan's entries. */
  planSum: number;
  /** The plan, when requested (dense methods). */
  plan?: Matrix;
}

export interface SinkhornProgress {
  iteration: number;
  /** Last checked marginal error (Infinity before the first check). */
  marginalError: number;
  /** Current eps (reg, or an annealing stage's eps). */
  eps: number;
}

export type SinkhornAsyncOptions = SinkhornOptions & AsyncOptions<SinkhornProgress>;
export type SinkhornPointsAsyncOptions = SinkhornPointsOptions & AsyncOptions<SinkhornProgress>;

const mapProgress = (raw: number[]): SinkhornProgress => ({ iteration: raw[0], marginalError: raw[1], eps: raw[2] });

// ---- validation -------------------------------------------------------------------------

function checkMasses(a: FloatArray, b: FloatArray): void {
  let sa = 0, sb = 0;
  for (let i = 0; i < a.length; i++) sa += a[i];
  for (let j = 0; j < b.length; j++) sb += b[j];
  const tol = (a instanceof Float32Array ? 1e-5 : 1e-8) * Math.max(sa, sb);
  if (Math.abs(sa - sb) > tol) {
    throw rangeError(`weights with the same total mass as a (${sa}); Sinkhorn is balanced`, 'b', `total ${sb}`);
  }
}

interface Prepared {
  dtype: DType;
  a: FloatArray;
  b: FloatArray;
  raw: SinkhornRawOptions;
  methodName: SinkhornMethod;
  init: { f: FloatArray | null; g: FloatArray | null };
  wantPlan: boolean;
  epsStart: number | undefined;
}

function prepare(
  o: Record<string, unknown>, reg: unknown, n: number, m: number, dtype: DType, aIn: unknown, bIn: unknown,
  online: boolean,
): Prepared {
  const r = positiveNumber(reg, 'reg');
  if (n === 0) throw rangeError('at least one source point', online ? 'x' : 'C', '0 rows');
  if (m === 0) throw rangeError('at least one target point', online ? 'y' : 'C', '0 columns');
  const a = weightsOrUniform(aIn, 'a', n, dtype, online ? 'x' : 'C');
  const b = weightsOrUniform(bIn, 'b', m, dtype, online ? 'x' : 'C');
  checkMasses(a, b);
  const methodName = oneOf(o.method ?? 'auto', 'method', SINKHORN_METHOD_NAMES);
  if (methodName === 'online' && !online) {
    throw rangeError('a dense method (auto, scaling, stabilized, log); online needs point clouds (sinkhornPoints)', 'method', 'online');
  }
  const stab = methodName === 'stabilized';
  const tol = o.tol === undefined ? 1e-9 : nonNegative(o.tol, 'tol');
  const maxIter = o.maxIter === undefined ? 1000 : nonNegativeInteger(o.maxIter, 'maxIter', 2 ** 40);
  const checkEvery = o.checkEvery === undefined ? (stab ? 20 : 10) : positiveInteger(o.checkEvery, 'checkEvery');
  const norm = o.norm === undefined ? 2 : (oneOf(String(o.norm), 'norm', ['1', '2'] as const) === '1' ? 1 : 2);
  if (o.strict !== undefined && typeof o.strict !== 'boolean') throw typeError('a boolean', 'strict', o.strict);
  const strict = o.strict === undefined ? !stab : (o.strict as boolean);
  const tau = o.tau === undefined ? 1e3 : positiveNumber(o.tau, 'tau');
  let eps0 = 0, epsDecay = 0.5, stageIter = 10, epsStart: number | undefined;
  if (o.epsScaling !== undefined && o.epsScaling !== false) {
    if (o.epsScaling === true) eps0 = -1;
    else {
      const e = options(o.epsScaling, 'epsScaling');
      if (e.start !== undefined) epsStart = positiveNumber(e.start, 'epsScaling.start');
      if (e.decay !== undefined) {
        epsDecay = positiveNumber(e.decay, 'epsScaling.decay');
        if (!(epsDecay < 1)) throw rangeError('a number in (0, 1)', 'epsScaling.decay', epsDecay);
      }
      if (e.iterations !== undefined) stageIter = positiveInteger(e.iterations, 'epsScaling.iterations');
      eps0 = -1;
    }
  }
  let f: FloatArray | null = null, g: FloatArray | null = null;
  if (o.init !== undefined) {
    const init = options(o.init, 'init');
    if (init.f !== undefined) f = castTo(finiteOrNegInf(toVector(init.f, 'init.f', { length: n, allowNonFinite: true }), 'init.f'), dtype);
    if (init.g !== undefined) g = castTo(finiteOrNegInf(toVector(init.g, 'init.g', { length: m, allowNonFinite: true }), 'init.g'), dtype);
  }
  if (o.plan !== undefined && typeof o.plan !== 'boolean') throw typeError('a boolean', 'plan', o.plan);
  const wantPlan = o.plan === true;
  if (wantPlan && (online || methodName === 'online')) {
    // Points with a dense method can still return a plan; only the online method cannot.
    if (methodName === 'online') throw rangeError('a dense method for plan: true (online never forms the plan)', 'method', 'online');
  }
  const raw: SinkhornRawOptions = {
    method: SINKHORN_METHOD_CODES[methodName], reg: r, tol, maxIter, checkEvery, strict, norm, tau,
    eps0, epsDecay, stageIter, warm: f !== null || g !== null, budget: engine.memoryBudget,
  };
  return { dtype, a, b, raw, methodName, init: { f, g }, wantPlan, epsStart };
}

function nonNegative(v: unknown, name: string): number {
  if (typeof v !== 'number') throw typeError('a non-negative number', name, v);
  if (!(v >= 0) || !Number.isFinite(v)) throw rangeError('a non-negative finite number', name, v);
  return v;
}

function finiteOrNegInf(v: FloatArray, name: string): FloatArray {
  for (let i = 0; i < v.length; i++) {
    if (Number.isNaN(v[i]) || v[i] === Infinity) throw rangeError('values that are finite or -inf', name, `${v[i]} at index ${i}`);
  }
  return v;
}

function maxOf(a: FloatArray): number {
  let mx = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] > mx) mx = a[i];
  return mx;
}

const METHOD_BY_CODE = ['auto', 'scaling', 'stabilized', 'log', 'online'] as const;

function outputs(p: Prepared, n: number, m: number): { f: FloatArray; g: FloatArray } {
  const f = allocLike(p.dtype, n), g = allocLike(p.dtype, m);
  if (p.init.f) f.set(p.init.f);
  if (p.init.g) g.set(p.init.g);
  return { f, g };
}

function finish(info: SinkhornRawInfo, f: FloatArray, g: FloatArray, plan: FloatArray | null, n: number, m: number): SinkhornResult {
  const res: SinkhornResult = {
    cost: info.cost, value: info.value, f, g, iterations: info.iterations, marginalError: info.marginalError,
    converged: info.converged, method: METHOD_BY_CODE[info.method] as SinkhornResult['method'], fellBack: info.fellBack,
    planSum: info.planSum,
  };
  if (plan) res.plan = { data: plan, rows: n, cols: m };
  return res;
}

// ---- dense ------------------------------------------------------------------------------

interface DenseCall {
  C: FloatArray;
  n: number;
  m: number;
  p: Prepared;
  f: FloatArray;
  g: FloatArray;
  plan: FloatArray | null;
}

function denseCall(a: unknown, b: unknown, C: MatrixLike | Matrix, reg: unknown, opts: unknown, fromPoints = false): DenseCall {
  const o = options(opts);
  const M = toMatrix(C, 'C');
  const dtype = commonDtype([
    ['C', M.data],
    ...(a instanceof Float32Array || a instanceof Float64Array ? [['a', a] as [string, FloatArray]] : []),
    ...(b instanceof Float32Array || b instanceof Float64Array ? [['b', b] as [string, FloatArray]] : []),
  ]);
  const p = prepare(o, reg, M.rows, M.cols, dtype, a, b, fromPoints);
  const n = M.rows, m = M.cols;
  const bytes = dtype === 'float32' ? 4 : 8;
  if (p.methodName === 'scaling' || p.methodName === 'stabilized') {
    guardAllocation(n * m, bytes, `The ${n}x${m} kernel of method '${p.methodName}'`, "use method 'log' (no kernel copy) or sinkhornPoints with method 'online'");
  }
  if (p.wantPlan) guardAllocation(n * m, bytes, `A ${n}x${m} transport plan`, 'omit plan: true');
  if (p.raw.eps0 < 0) p.raw.eps0 = p.epsStart ?? Math.max(maxOf(M.data), p.raw.reg);
  const { f, g } = outputs(p, n, m);
  const plan = p.wantPlan ? allocLike(dtype, n * m) : null;
  return { C: M.data, n, m, p, f, g, plan };
}

/**
 * Entropic OT between weights a (n) and b (m) for the cost matrix C (n×m), regularisation reg.
 * a or b null/empty means uniform. Masses must have equal totals (RangeError otherwise).
 * @example const r = sinkhorn([0.5, 0.5], [0.5, 0.5], [[0, 1], [1, 0]], 0.1); r.cost // ≈ 0.0000454
 */
export function sinkhorn(a: VectorLike | null, b: VectorLike | null, C: MatrixLike, reg: number, opts?: SinkhornOptions): SinkhornResult {
  const c = denseCall(a, b, C, reg, opts);
  const info = callNative(() => backend().sinkhorn.dense(c.C, c.n, c.m, c.p.a, c.p.b, c.p.raw, c.f, c.g, c.plan));
  return finish(info, c.f, c.g, c.plan, c.n, c.m);
}

/** sinkhorn off the main thread; { signal, onProgress } as DESIGN §4. */
export async function sinkhornAsync(
  a: VectorLike | null, b: VectorLike | null, C: MatrixLike, reg: number, opts?: SinkhornAsyncOptions,
): Promise<SinkhornResult> {
  const o = options(opts);
  const c = denseCall(a, b, C, reg, o);
  const info = await runNativeJob(
    (onp) => backend().sinkhorn.denseAsync(jobCopy(c.C), c.n, c.m, jobCopy(c.p.a), jobCopy(c.p.b), c.p.raw, c.f, c.g, c.plan, onp),
    { signal: o.signal as AbortSignal | undefined, onProgress: o.onProgress as ((p: SinkhornProgress) => void) | undefined },
    mapProgress,
  );
  return finish(info, c.f, c.g, c.plan, c.n, c.m);
}

/** POT's sinkhorn2: the linear cost <C, P> of the entropic plan. */
export function sinkhorn2(a: VectorLike | null, b: VectorLike | null, C: MatrixLike, reg: number, opts?: Omit<SinkhornOptions, 'plan'>): number {
  return sinkhorn(a, b, C, reg, { ...options(opts), plan: false }).cost;
}
export const sinkhornCost = sinkhorn2;

// ---- point clouds -------------------------------------------------------------------------

interface PointsCall {
  X: Matrix;
  Y: Matrix;
  metric: MetricChoice;
  p: Prepared;
  f: FloatArray;
  g: FloatArray;
  dense: DenseCall | null;
}

/** Upper bound of the cost over the bounding box of both clouds (the eps-scaling start). */
function diameterCost(X: Matrix, Y: Matrix, metric: MetricChoice): number {
  const d = X.cols;
  if (metric.name === 'cosine') return 2;
  let acc = 0;
  for (let k = 0; k < d; k++) {
    let lo = Infinity, hi = -Infinity;
    for (const M of [X, Y]) for (let i = 0; i < M.rows; i++) { const v = M.data[i * d + k]; if (v < lo) lo = v; if (v > hi) hi = v; }
    const w = hi - lo;
    acc += metric.name === 'cityblock' ? w : metric.name === 'minkowski' ? w ** metric.p : w * w;
  }
  if (metric.name === 'sqeuclidean' || metric.name === 'cityblock') return acc;
  if (metric.name === 'minkowski') return acc ** (1 / metric.p);
  return Math.sqrt(acc);
}

function pointsCall(x: MatrixLike, y: MatrixLike, reg: unknown, opts: unknown): PointsCall {
  const o = options(opts);
  const X = toMatrix(x, 'x'), Y = toMatrix(y, 'y');
  sameCols(X, Y, 'x', 'y');
  const metric = metricOption(o.metric, o.p);
  const dtype = commonDtype([
    ['x', X.data], ['y', Y.data],
    ...(o.a instanceof Float32Array || o.a instanceof Float64Array ? [['a', o.a] as [string, FloatArray]] : []),
    ...(o.b instanceof Float32Array || o.b instanceof Float64Array ? [['b', o.b] as [string, FloatArray]] : []),
  ]);
  const method = oneOf(o.method ?? 'auto', 'method', SINKHORN_METHOD_NAMES);
  const n = X.rows, m = Y.rows;
  const bytes = dtype === 'float32' ? 4 : 8;
  // auto: dense when the cost matrix and a kernel fit the memory budget, else online.
  const goDense = method !== 'online' && (method !== 'auto' || n * m * bytes * 2.1 <= engine.memoryBudget);
  if (goDense) {
    guardAllocation(n * m, bytes, `A ${n}x${m} cost matrix`, "use method 'online', which never forms it");
    const C = allocLike(dtype, n * m);
    const Xd = castTo(X.data, dtype), Yd = castTo(Y.data, dtype);
    callNative(() => backend().core.dist(Xd, n, Yd, m, X.cols, metric.code, metric.p, C));
    const dense = denseCall(o.a ?? null, o.b ?? null, { data: C, rows: n, cols: m }, reg, o, true);
    return { X, Y, metric, p: dense.p, f: dense.f, g: dense.g, dense };
  }
  const p = prepare({ ...o, method: 'online' }, reg, n, m, dtype, o.a, o.b, true);
  if (p.wantPlan) throw rangeError('a dense method for plan: true (online never forms the plan)', 'method', method);
  if (p.raw.eps0 < 0) p.raw.eps0 = p.epsStart ?? Math.max(diameterCost(X, Y, metric), p.raw.reg);
  const { f, g } = outputs(p, n, m);
  return { X: { ...X, data: castTo(X.data, dtype) }, Y: { ...Y, data: castTo(Y.data, dtype) }, metric, p, f, g, dense: null };
}

/**
 * Entropic OT between point clouds x (n×d) and y (m×d), cost `metric` (default sqeuclidean,
 * POT's ot.dist). method 'online' recomputes costs per tile with O(n + m) memory; 'auto' uses
 * the dense solvers when the cost matrix fits the memory budget, else online.
 */
export function sinkhornPoints(x: MatrixLike, y: MatrixLike, reg: number, opts?: SinkhornPointsOptions): SinkhornResult {
  const c = pointsCall(x, y, reg, opts);
  if (c.dense) {
    const d = c.dense;
    const info = callNative(() => backend().sinkhorn.dense(d.C, d.n, d.m, d.p.a, d.p.b, d.p.raw, d.f, d.g, d.plan));
    return finish(info, d.f, d.g, d.plan, d.n, d.m);
  }
  const info = callNative(() =>
    backend().sinkhorn.online(c.X.data, c.X.rows, c.Y.data, c.Y.rows, c.X.cols, c.metric.code, c.metric.p, c.p.a, c.p.b, c.p.raw, c.f, c.g));
  return finish(info, c.f, c.g, null, c.X.rows, c.Y.rows);
}

export async function sinkhornPointsAsync(
  x: MatrixLike, y: MatrixLike, reg: number, opts?: SinkhornPointsAsyncOptions,
): Promise<SinkhornResult> {
  const o = options(opts);
  const c = pointsCall(x, y, reg, o);
  const jobOpts = { signal: o.signal as AbortSignal | undefined, onProgress: o.onProgress as ((p: SinkhornProgress) => void) | undefined };
  if (c.dense) {
    const d = c.dense;
    const info = await runNativeJob((onp) => backend().sinkhorn.denseAsync(d.C, d.n, d.m, jobCopy(d.p.a), jobCopy(d.p.b), d.p.raw, d.f, d.g, d.plan, onp), jobOpts, mapProgress);
    return finish(info, d.f, d.g, d.plan, d.n, d.m);
  }
  const info = await runNativeJob(
    (onp) => backend().sinkhorn.onlineAsync(jobCopy(c.X.data), c.X.rows, jobCopy(c.Y.data), c.Y.rows, c.X.cols, c.metric.code, c.metric.p, jobCopy(c.p.a), jobCopy(c.p.b), c.p.raw, c.f, c.g, onp),
    jobOpts, mapProgress,
  );
  return finish(info, c.f, c.g, null, c.X.rows, c.Y.rows);
}

export interface SinkhornPotentials {
  /** Potentials in cost units, POT normalisation (P_ij = exp((f_i + g_j − C_ij)/reg)). */
  f: FloatArray;
  g: FloatArray;
  /** Dual ("GeomLoss/OTT") potentials f̂ = f − reg·log a, ĝ = g − reg·log b. */
  fDual: FloatArray;
  gDual: FloatArray;
  /** OT_eps = <C,P> + reg·KL(P | a⊗b) (= <a, f̂> + <b, ĝ> at convergence). */
  value: number;
  cost: number;
  iterations: number;
  converged: boolean;
  marginalError: number;
}

/**
 * Potentials for point clouds, for gradient flows (Sinkhorn divergences): the online solver by
 * default (O(n + m) memory), warm-startable from a previous step's (f, g) through opts.init.
 * Signature: sinkhornPotentials(x, y, reg, { a?, b?, metric?, method? = 'online', tol?, maxIter?, init?, epsScaling? }).
 *
 * Gradient of the source potential at x_i (sqeuclidean): ∇f̂(x_i) = 2(x_i − Σ_j w_ij y_j) with
 * w_ij = softmax_j((g_j − |x_i − y_j|²)/reg), i.e. the barycentric projection of the plan:
 * `softmaxWeightedSum(x, y, y, { eps: reg, logWeights: g })` gives Σ_j w_ij y_j online.
 */
export function sinkhornPotentials(x: MatrixLike, y: MatrixLike, reg: number, opts?: SinkhornPointsOptions): SinkhornPotentials {
  const o = options(opts);
  const r = sinkhornPoints(x, y, reg, { ...o, method: (o.method as SinkhornMethod | undefined) ?? 'online', plan: false });
  const n = r.f.length, m = r.g.length;
  const dtype: DType = r.f instanceof Float32Array ? 'float32' : 'float64';
  const a = weightsOrUniform(o.a, 'a', n, dtype, 'x'), b = weightsOrUniform(o.b, 'b', m, dtype, 'x');
  const fDual = allocLike(dtype, n), gDual = allocLike(dtype, m);
  for (let i = 0; i < n; i++) fDual[i] = a[i] > 0 ? r.f[i] - reg * Math.log(a[i]) : -Infinity;
  for (let j = 0; j < m; j++) gDual[j] = b[j] > 0 ? r.g[j] - reg * Math.log(b[j]) : -Infinity;
  return {
    f: r.f, g: r.g, fDual, gDual, value: r.value, cost: r.cost, iterations: r.iterations, converged: r.converged,
    marginalError: r.marginalError,
  };
}
