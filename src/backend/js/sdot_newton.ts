/**
 * Pure-TypeScript twin of native/src/sdot_newton.cc: damped Newton (Kitagawa–Mérigot–Thibert)
 * with CG on the mass Laplacian preconditioned by an aggregation multigrid V-cycle, and Lloyd iterations. Generators yield
 * one progress record per Newton step (per Lloyd iteration for lloyd).
 */
import { AdvectError } from '../../errors.js';
import { type DiagramOut, PowerDiagram, type Density2D } from './sdot_geometry.js';

export interface NewtonOpts {
  tol: number;
  maxIter: number;
  cgTol: number;
}

export interface NewtonOut {
  weights: Float64Array;
  history: Float64Array;
  iterations: number;
  cgIterations: number;
  maxRelMassError: number;
  converged: boolean;
  reason: string;
  cost: number;
  diagram: DiagramOut;
}

class Laplacian {
  n = 0;
  start = new Int32Array(1);
  col = new Int32Array(0);
  val = new Float64Array(0);
  diag = new Float64Array(0);
  pos = new Int32Array(0);

  build(n: number, D: DiagramOut, Y: Float64Array, order: Int32Array): void {
    this.n = n;
    const pos = (this.pos = new Int32Array(n));
    for (let r = 0; r < n; r++) pos[order[r]] = r;
    const start = (this.start = new Int32Array(n + 1));
    const diag = (this.diag = new Float64Array(n));
    const ne = D.edgeI.length;
    const c = new Float64Array(ne);
    for (let e = 0; e < ne; e++) {
      const a = D.edgeI[e], b = D.edgeJ[e];
      const dx = Y[2 * a] - Y[2 * b], dy = Y[2 * a + 1] - Y[2 * b + 1];
      c[e] = D.edgeFacet[e] / (2 * Math.sqrt(dx * dx + dy * dy));
      start[pos[a] + 1]++;
      start[pos[b] + 1]++;
    }
    for (let i = 0; i < n; i++) start[i + 1] += start[i];
    const col = (this.col = new Int32Array(start[n]));
    const val = (this.val = new Float64Array(start[n]));
    const fill = start.slice(0, n);
    for (let e = 0; e < ne; e++) {
      const i = pos[D.edgeI[e]], j = pos[D.edgeJ[e]];
      col[fill[i]] = j;
      val[fill[i]++] = -c[e];
      col[fill[j]] = i;
      val[fill[j]++] = -c[e];
      diag[i] += c[e];
      diag[j] += c[e];
    }
  }

  apply(x: Float64Array, y: Float64Array): void {
    const { n, start, col, val, diag } = this;
    for (let i = 0; i < n; i++) {
      let s = diag[i] * x[i];
      for (let t = start[i]; t < start[i + 1]; t++) s += val[t] * x[col[t]];
      y[i] = s;
    }
  }
}

interface AmgLevel {
  n: number;
  start: Int32Array;
  col: Int32Array;
  val: Float64Array;
  diag: Float64Array;
  agg: Int32Array | null;
  nc: number;
}

/** Aggregation multigrid V-cycle (twin of the native Amg in sdot_newton.cc). */
class Amg {
  lv: AmgLevel[] = [];
  chol = new Float64Array(0);
  xs: Float64Array[] = [];
  bs: Float64Array[] = [];
  rs: Float64Array[] = [];

  build(L: Laplacian): void {
    this.lv = [{ n: L.n, start: L.start, col: L.col, val: L.val, diag: L.diag, agg: null, nc: 0 }];
    while (this.lv[this.lv.length - 1].n > 200 && this.lv.length < 20) {
      const f = this.lv[this.lv.length - 1];
      const n = f.n;
      const agg = new Int32Array(n).fill(-1);
      let nc = 0;
      for (let i = 0; i < n; i++) {
        if (agg[i] >= 0) continue;
        let free = true;
        for (let t = f.start[i]; t < f.start[i + 1] && free; t++) free = agg[f.col[t]] < 0;
        if (!free) continue;
        agg[i] = nc;
        for (let t = f.start[i]; t < f.start[i + 1]; t++) agg[f.col[t]] = nc;
        nc++;
      }
      for (let i = 0; i < n; i++) {
        if (agg[i] >= 0) continue;
        for (let t = f.start[i]; t < f.start[i + 1]; t++) {
          if (agg[f.col[t]] >= 0) {
            agg[i] = agg[f.col[t]];
            break;
          }
        }
        if (agg[i] < 0) agg[i] = nc++;
      }
      if (nc >= n) break;
      f.agg = agg;
      f.nc = nc;
      const gs = new Int32Array(nc + 1), rows = new Int32Array(n);
      for (let i = 0; i < n; i++) gs[agg[i] + 1]++;
      for (let I = 0; I < nc; I++) gs[I + 1] += gs[I];
      const fill = gs.slice(0, nc);
      for (let i = 0; i < n; i++) rows[fill[agg[i]]++] = i;
      const mark = new Int32Array(nc).fill(-1);
      const diag = new Float64Array(nc), start = new Int32Array(nc + 1);
      const col: number[] = [], val: number[] = [];
      for (let I = 0; I < nc; I++) {
        const rowBegin = col.length;
        for (let q = gs[I]; q < gs[I + 1]; q++) {
          const i = rows[q];
          diag[I] += f.diag[i];
          for (let t = f.start[i]; t < f.start[i + 1]; t++) {
            const J = agg[f.col[t]];
            if (J === I) {
              diag[I] += f.val[t];
              continue;
            }
            if (mark[J] < rowBegin) {
              mark[J] = col.length;
              col.push(J);
              val.push(f.val[t]);
            } else {
              val[mark[J]] += f.val[t];
            }
          }
        }
        start[I + 1] = col.length;
      }
      this.lv.push({ n: nc, start, col: Int32Array.from(col), val: Float64Array.from(val), diag, agg: null, nc: 0 });
    }
    const cl = this.lv[this.lv.length - 1];
    const m = cl.n > 2000 ? 0 : cl.n;
    const C = (this.chol = new Float64Array(m * m));
    let dmax = 0;
    for (let i = 0; i < m; i++) dmax = Math.max(dmax, cl.diag[i]);
    const shift = 1e-10 * (dmax > 0 ? dmax : 1);
    for (let i = 0; i < m; i++) {
      C[i * m + i] = cl.diag[i] + shift;
      for (let t = cl.start[i]; t < cl.start[i + 1]; t++) C[i * m + cl.col[t]] += cl.val[t];
    }
    for (let j = 0; j < m; j++) {
      let d = C[j * m + j];
      for (let k = 0; k < j; k++) d -= C[j * m + k] * C[j * m + k];
      d = d > shift * 1e-3 ? Math.sqrt(d) : Math.sqrt(shift);
      C[j * m + j] = d;
      for (let i = j + 1; i < m; i++) {
        let s = C[i * m + j];
        for (let k = 0; k < j; k++) s -= C[i * m + k] * C[j * m + k];
        C[i * m + j] = s / d;
      }
    }
    this.xs = this.lv.map((l) => new Float64Array(l.n));
    this.bs = this.lv.map((l) => new Float64Array(l.n));
    this.rs = this.lv.map((l) => new Float64Array(l.n));
  }

  private static sweep(A: AmgLevel, b: Float64Array, x: Float64Array, forward: boolean): void {
    const n = A.n;
    for (let q = 0; q < n; q++) {
      const i = forward ? q : n - 1 - q;
      if (!(A.diag[i] > 0)) continue;
      let s = b[i];
      for (let t = A.start[i]; t < A.start[i + 1]; t++) s -= A.val[t] * x[A.col[t]];
      x[i] = s / A.diag[i];
    }
  }

  private cycle(l: number): void {
    const A = this.lv[l], x = this.xs[l], b = this.bs[l];
    if (l + 1 === this.lv.length) {
      if (A.n > 2000) {
        x.fill(0);
        Amg.sweep(A, b, x, true);
        Amg.sweep(A, b, x, false);
        return;
      }
      const m = A.n, C = this.chol;
      for (let i = 0; i < m; i++) {
        let s = b[i];
        for (let k = 0; k < i; k++) s -= C[i * m + k] * x[k];
        x[i] = s / C[i * m + i];
      }
      for (let i = m - 1; i >= 0; i--) {
        let s = x[i];
        for (let k = i + 1; k < m; k++) s -= C[k * m + i] * x[k];
        x[i] = s / C[i * m + i];
      }
      return;
    }
    x.fill(0);
    Amg.sweep(A, b, x, true);
    const r = this.rs[l], agg = A.agg as Int32Array;
    for (let i = 0; i < A.n; i++) {
      let s = A.diag[i] * x[i];
      for (let t = A.start[i]; t < A.start[i + 1]; t++) s += A.val[t] * x[A.col[t]];
      r[i] = b[i] - s;
    }
    const bc = this.bs[l + 1];
    bc.fill(0);
    for (let i = 0; i < A.n; i++) bc[agg[i]] += r[i];
    this.cycle(l + 1);
    const xc = this.xs[l + 1];
    for (let i = 0; i < A.n; i++) x[i] += xc[agg[i]];
    Amg.sweep(A, b, x, false);
  }

  solve(r: Float64Array, z: Float64Array): void {
    this.bs[0].set(r);
    this.cycle(0);
    z.set(this.xs[0]);
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function removeMean(v: Float64Array): void {
  if (v.length === 0) return;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  s /= v.length;
  for (let i = 0; i < v.length; i++) v[i] -= s;
}

function pcg(L: Laplacian, M: Amg, rhs: Float64Array, rtol: number, maxIter: number, x: Float64Array): number {
  const n = L.n;
  x.fill(0);
  const r = Float64Array.from(rhs), z = new Float64Array(n), q = new Float64Array(n);
  removeMean(r);
  const r0 = Math.sqrt(dot(r, r));
  if (!(r0 > 0)) return 0;
  M.solve(r, z);
  const p = Float64Array.from(z);
  let rz = dot(r, z);
  let it = 0;
  for (; it < maxIter; it++) {
    L.apply(p, q);
    const pq = dot(p, q);
    if (!(pq > 0)) break;
    const alpha = rz / pq;
    let rr = 0;
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * q[i];
      rr += r[i] * r[i];
    }
    if (Math.sqrt(rr) <= rtol * r0) {
      it++;
      break;
    }
    M.solve(r, z);
    const rz2 = dot(r, z);
    const beta = rz2 / rz;
    rz = rz2;
    for (let i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
  }
  removeMean(x);
  return it;
}

const maxRel = (m: Float64Array, b: Float64Array) => {
  let e = 0;
  for (let i = 0; i < m.length; i++) e = Math.max(e, Math.abs(m[i] - b[i]) / b[i]);
  return e;
};
const l2 = (m: Float64Array, b: Float64Array) => {
  let e = 0;
  for (let i = 0; i < m.length; i++) e += (m[i] - b[i]) * (m[i] - b[i]);
  return Math.sqrt(e);
};
const minOf = (v: Float64Array) => {
  let m = Infinity;
  for (let i = 0; i < v.length; i++) m = Math.min(m, v[i]);
  return m;
};

/** Throws ADVECT_INFEASIBLE when two sites coincide (same message as the native core). */
export function checkDistinctSites(sites: ArrayLike<number>, n: number, d: number): void {
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => {
    for (let k = 0; k < d; k++) if (sites[a * d + k] !== sites[b * d + k]) return sites[a * d + k] < sites[b * d + k] ? -1 : 1;
    return a - b;
  });
  for (let t = 1; t < n; t++) {
    const a = order[t - 1], b = order[t];
    let same = true;
    for (let k = 0; k < d && same; k++) same = sites[a * d + k] === sites[b * d + k];
    if (same) {
      throw new AdvectError('ADVECT_INFEASIBLE',
        `Sites ${Math.min(a, b)} and ${Math.max(a, b)} coincide; Laguerre cells cannot split their mass (merge them and add their masses)`);
    }
  }
}

function reseed(pd: PowerDiagram, blend: number, w: Float64Array, D: DiagramOut): DiagramOut {
  const n = pd.n, Y = pd.sites;
  const margin = (0.1 * pd.domainArea) / n;
  for (let round = 0; round < 64 && n > 1; round++) {
    let any = false;
    for (let i = 0; i < n; i++) {
      if (D.masses[i] > 0) continue;
      any = true;
      const [qx, qy] = pd.supportPoint(Y[2 * i], Y[2 * i + 1], blend > 0);
      let v = Infinity;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const dx = qx - Y[2 * j], dy = qy - Y[2 * j + 1];
        v = Math.min(v, dx * dx + dy * dy - w[j]);
      }
      const dx = qx - Y[2 * i], dy = qy - Y[2 * i + 1];
      w[i] = dx * dx + dy * dy - v + margin;
    }
    if (!any) break;
    removeMean(w);
    D = pd.compute(w, true, blend);
  }
  return D;
}

interface StageState {
  w: Float64Array;
  D: DiagramOut;
  history: number[];
  iterations: number;
  cgIterations: number;
  reason: string;
  converged: boolean;
}

function* newtonStage(pd: PowerDiagram, blend: number, b: Float64Array, tol: number, maxIter: number, opt: NewtonOpts, s: StageState): Generator<number[], void, void> {
  const n = pd.n, Y = pd.sites;
  s.converged = false;
  let minb = Infinity;
  for (let i = 0; i < n; i++) minb = Math.min(minb, b[i]);
  const eps0 = 0.5 * Math.min(minb, minOf(s.D.masses));
  let err = maxRel(s.D.masses, b);
  let e2 = l2(s.D.masses, b);
  if (s.history.length === 0) s.history.push(err);
  if (!(eps0 > 0)) {
    s.reason = 'some cells have no mass at the initial weights';
    return;
  }
  const cgMax = Math.trunc(20 * Math.sqrt(n) + 100);
  const L = new Laplacian(), amg = new Amg();
  const rhs = new Float64Array(n), delta = new Float64Array(n), dperm = new Float64Array(n);
  for (let it = 0; ; it++) {
    if (err <= tol) {
      s.converged = true;
      s.reason = '';
      return;
    }
    if (it >= maxIter) {
      s.reason = 'maximum number of Newton iterations reached';
      return;
    }
    L.build(n, s.D, Y, pd.order);
    for (let i = 0; i < n; i++) rhs[L.pos[i]] = b[i] - s.D.masses[i];
    amg.build(L);
    const eta = Math.min(opt.cgTol, Math.max((0.5 * tol) / err, Math.min(0.1, err)));
    s.cgIterations += pcg(L, amg, rhs, eta, cgMax, dperm);
    for (let i = 0; i < n; i++) delta[i] = dperm[L.pos[i]];
    let t = 1;
    let accepted: { wt: Float64Array; Dt: DiagramOut } | null = null;
    for (let ls = 0; ls < 40; ls++, t *= 0.5) {
      const wt = new Float64Array(n);
      for (let i = 0; i < n; i++) wt[i] = s.w[i] + t * delta[i];
      const Dt = pd.compute(wt, true, blend);
      if (minOf(Dt.masses) >= eps0 && l2(Dt.masses, b) <= (1 - t / 2) * e2) {
        accepted = { wt, Dt };
        break;
      }
    }
    if (!accepted) {
      s.reason = 'the line search found no acceptable step';
      return;
    }
    s.iterations++;
    s.w = accepted.wt;
    removeMean(s.w);
    s.D = accepted.Dt;
    err = maxRel(s.D.masses, b);
    e2 = l2(s.D.masses, b);
    s.history.push(err);
    yield [s.iterations, err, t, s.cgIterations];
  }
}

export function* newtonGen(pd: PowerDiagram, b: Float64Array, w0: Float64Array | null, opt: NewtonOpts): Generator<number[], NewtonOut, void> {
  const n = pd.n;
  checkDistinctSites(pd.sites, n, 2);
  const w: Float64Array = new Float64Array(n);
  if (w0) w.set(w0);
  removeMean(w);
  const s: StageState = { w, D: pd.compute(w), history: [], iterations: 0, cgIterations: 0, reason: '', converged: false };
  if (pd.hasImage && minOf(s.D.masses) <= 0) {
    // Homotopy from the uniform density to the image, t = 1, 1/2, ..., 2⁻¹⁰ (see native/src/sdot_newton.cc).
    for (let k = 0; k <= 10; k++) {
      const t = 2 ** -k;
      s.D = pd.compute(s.w, true, t);
      s.D = reseed(pd, t, s.w, s.D);
      yield* newtonStage(pd, t, b, Math.max(opt.tol, 1e-2), opt.maxIter, opt, s);
    }
    s.D = pd.compute(s.w, true, 0);
  }
  s.D = reseed(pd, 0, s.w, s.D);
  yield* newtonStage(pd, 0, b, opt.tol, opt.maxIter, opt, s);
  const err = maxRel(s.D.masses, b);
  if (s.history[s.history.length - 1] !== err) s.history.push(err);
  let cost = 0;
  for (let i = 0; i < n; i++) cost += s.D.costs[i];
  return {
    weights: s.w, history: Float64Array.from(s.history), iterations: s.iterations, cgIterations: s.cgIterations,
    maxRelMassError: err, converged: s.converged, reason: s.reason, cost, diagram: s.D,
  };
}

export interface LloydOut {
  sites: Float64Array;
  movement: Float64Array;
  iterations: number;
  last: NewtonOut;
}

export function* lloydGen(
  sites0: Float64Array, n: number, b: Float64Array, domain: Float64Array, nv: number, density: Density2D,
  opt: NewtonOpts & { iterations: number },
): Generator<number[], LloydOut, void> {
  let sites = Float64Array.from(sites0);
  let w: Float64Array = new Float64Array(n);
  const movement: number[] = [];
  for (let it = 0; ; it++) {
    const pd = new PowerDiagram(sites, n, domain, nv, density);
    const nr = drain(newtonGen(pd, b, w, opt));
    w = nr.weights;
    if (it >= opt.iterations) return { sites, movement: Float64Array.from(movement), iterations: it, last: nr };
    let move = 0;
    const C = nr.diagram.centroids;
    for (let i = 0; i < n; i++) {
      const dx = C[2 * i] - sites[2 * i], dy = C[2 * i + 1] - sites[2 * i + 1];
      move = Math.max(move, Math.sqrt(dx * dx + dy * dy));
    }
    movement.push(move);
    const next = Float64Array.from(C);
    try {
      checkDistinctSites(next, n, 2);
    } catch {
      return { sites, movement: Float64Array.from(movement), iterations: it, last: nr };
    }
    sites = next;
    yield [it + 1, nr.maxRelMassError, move, nr.iterations];
  }
}

function drain<R>(g: Generator<number[], R, void>): R {
  for (;;) {
    const s = g.next();
    if (s.done) return s.value;
  }
}
