/**
 * js twin of native/src/particles_fields.cc: the same fields, formulas and reduction order, in
 * float64 arithmetic (results are stored in the state's dtype). Layouts: native/include/advect/particles.h.
 */
import type { FloatArray } from '../../types.js';
import type { SinkhornRawOptions } from '../sinkhorn.js';
import { jsSinkhorn } from './sinkhorn.js';

export interface FieldDesc {
  type: number;
  params: Float64Array;
  arrays: FloatArray[];
  /** Per-simulation state: Sinkhorn potentials reused as warm starts. */
  cache?: Array<FloatArray | null>;
  cacheValue?: number;
}

function masses(w: FloatArray | null, n: number): Float64Array {
  const a = new Float64Array(n);
  let s = 0;
  if (w) for (let i = 0; i < n; i++) s += w[i];
  for (let i = 0; i < n; i++) a[i] = w ? w[i] / s : 1 / n;
  return a;
}

// ---- attention ---------------------------------------------------------------------------------
function attentionVelocity(f: FieldDesc, x: FloatArray, n: number, d: number, w: FloatArray | null, out: FloatArray): void {
  const H = f.params[0], r = f.params[1], beta = f.params[2], sphere = f.params[3] !== 0;
  const [Qa, Ka, Va] = f.arrays;
  const lw = new Float64Array(n);
  let ws = 0;
  if (w) for (let j = 0; j < n; j++) ws += w[j];
  for (let j = 0; j < n; j++) lw[j] = w ? Math.log(w[j] / ws) : 0;
  const acc = new Float64Array(n * d);
  const q = new Float64Array(n * r), k = new Float64Array(n * r), v = new Float64Array(n * d);
  const sc = new Float64Array(n);
  for (let h = 0; h < H; h++) {
    const qo = h * r * d, vo = h * d * d;
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < r; a++) {
        let sq = 0, sk = 0;
        for (let b = 0; b < d; b++) { sq += Qa[qo + a * d + b] * x[i * d + b]; sk += Ka[qo + a * d + b] * x[i * d + b]; }
        q[i * r + a] = sq; k[i * r + a] = sk;
      }
      for (let a = 0; a < d; a++) {
        let sv = 0;
        for (let b = 0; b < d; b++) sv += Va[vo + a * d + b] * x[i * d + b];
        v[i * d + a] = sv;
      }
    }
    for (let i = 0; i < n; i++) {
      let mx = -Infinity;
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let a = 0; a < r; a++) s += q[i * r + a] * k[j * r + a];
        s = s * beta + lw[j];
        sc[j] = s;
        if (s > mx) mx = s;
      }
      if (!(mx > -Infinity)) continue;
      let tot = 0;
      const o = new Float64Array(d);
      for (let j = 0; j < n; j++) {
        const e = Math.exp(sc[j] - mx);
        tot += e;
        for (let a = 0; a < d; a++) o[a] += e * v[j * d + a];
      }
      for (let a = 0; a < d; a++) acc[i * d + a] += o[a] / tot;
    }
  }
  if (sphere) {
    for (let i = 0; i < n; i++) {
      let xx = 0, xg = 0;
      for (let a = 0; a < d; a++) { xx += x[i * d + a] * x[i * d + a]; xg += x[i * d + a] * acc[i * d + a]; }
      const c = xx > 0 ? xg / xx : 0;
      for (let a = 0; a < d; a++) acc[i * d + a] -= c * x[i * d + a];
    }
  }
  out.set(acc);
}

// ---- mmd ---------------------------------------------------------------------------------------
interface MmdKernel { kind: number; sigma: number; p: number; eps: number; s: number }

/** φ(r²) with ∇₁k(x, y) = φ(|x−y|²)(x − y), or k(r²) when values. */
function mmdPhi(r2: number, K: MmdKernel, values: boolean): number {
  switch (K.kind) {
    case 0: {
      const e = Math.exp(r2 * (-0.5 / (K.sigma * K.sigma)));
      return values ? e : e * (-1 / (K.sigma * K.sigma));
    }
    case 1: {
      const u = r2 + K.eps;
      return values ? -Math.pow(u, K.p / 2) : Math.pow(u, K.p / 2 - 1) * -K.p;
    }
    case 2: {
      const rho = Math.sqrt(r2 + K.eps);
      const e = Math.exp(rho * (-1 / K.sigma));
      return values ? e : -e / (rho * K.sigma);
    }
    default: {
      const u = r2 + K.eps;
      if (K.s === 0) return values ? -0.5 * Math.log(u) : -1 / u;
      return values ? Math.pow(u, -K.s / 2) : Math.pow(u, -K.s / 2 - 1) * -K.s;
    }
  }
}

function mmdRow(xi: number, x: FloatArray, y: FloatArray, m: number, d: number, b: ArrayLike<number>, K: MmdKernel,
  values: boolean, S: Float64Array): void {
  S.fill(0);
  for (let j = 0; j < m; j++) {
    let r2 = 0;
    for (let k = 0; k < d; k++) { const df = x[xi + k] - y[j * d + k]; r2 += df * df; }
    const w = b[j] * mmdPhi(r2, K, values);
    S[0] += w;
    if (!values) for (let k = 0; k < d; k++) S[k + 1] += w * y[j * d + k];
  }
}

const mmdKernel = (f: FieldDesc): MmdKernel =>
  ({ kind: f.params[0], sigma: f.params[1], p: f.params[2], eps: f.params[3], s: f.params[4] });

function mmdVelocity(f: FieldDesc, x: FloatArray, n: number, d: number, w: FloatArray | null, out: FloatArray): void {
  const K = mmdKernel(f), lam = f.params[5], m = f.params[6];
  const a = masses(w, n);
  const S = new Float64Array(d + 1), R = new Float64Array(d + 1);
  for (let i = 0; i < n; i++) {
    mmdRow(i * d, x, x, n, d, a, K, false, S);
    if (m) mmdRow(i * d, x, f.arrays[0], m, d, f.arrays[1], K, false, R);
    for (let k = 0; k < d; k++) {
      const xk = x[i * d + k];
      let g = xk * S[0] - S[k + 1];
      if (m) g -= xk * R[0] - R[k + 1];
      out[i * d + k] = -2 * g - lam * xk;
    }
  }
}

function mmdEnergy(f: FieldDesc, x: FloatArray, n: number, d: number, w: FloatArray | null): number {
  const K = mmdKernel(f), lam = f.params[5], m = f.params[6];
  const a = masses(w, n);
  const S = new Float64Array(d + 1);
  let E = 0;
  for (let i = 0; i < n; i++) {
    mmdRow(i * d, x, x, n, d, a, K, true, S);
    let e = S[0];
    if (m) { mmdRow(i * d, x, f.arrays[0], m, d, f.arrays[1], K, true, S); e -= 2 * S[0]; }
    let xx = 0;
    for (let k = 0; k < d; k++) xx += x[i * d + k] * x[i * d + k];
    E += a[i] * (e + 0.5 * lam * xx);
  }
  if (m && f.cacheValue !== undefined) {
    E += f.cacheValue; // the target self-term, constant over a simulation
  } else if (m) {
    const y = f.arrays[0], b = f.arrays[1];
    let bb = 0;
    for (let j = 0; j < m; j++) { mmdRow(j * d, y, y, m, d, b, K, true, S); bb += b[j] * S[0]; }
    f.cacheValue = bb;
    E += bb;
  }
  return E;
}

// ---- isotropic mixture posterior: out_i = s·(z_i·P0 + P[1..]) + xs·x_i ----------------------------
interface Posterior { K: number; C: Float64Array; lw: Float64Array; h: Float64Array; vals: Float64Array }

function makePosterior(mu: FloatArray, logw: FloatArray, c: Float64Array, A: Float64Array, cen: number, B: number,
  K: number, d: number): Posterior {
  const C = new Float64Array(K * d), lw = new Float64Array(K), h = new Float64Array(K);
  const vals = new Float64Array(K * (d + 1));
  for (let k = 0; k < K; k++) {
    lw[k] = logw[k] - 0.5 * d * Math.log(c[k]);
    h[k] = 0.5 / c[k];
    vals[k * (d + 1)] = A[k];
    for (let b = 0; b < d; b++) {
      const ck = cen * mu[k * d + b];
      C[k * d + b] = ck;
      vals[k * (d + 1) + 1 + b] = -A[k] * ck + B * mu[k * d + b];
    }
  }
  return { K, C, lw, h, vals };
}

function posteriorApply(P: Posterior, z: FloatArray, n: number, d: number, out: FloatArray, s: number,
  xadd: FloatArray | null, xs: number): void {
  const { K, C, lw, h, vals } = P;
  const sc = new Float64Array(K), o = new Float64Array(d + 1);
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let k = 0; k < K; k++) {
      let r2 = 0;
      for (let b = 0; b < d; b++) { const df = z[i * d + b] - C[k * d + b]; r2 += df * df; }
      const v = lw[k] - h[k] * r2;
      sc[k] = v;
      if (v > mx) mx = v;
    }
    o.fill(0);
    if (mx > -Infinity) {
      let tot = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp(sc[k] - mx);
        if (e === 0) continue;
        tot += e;
        for (let b = 0; b <= d; b++) o[b] += e * vals[k * (d + 1) + b];
      }
      for (let b = 0; b <= d; b++) o[b] /= tot;
    }
    for (let b = 0; b < d; b++) {
      const v = z[i * d + b] * o[0] + o[b + 1];
      out[i * d + b] = s * v + (xadd ? xs * xadd[i * d + b] : 0);
    }
  }
}

// ---- langevin ----------------------------------------------------------------------------------
function langevinVelocity(f: FieldDesc, x: FloatArray, n: number, d: number, out: FloatArray): void {
  const pot = f.params[0];
  if (pot === 0) {
    const [A, c] = f.arrays;
    for (let i = 0; i < n; i++)
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += A[a * d + b] * (x[i * d + b] - c[b]);
        out[i * d + a] = -s;
      }
  } else if (pot === 1) {
    const aa = f.params[2];
    for (let i = 0; i < n; i++) {
      const x1 = x[i * d];
      out[i * d] = -4 * aa * x1 * (x1 * x1 - 1);
      for (let k = 1; k < d; k++) out[i * d + k] = -x[i * d + k];
    }
  } else {
    const K = f.params[3], s2 = f.arrays[2];
    const c = new Float64Array(K), A = new Float64Array(K);
    for (let k = 0; k < K; k++) { c[k] = s2[k]; A[k] = 1 / c[k]; }
    posteriorApply(makePosterior(f.arrays[0], f.arrays[1], c, A, 1, 0, K, d), x, n, d, out, -1, null, 0);
  }
}

function langevinEnergy(f: FieldDesc, x: FloatArray, n: number, d: number, w: FloatArray | null): number {
  const pot = f.params[0];
  const a = masses(w, n);
  let E = 0;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let V = 0;
    if (pot === 0) {
      const [A, c] = f.arrays;
      for (let p = 0; p < d; p++)
        for (let q = 0; q < d; q++) V += 0.5 * (x[o + p] - c[p]) * A[p * d + q] * (x[o + q] - c[q]);
    } else if (pot === 1) {
      const x1 = x[o];
      V = f.params[2] * (x1 * x1 - 1) * (x1 * x1 - 1);
      for (let k = 1; k < d; k++) V += 0.5 * x[o + k] * x[o + k];
    } else {
      const K = f.params[3], [mu, lw, s2] = f.arrays;
      let mx = -Infinity;
      const e = new Float64Array(K);
      for (let k = 0; k < K; k++) {
        let r2 = 0;
        for (let b = 0; b < d; b++) { const df = x[o + b] - mu[k * d + b]; r2 += df * df; }
        e[k] = lw[k] - 0.5 * d * Math.log(6.283185307179586 * s2[k]) - (0.5 * r2) / s2[k];
        if (e[k] > mx) mx = e[k];
      }
      let s = 0;
      for (let k = 0; k < K; k++) s += Math.exp(e[k] - mx);
      V = -(mx + Math.log(s));
    }
    E += a[i] * V;
  }
  return E;
}

// ---- mean-field two-layer network ----------------------------------------------------------------
function mlpResiduals(f: FieldDesc, x: FloatArray, n: number, d: number, w: FloatArray | null): Float64Array {
  const relu = f.params[0] === 0, N = f.params[1], din = f.params[2], dout = f.params[3];
  const [U, Y] = f.arrays;
  const a = masses(w, n);
  const r = new Float64Array(N * dout);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < N; k++) {
      let z = 0;
      for (let b = 0; b < din; b++) z += x[i * d + b] * U[k * din + b];
      const s = relu ? (z > 0 ? z : 0) : z;
      if (s === 0) continue;
      for (let o = 0; o < dout; o++) r[k * dout + o] += a[i] * x[i * d + din + o] * s;
    }
  }
  for (let e = 0; e < N * dout; e++) r[e] -= Y[e];
  return r;
}

function mlpVelocity(f: FieldDesc, x: FloatArray, n: number, d: number, w: FloatArray | null, out: FloatArray): void {
  const relu = f.params[0] === 0, N = f.params[1], din = f.params[2], dout = f.params[3];
  const U = f.arrays[0];
  const R = mlpResiduals(f, x, n, d, w);
  const gw = new Float64Array(din), ga = new Float64Array(dout);
  for (let i = 0; i < n; i++) {
    gw.fill(0); ga.fill(0);
    for (let k = 0; k < N; k++) {
      let z = 0;
      for (let b = 0; b < din; b++) z += x[i * d + b] * U[k * din + b];
      const s = relu ? (z > 0 ? z : 0) : z, ds = relu ? (z > 0 ? 1 : 0) : 1;
      let ar = 0;
      for (let o = 0; o < dout; o++) { ar += x[i * d + din + o] * R[k * dout + o]; ga[o] += s * R[k * dout + o]; }
      const c = ar * ds;
      if (c !== 0) for (let b = 0; b < din; b++) gw[b] += c * U[k * din + b];
    }
    for (let b = 0; b < din; b++) out[i * d + b] = -gw[b] / N;
    for (let o = 0; o < dout; o++) out[i * d + din + o] = -ga[o] / N;
  }
}

function mlpEnergy(f: FieldDesc, x: FloatArray, n: number, d: number, w: FloatArray | null): number {
  const R = mlpResiduals(f, x, n, d, w);
  let s = 0;
  for (let e = 0; e < R.length; e++) s += R[e] * R[e];
  return (0.5 * s) / f.params[1];
}

// ---- flow matching / diffusion -------------------------------------------------------------------
export function schedule(kind: number, t: number): { a: number; b: number; da: number; db: number } {
  if (kind === 0) return { a: 1 - t, b: t, da: -1, db: 1 };
  const h = 1.5707963267948966;
  return { a: Math.cos(h * t), b: Math.sin(h * t), da: -h * Math.sin(h * t), db: h * Math.cos(h * t) };
}

/** Solves S X = B (S SPD, both d×d row-major) by Cholesky; returns false when S is not SPD. */
export function spdSolve(S0: ArrayLike<number>, B: Float64Array, d: number): boolean {
  const S = Float64Array.from(S0);
  for (let j = 0; j < d; j++) {
    let s = S[j * d + j];
    for (let k = 0; k < j; k++) s -= S[j * d + k] * S[j * d + k];
    if (!(s > 0)) return false;
    S[j * d + j] = Math.sqrt(s);
    for (let i = j + 1; i < d; i++) {
      let t = S[i * d + j];
      for (let k = 0; k < j; k++) t -= S[i * d + k] * S[j * d + k];
      S[i * d + j] = t / S[j * d + j];
    }
  }
  for (let c = 0; c < d; c++) {
    for (let i = 0; i < d; i++) {
      let t = B[i * d + c];
      for (let k = 0; k < i; k++) t -= S[i * d + k] * B[k * d + c];
      B[i * d + c] = t / S[i * d + i];
    }
    for (let i = d - 1; i >= 0; i--) {
      let t = B[i * d + c];
      for (let k = i + 1; k < d; k++) t -= S[k * d + i] * B[k * d + c];
      B[i * d + c] = t / S[i * d + i];
    }
  }
  return true;
}

function fmVelocity(f: FieldDesc, t: number, x: FloatArray, n: number, d: number, out: FloatArray): string | null {
  const target = f.params[0];
  const s = schedule(f.params[1], t);
  if (target === 2) {
    const [m0, S0, m1, S1] = f.arrays;
    const St = new Float64Array(d * d), Bt = new Float64Array(d * d);
    for (let e = 0; e < d * d; e++) {
      St[e] = s.a * s.a * S0[e] + s.b * s.b * S1[e];
      Bt[e] = s.a * s.da * S0[e] + s.b * s.db * S1[e];
    }
    const X = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) X[i * d + j] = Bt[j * d + i];
    if (!spdSolve(St, X, d)) return 'The flow-matching covariance Σ_t is not positive definite';
    const mt = new Float64Array(d), dm = new Float64Array(d);
    for (let k = 0; k < d; k++) { mt[k] = s.a * m0[k] + s.b * m1[k]; dm[k] = s.da * m0[k] + s.db * m1[k]; }
    for (let i = 0; i < n; i++)
      for (let p = 0; p < d; p++) {
        let v = dm[p];
        for (let q = 0; q < d; q++) v += X[q * d + p] * (x[i * d + q] - mt[q]);
        out[i * d + p] = v;
      }
    return null;
  }
  const K = f.params[2], s2 = f.arrays[2];
  const c = new Float64Array(K), A = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    c[k] = s.a * s.a + s.b * s.b * s2[k];
    A[k] = (s.da * s.a + s.db * s.b * s2[k]) / c[k];
  }
  posteriorApply(makePosterior(f.arrays[0], f.arrays[1], c, A, s.b, s.db, K, d), x, n, d, out, 1, null, 0);
  return null;
}

/** VP schedule of the diffusion field: β(τ), α_τ and σ_τ² at forward time τ. */
export function vpSchedule(bmin: number, bmax: number, horizon: number, tau: number) {
  const beta = bmin + ((bmax - bmin) * tau) / horizon;
  const B = bmin * tau + (0.5 * (bmax - bmin) * tau * tau) / horizon;
  return { beta, alpha: Math.exp(-0.5 * B), variance: -Math.expm1(-B) };
}

function diffusionVelocity(f: FieldDesc, t: number, x: FloatArray, n: number, d: number, out: FloatArray): void {
  const sde = f.params[0] === 1, horizon = f.params[1], K = f.params[4];
  const { beta, alpha, variance } = vpSchedule(f.params[2], f.params[3], horizon, horizon - t);
  const s2 = f.arrays[2];
  const c = new Float64Array(K), A = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    c[k] = variance + alpha * alpha * s2[k];
    A[k] = -1 / c[k];
  }
  const P = makePosterior(f.arrays[0], f.arrays[1], c, A, alpha, 0, K, d);
  posteriorApply(P, x, n, d, out, sde ? beta : 0.5 * beta, x, 0.5 * beta);
}

// ---- coupled (minibatch-OT) flow matching --------------------------------------------------------
function coupledVelocity(f: FieldDesc, t: number, x: FloatArray, n: number, d: number, out: FloatArray): void {
  const s2 = f.params[0] * f.params[0], K = f.params[1], [x0, x1] = f.arrays;
  const C = new Float64Array(K * d), vals = new Float64Array(K * (d + 1));
  for (let k = 0; k < K; k++)
    for (let b = 0; b < d; b++) {
      C[k * d + b] = (1 - t) * x0[k * d + b] + t * x1[k * d + b];
      vals[k * (d + 1) + 1 + b] = x1[k * d + b] - x0[k * d + b];
    }
  const P: Posterior = { K, C, lw: new Float64Array(K), h: new Float64Array(K).fill(0.5 / s2), vals };
  posteriorApply(P, x, n, d, out, 1, null, 0);
}

// ---- Sinkhorn divergence (mirrors sd_* in native/src/particles_fields.cc) --------------------------
function sqDiameter(x: FloatArray, n: number, y: FloatArray, m: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) { lo = Math.min(lo, x[i * d + k]); hi = Math.max(hi, x[i * d + k]); }
    for (let j = 0; j < m; j++) { lo = Math.min(lo, y[j * d + k]); hi = Math.max(hi, y[j * d + k]); }
    s += (hi - lo) * (hi - lo);
  }
  return s;
}

function sdSolve(f: FieldDesc, x: FloatArray, n: number, y: FloatArray, m: number, d: number, a: FloatArray, b: FloatArray,
  slot: number, cache: Array<FloatArray | null>): number {
  const warm = cache[slot] !== null && cache[slot]!.length === n && cache[slot + 1] !== null && cache[slot + 1]!.length === m;
  if (!warm) {
    cache[slot] = x instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
    cache[slot + 1] = x instanceof Float32Array ? new Float32Array(m) : new Float64Array(m);
  }
  const o: SinkhornRawOptions = {
    method: 4, reg: f.params[0], tol: f.params[1], maxIter: f.params[2], checkEvery: 1, strict: true, norm: 2, tau: 1e3,
    eps0: warm ? 0 : sqDiameter(x, n, y, m, d), epsDecay: 0.5, stageIter: 10, warm, budget: 0,
  };
  return jsSinkhorn.online(x, n, y, m, d, 0, 2, a, b, o, cache[slot]!, cache[slot + 1]!).value;
}

/** out_i = Σ_j softmax_j((g_j − |x_i − y_j|²)/eps) y_j. */
function barycentres(x: FloatArray, n: number, y: FloatArray, m: number, d: number, g: FloatArray, eps: number): Float64Array {
  const out = new Float64Array(n * d), sc = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let j = 0; j < m; j++) {
      let c = 0;
      for (let k = 0; k < d; k++) { const df = x[i * d + k] - y[j * d + k]; c += df * df; }
      sc[j] = (g[j] - c) / eps;
      if (sc[j] > mx) mx = sc[j];
    }
    let tot = 0;
    for (let j = 0; j < m; j++) {
      const e = Math.exp(sc[j] - mx);
      tot += e;
      for (let k = 0; k < d; k++) out[i * d + k] += e * y[j * d + k];
    }
    for (let k = 0; k < d; k++) out[i * d + k] /= tot;
  }
  return out;
}

const massesLike = (w: FloatArray | null, n: number, like: FloatArray): FloatArray => {
  const a = masses(w, n);
  return like instanceof Float32Array ? Float32Array.from(a) : a;
};

function sdVelocity(f: FieldDesc, x: FloatArray, n: number, d: number, w: FloatArray | null, out: FloatArray): void {
  const m = f.params[3], [y, b] = f.arrays;
  const a = massesLike(w, n, x);
  f.cache ??= [null, null, null, null];
  sdSolve(f, x, n, y, m, d, a, b, 0, f.cache);
  sdSolve(f, x, n, x, n, d, a, a, 2, f.cache);
  const yb = barycentres(x, n, y, m, d, f.cache[1]!, f.params[0]);
  const xb = barycentres(x, n, x, n, d, f.cache[3]!, f.params[0]);
  for (let e = 0; e < n * d; e++) out[e] = 2 * (yb[e] - xb[e]);
}

function sdEnergy(f: FieldDesc, x: FloatArray, n: number, d: number, w: FloatArray | null): number {
  // As native: the solves at x refresh the warm-start cache; OT_ε(β, β) is solved once.
  const m = f.params[3], [y, b] = f.arrays;
  const a = massesLike(w, n, x);
  f.cache ??= [null, null, null, null];
  const ab = sdSolve(f, x, n, y, m, d, a, b, 0, f.cache);
  const aa = sdSolve(f, x, n, x, n, d, a, a, 2, f.cache);
  f.cacheValue ??= sdSolve(f, y, m, y, m, d, b, b, 0, [null, null]);
  return ab - 0.5 * aa - 0.5 * f.cacheValue;
}

export function fieldHasEnergy(f: FieldDesc): boolean {
  return f.type === 1 || f.type === 2 || f.type === 3 || f.type === 6;
}

/** Returns an error message for numerical failure (ADVECT_NUMERIC), else null. */
export function fieldVelocity(f: FieldDesc, t: number, x: FloatArray, n: number, d: number, w: FloatArray | null,
  out: FloatArray): string | null {
  switch (f.type) {
    case 0: attentionVelocity(f, x, n, d, w, out); return null;
    case 1: mmdVelocity(f, x, n, d, w, out); return null;
    case 2: langevinVelocity(f, x, n, d, out); return null;
    case 3: mlpVelocity(f, x, n, d, w, out); return null;
    case 4: return fmVelocity(f, t, x, n, d, out);
    case 5: diffusionVelocity(f, t, x, n, d, out); return null;
    case 6: sdVelocity(f, x, n, d, w, out); return null;
    case 7: coupledVelocity(f, t, x, n, d, out); return null;
  }
  throw new RangeError(`Expected a field type code from 0 to 7 for type but received ${f.type}`);
}

export function fieldEnergy(f: FieldDesc, _t: number, x: FloatArray, n: number, d: number, w: FloatArray | null): number {
  switch (f.type) {
    case 1: return mmdEnergy(f, x, n, d, w);
    case 2: return langevinEnergy(f, x, n, d, w);
    case 3: return mlpEnergy(f, x, n, d, w);
    case 6: return sdEnergy(f, x, n, d, w);
    default: return NaN;
  }
}

export function diffusionCoef(f: FieldDesc, t: number): number {
  if (f.type === 2) return Math.sqrt(2 * f.params[1]);
  if (f.type === 5 && f.params[0] === 1) {
    const horizon = f.params[1];
    return Math.sqrt(f.params[2] + ((f.params[3] - f.params[2]) * (horizon - t)) / horizon);
  }
  return 0;
}

export function isStochastic(f: FieldDesc): boolean {
  return (f.type === 2 && f.params[1] > 0) || (f.type === 5 && f.params[0] === 1);
}

export function postStep(f: FieldDesc, x: FloatArray, n: number, d: number): void {
  if (f.type !== 0 || f.params[3] === 0) return;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += x[i * d + k] * x[i * d + k];
    if (s > 0) {
      const inv = 1 / Math.sqrt(s);
      for (let k = 0; k < d; k++) x[i * d + k] = x[i * d + k] * inv;
    }
  }
}
