/**
 * Pure-TypeScript twin of native/src/sinkhorn.cc: the same method choice, update order
 * (v then u), stopping rule, absorption, eps scaling and statistics. Scalings, potentials and
 * the kernel are stored in the input dtype (Float32Array for float32 inputs), so a float32 solve
 * has float32 rounding as natively and cannot report convergence it did not reach; sums run in
 * double. Each solver is a generator yielding [iteration, err, eps, 0] once per iteration; the
 * sync op drains it, the async op drains it in slices (src/jobs.ts).
 * The dense log domain here uses the max-shifted LSE for both half-steps; native evaluates the
 * same recurrence in one fused sweep with the just-updated potential as stabiliser (equal up to
 * rounding, so iteration counts agree).
 */
import { AdvectError } from '../../errors.js';
import { drainSync, generatorJob } from '../../jobs.js';
import type { FloatArray } from '../../types.js';
import type { SinkhornOps, SinkhornRawInfo, SinkhornRawOptions } from '../sinkhorn.js';
import { MetricCode, pairCost, rowNorms } from './metric.js';

type Progress = number[];
type Gen<R> = Generator<Progress, R, void>;
const AUTO = 0, SCALING = 1, STABILIZED = 2, LOG = 3, ONLINE = 4;

const numeric = (msg: string) => new AdvectError('ADVECT_NUMERIC', msg);
const alloc = (like: FloatArray, n: number): FloatArray => (like instanceof Float32Array ? new Float32Array(n) : new Float64Array(n));
const isFiniteNum = (v: number) => v - v === 0;

function normErr(marg: Float64Array, b: FloatArray, norm: number): number {
  let s = 0;
  for (let j = 0; j < marg.length; j++) {
    const e = marg[j] - b[j];
    s += norm === 1 ? Math.abs(e) : e * e;
  }
  return norm === 1 ? s : Math.sqrt(s);
}

/** A log-domain problem: dense C or point clouds. LSEs of (f_i − C_ij)/eps over i, (g_j − C_ij)/eps over j. */
interface LogProblem {
  n: number;
  m: number;
  a: FloatArray;
  b: FloatArray;
  cost(i: number, j: number): number;
}

function denseProblem(C: FloatArray, n: number, m: number, a: FloatArray, b: FloatArray): LogProblem {
  return { n, m, a, b, cost: (i, j) => C[i * m + j] };
}

function onlineProblem(
  x: FloatArray, n: number, y: FloatArray, m: number, d: number, metric: number, p: number, a: FloatArray, b: FloatArray,
): LogProblem {
  const xn = metric === MetricCode.cosine ? rowNorms(x, n, d) : null;
  const yn = metric === MetricCode.cosine ? rowNorms(y, m, d) : null;
  return { n, m, a, b, cost: (i, j) => pairCost(x, i, y, j, d, metric, p, xn, yn) };
}

function lseCols(P: LogProblem, f: FloatArray, eps: number, out: FloatArray): void {
  const { n, m } = P;
  const buf = new Float64Array(n);
  for (let j = 0; j < m; j++) {
    let mx = -Infinity;
    for (let i = 0; i < n; i++) {
      const t = (f[i] - P.cost(i, j)) / eps;
      buf[i] = t;
      if (t > mx) mx = t;
    }
    if (mx === -Infinity) { out[j] = -Infinity; continue; }
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.exp(buf[i] - mx);
    out[j] = mx + Math.log(s);
  }
}

function lseRows(P: LogProblem, g: FloatArray, eps: number, out: FloatArray): void {
  const { n, m } = P;
  const buf = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let j = 0; j < m; j++) {
      const t = (g[j] - P.cost(i, j)) / eps;
      buf[j] = t;
      if (t > mx) mx = t;
    }
    if (mx === -Infinity) { out[i] = -Infinity; continue; }
    let s = 0;
    for (let j = 0; j < m; j++) s += Math.exp(buf[j] - mx);
    out[i] = mx + Math.log(s);
  }
}

interface LoopResult { iters: number; err: number; conv: boolean }
interface Ctl { o: SinkhornRawOptions; done: number }

const stopRule = (o: SinkhornRawOptions, err: number) => (o.strict ? err < o.tol : err <= o.tol);

/** Log-domain iterations (same deferred check as native log_loop). */
function* logLoop(
  P: LogProblem, eps: number, maxIter: number, check: number, useRule: boolean, f: FloatArray, g: FloatArray, c: Ctl,
): Gen<LoopResult> {
  const { n, m, a, b } = P;
  const lc = alloc(f, m), lr = alloc(f, n);
  const marg = new Float64Array(m);
  check = Math.max(1, check);
  let err = Infinity;
  const evalErr = () => {
    for (let j = 0; j < m; j++) marg[j] = Math.exp(g[j] / eps + lc[j]);
    return normErr(marg, b, c.o.norm);
  };
  for (let ii = 0; ii < maxIter; ii++) {
    lseCols(P, f, eps, lc);
    if (ii > 0 && useRule && (ii - 1) % check === 0) {
      err = evalErr();
      if (stopRule(c.o, err)) return { iters: ii, err, conv: true };
    }
    for (let j = 0; j < m; j++) {
      g[j] = eps * (Math.log(b[j]) - lc[j]);
      if (b[j] > 0 && !isFiniteNum(g[j])) throw numeric(`Sinkhorn log domain: non-finite potentials at iteration ${ii}`);
    }
    lseRows(P, g, eps, lr);
    for (let i = 0; i < n; i++) {
      f[i] = eps * (Math.log(a[i]) - lr[i]);
      if (a[i] > 0 && !isFiniteNum(f[i])) throw numeric(`Sinkhorn log domain: non-finite potentials at iteration ${ii}`);
    }
    yield [c.done + ii + 1, err, eps, 0];
  }
  lseCols(P, f, eps, lc);
  err = evalErr();
  const conv = useRule && maxIter > 0 && (maxIter - 1) % check === 0 && stopRule(c.o, err);
  return { iters: maxIter, err, conv };
}

function* anneal(P: LogProblem, f: FloatArray, g: FloatArray, c: Ctl): Gen<void> {
  const o = c.o;
  if (!(o.eps0 > o.reg) || o.stageIter === 0) return;
  const decay = o.epsDecay > 0 && o.epsDecay < 1 ? o.epsDecay : 0.5;
  let eps = o.eps0, prev = 0;
  for (let stage = 0; eps > o.reg && stage < 200; stage++, eps *= decay) {
    if (prev > 0) for (let i = 0; i < P.n; i++) if (P.a[i] > 0) f[i] = f[i] + (eps - prev) * Math.log(P.a[i]);
    const r = yield* logLoop(P, eps, o.stageIter, o.stageIter, false, f, g, c);
    c.done += r.iters;
    prev = eps;
  }
  for (let i = 0; i < P.n; i++) if (P.a[i] > 0) f[i] = f[i] + (o.reg - prev) * Math.log(P.a[i]);
}

/** K = exp((alpha + beta − C)/reg); returns Kᵀu (double). */
function buildKernel(
  C: FloatArray, n: number, m: number, alpha: FloatArray | null, beta: FloatArray | null, reg: number, u: FloatArray,
  K: FloatArray, colsum: Float64Array,
): void {
  colsum.fill(0);
  for (let i = 0; i < n; i++) {
    const ai = alpha ? alpha[i] : 0;
    for (let j = 0; j < m; j++) K[i * m + j] = Math.exp((ai + (beta ? beta[j] : 0) - C[i * m + j]) / reg);
    const ui = u[i];
    if (ui === 0) continue;
    for (let j = 0; j < m; j++) colsum[j] += K[i * m + j] * ui;
  }
}

const underflowMsg = (what: string, k: number, ii: number) =>
  `Sinkhorn scaling: ${what} ${k} of the kernel exp(-C/reg) underflowed at iteration ${ii} ` +
  `(reg too small for the scaling domain); use method 'log' or 'auto'`;

function* scalingLoop(
  C: FloatArray, n: number, m: number, a: FloatArray, b: FloatArray, reg: number, K: FloatArray, colsum: Float64Array,
  u: FloatArray, v: FloatArray, alpha: FloatArray | null, beta: FloatArray | null, tau: number, c: Ctl,
): Gen<LoopResult> {
  const o = c.o;
  const marg = new Float64Array(m);
  const check = Math.max(1, o.checkEvery);
  let err = Infinity;
  for (let ii = 0; ii < o.maxIter; ii++) {
    for (let j = 0; j < m; j++) {
      if (b[j] === 0) { v[j] = 0; continue; }
      v[j] = b[j] / colsum[j];
      if (!(colsum[j] > 0) || !isFiniteNum(v[j])) throw numeric(underflowMsg('column', j, ii));
    }
    colsum.fill(0);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += K[i * m + j] * v[j];
      u[i] = a[i] === 0 ? 0 : a[i] / s;
      if (!isFiniteNum(u[i])) throw numeric(underflowMsg('row', i, ii));
      const ui = u[i];
      if (ui === 0) continue;
      for (let j = 0; j < m; j++) colsum[j] += K[i * m + j] * ui;
    }
    if (tau > 0 && alpha && beta) {
      let mu = 0, mv = 0;
      for (let i = 0; i < n; i++) mu = Math.max(mu, Math.abs(u[i]));
      for (let j = 0; j < m; j++) mv = Math.max(mv, Math.abs(v[j]));
      if (mu > tau || mv > tau) {
        for (let i = 0; i < n; i++) {
          alpha[i] = a[i] === 0 ? -Infinity : alpha[i] + reg * Math.log(u[i]);
          u[i] = a[i] === 0 ? 0 : 1 / n;
        }
        for (let j = 0; j < m; j++) {
          beta[j] = b[j] === 0 ? -Infinity : beta[j] + reg * Math.log(v[j]);
          v[j] = b[j] === 0 ? 0 : 1 / m;
        }
        buildKernel(C, n, m, alpha, beta, reg, u, K, colsum);
      }
    }
    if (ii % check === 0) {
      for (let j = 0; j < m; j++) marg[j] = v[j] * colsum[j];
      err = normErr(marg, b, o.norm);
      if (err !== err) throw numeric('Sinkhorn scaling: NaN marginal error');
      if (stopRule(o, err)) {
        yield [c.done + ii + 1, err, reg, 0];
        return { iters: ii + 1, err, conv: true };
      }
    }
    yield [c.done + ii + 1, err, reg, 0];
  }
  for (let j = 0; j < m; j++) marg[j] = v[j] * colsum[j];
  return { iters: o.maxIter, err: normErr(marg, b, o.norm), conv: false };
}

interface Stats { rows: Float64Array; cols: Float64Array; cost: number }

function denseStats(
  C: FloatArray, n: number, m: number, K: FloatArray | null, u: FloatArray | null, v: FloatArray | null,
  f: FloatArray | null, g: FloatArray | null, reg: number, plan: FloatArray | null,
): Stats {
  const rows = new Float64Array(n), cols = new Float64Array(m);
  const buf = alloc(C, 1);
  let cost = 0;
  for (let i = 0; i < n; i++) {
    let rs = 0;
    for (let j = 0; j < m; j++) {
      buf[0] = K ? (u as FloatArray)[i] * K[i * m + j] * (v as FloatArray)[j] : Math.exp(((f as FloatArray)[i] + (g as FloatArray)[j] - C[i * m + j]) / reg);
      const p = buf[0];
      rs += p;
      if (p !== 0) cost += p * C[i * m + j];
      cols[j] += p;
      if (plan) plan[i * m + j] = p;
    }
    rows[i] = rs;
  }
  return { rows, cols, cost };
}

function valueOf(f: FloatArray, g: FloatArray, s: Stats, a: FloatArray, b: FloatArray, reg: number): number {
  let v = 0;
  for (let i = 0; i < f.length; i++) if (s.rows[i] > 0) v += s.rows[i] * (f[i] - reg * Math.log(a[i]));
  for (let j = 0; j < g.length; j++) if (s.cols[j] > 0) v += s.cols[j] * (g[j] - reg * Math.log(b[j]));
  return v;
}

function ctransformStart(C: FloatArray, n: number, m: number, a: FloatArray, b: FloatArray, alpha: FloatArray, beta: FloatArray): void {
  for (let i = 0; i < n; i++) {
    let mn = Infinity;
    for (let j = 0; j < m; j++) if (b[j] > 0) mn = Math.min(mn, C[i * m + j]);
    alpha[i] = a[i] > 0 ? mn : -Infinity;
  }
  beta.fill(Infinity);
  for (let i = 0; i < n; i++) {
    if (!(a[i] > 0)) continue;
    for (let j = 0; j < m; j++) beta[j] = Math.min(beta[j], C[i * m + j] - alpha[i]);
  }
  for (let j = 0; j < m; j++) if (!(b[j] > 0)) beta[j] = -Infinity;
}

const underflowRange = (like: FloatArray) => 0.9 * -Math.log(like instanceof Float32Array ? 1.1754943508222875e-38 : 2.2250738585072014e-308);

function sumOf(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function* denseGen(
  C: FloatArray, n: number, m: number, a: FloatArray, b: FloatArray, o: SinkhornRawOptions, fOut: FloatArray,
  gOut: FloatArray, plan: FloatArray | null,
): Gen<SinkhornRawInfo> {
  if (o.method === ONLINE) throw new RangeError('Expected a dense method (0 to 3) for method but received 4');
  const reg = o.reg;
  const c: Ctl = { o, done: 0 };
  const P = denseProblem(C, n, m, a, b);
  const f = alloc(C, n), g = alloc(C, m);
  if (o.warm) { f.set(fOut); g.set(gOut); }
  const annealed = o.eps0 > reg && o.stageIter > 0;
  if (annealed) yield* anneal(P, f, g, c);
  const warm = o.warm || annealed;
  let method = o.method;
  if (method === AUTO) {
    let cmin = Infinity, cmax = -Infinity;
    for (let k = 0; k < n * m; k++) { cmin = Math.min(cmin, C[k]); cmax = Math.max(cmax, C[k]); }
    const kbytes = n * m * C.BYTES_PER_ELEMENT * 1.05;
    const fits = o.budget <= 0 || kbytes <= o.budget;
    method = !fits ? LOG : (cmax - cmin) / reg < underflowRange(C) && !warm ? SCALING : STABILIZED;
  }
  const automatic = o.method === AUTO;
  let res: LoopResult = { iters: 0, err: Infinity, conv: false };
  let stats: Stats | null = null;
  let fellBack = false;
  if (method === SCALING || method === STABILIZED) {
    const K = alloc(C, n * m);
    const colsum = new Float64Array(m);
    const u = alloc(C, n), v = alloc(C, m);
    const stab = method === STABILIZED;
    let alpha: FloatArray | null = null, beta: FloatArray | null = null;
    let tau = 0;
    if (stab) {
      alpha = alloc(C, n);
      beta = alloc(C, m);
      tau = automatic ? (C instanceof Float64Array ? 1e50 : 1e8) : o.tau;
      if (warm) {
        alpha.set(f);
        beta.set(g);
        for (let i = 0; i < n; i++) u[i] = a[i] > 0 ? 1 : 0;
      } else if (automatic) {
        ctransformStart(C, n, m, a, b, alpha, beta);
        for (let i = 0; i < n; i++) u[i] = a[i] > 0 ? 1 / n : 0;
      } else {
        for (let i = 0; i < n; i++) u[i] = 1 / n;
      }
      buildKernel(C, n, m, alpha, beta, reg, u, K, colsum);
    } else {
      for (let i = 0; i < n; i++) u[i] = warm ? (a[i] > 0 ? Math.exp(f[i] / reg) : 0) : 1 / n;
      buildKernel(C, n, m, null, null, reg, u, K, colsum);
    }
    let failed: unknown = null;
    try {
      res = yield* scalingLoop(C, n, m, a, b, reg, K, colsum, u, v, alpha, beta, tau, c);
      for (let i = 0; i < n; i++) f[i] = (stab ? (alpha as FloatArray)[i] : 0) + (u[i] > 0 ? reg * Math.log(u[i]) : -Infinity);
      for (let j = 0; j < m; j++) g[j] = (stab ? (beta as FloatArray)[j] : 0) + (v[j] > 0 ? reg * Math.log(v[j]) : -Infinity);
      if (stab) for (let i = 0; i < n; i++) if (a[i] === 0) f[i] = -Infinity;
      stats = denseStats(C, n, m, K, u, v, null, null, reg, plan);
      res.err = normErr(stats.cols, b, o.norm);
      if (stats.cost !== stats.cost || res.err !== res.err) {
        if (!automatic) throw numeric("Sinkhorn scaling: the plan has NaN entries; use method 'log' or 'auto'");
        failed = numeric('nan plan');
      }
    } catch (err) {
      if (!(err instanceof AdvectError) || err.code !== 'ADVECT_NUMERIC' || !automatic) throw err;
      failed = err;
    }
    if (failed) {
      fellBack = true;
      method = LOG;
      c.done += res.iters;
      f.fill(0);
      if (o.warm) f.set(fOut);
    }
  }
  if (method === LOG) {
    res = yield* logLoop(P, reg, o.maxIter, o.checkEvery, true, f, g, c);
    stats = denseStats(C, n, m, null, null, null, f, g, reg, plan);
    res.err = normErr(stats.cols, b, o.norm);
  }
  const s = stats as Stats;
  // float32: converged also requires the returned plan's error (summed in double) to meet the rule.
  if (C instanceof Float32Array && res.conv && !stopRule(o, res.err)) res.conv = false;
  fOut.set(f);
  gOut.set(g);
  const info: SinkhornRawInfo = {
    iterations: c.done + res.iters, marginalError: res.err, converged: res.conv, method, fellBack,
    cost: s.cost, value: valueOf(f, g, s, a, b, reg), planSum: sumOf(s.rows),
  };
  return info;
}

function* onlineGen(
  x: FloatArray, n: number, y: FloatArray, m: number, d: number, metric: number, p: number, a: FloatArray,
  b: FloatArray, o: SinkhornRawOptions, fOut: FloatArray, gOut: FloatArray,
): Gen<SinkhornRawInfo> {
  const reg = o.reg;
  const c: Ctl = { o, done: 0 };
  const P = onlineProblem(x, n, y, m, d, metric, p, a, b);
  const f = alloc(x, n), g = alloc(x, m);
  if (o.warm) { f.set(fOut); g.set(gOut); }
  yield* anneal(P, f, g, c);
  const res = yield* logLoop(P, reg, o.maxIter, o.checkEvery, true, f, g, c);
  const rows = new Float64Array(n), cols = new Float64Array(m);
  let cost = 0;
  for (let i = 0; i < n; i++) {
    if (f[i] === -Infinity) continue;
    for (let j = 0; j < m; j++) {
      const cij = P.cost(i, j);
      const pij = Math.exp((f[i] + g[j] - cij) / reg);
      rows[i] += pij;
      cols[j] += pij;
      if (pij !== 0) cost += pij * cij;
    }
  }
  const s: Stats = { rows, cols, cost };
  const finalErr = normErr(cols, b, o.norm);
  const conv = res.conv && (!(x instanceof Float32Array) || stopRule(o, finalErr));
  fOut.set(f);
  gOut.set(g);
  return {
    iterations: c.done + res.iters, marginalError: finalErr, converged: conv, method: ONLINE,
    fellBack: false, cost, value: valueOf(f, g, s, a, b, reg), planSum: sumOf(rows),
  };
}

const asJob = <R>(gen: Gen<R>, onProgress?: (raw: number[]) => void) => generatorJob(gen, onProgress, 'The Sinkhorn solve');

export const jsSinkhorn: SinkhornOps = {
  dense: (C, n, m, a, b, o, f, g, plan) => drainSync(denseGen(C, n, m, a, b, o, f, g, plan)),
  denseAsync: (C, n, m, a, b, o, f, g, plan, onProgress) => asJob(denseGen(C, n, m, a, b, o, f, g, plan), onProgress),
  online: (x, n, y, m, d, metric, p, a, b, o, f, g) => drainSync(onlineGen(x, n, y, m, d, metric, p, a, b, o, f, g)),
  onlineAsync: (x, n, y, m, d, metric, p, a, b, o, f, g, onProgress) =>
    asJob(onlineGen(x, n, y, m, d, metric, p, a, b, o, f, g), onProgress),
};
