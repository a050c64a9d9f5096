/**
 * Pure-TS twin of native/src/emd.cc: the same network simplex (artificial-root start, block-search
 * pricing, strongly feasible leaving-arc rule, path reversal, potentials recomputed with ART = 0 at
 * the end, POT's dual centring and zero-weight re-estimation), step for step and in the same
 * floating-point order, so both backends pivot identically. See emd.cc for the method.
 */
import { AdvectError } from '../../errors.js';
import { drainSync, generatorJob } from '../../jobs.js';
import type { FloatArray } from '../../types.js';
import type { EmdOps, EmdRaw } from '../emd.js';

const EPS_REL = 1e-14;
const YIELD_EVERY = 256;

interface CostSource {
  /** min over k of c(i, j0+k) − pd[j0+k] (compacted indices). */
  seg(i: number, j0: number, len: number, P: Float64Array, pOff: number): number;
  at(i: number, j: number): number;
  full(i: number, j: number): number;
}

function denseCost(C: FloatArray, m0: number, rmap: Int32Array, cmap: Int32Array, colsRemoved: boolean): CostSource {
  return {
    seg(i, j0, len, P, pOff) {
      const row = rmap[i] * m0;
      let r = Infinity;
      if (!colsRemoved) {
        for (let k = j0; k < j0 + len; k++) {
          const t = C[row + k] - P[pOff + k];
          if (t < r) r = t;
        }
      } else {
        for (let k = j0; k < j0 + len; k++) {
          const t = C[row + cmap[k]] - P[pOff + k];
          if (t < r) r = t;
        }
      }
      return r;
    },
    at: (i, j) => C[rmap[i] * m0 + cmap[j]],
    full: (i, j) => C[i * m0 + j],
  };
}

function pointsCost(
  x: FloatArray, y: FloatArray, d: number, metric: number, rmap: Int32Array, cmap: Int32Array,
): { cost: CostSource; cmax: number } {
  const n1 = rmap.length, m1 = cmap.length;
  const xs = new Float64Array(n1 * d), yT = new Float64Array(d * m1), out = new Float64Array(m1);
  const lo = new Float64Array(d).fill(Infinity), hi = new Float64Array(d).fill(-Infinity);
  for (let r = 0; r < n1; r++) {
    for (let k = 0; k < d; k++) {
      const v = x[rmap[r] * d + k];
      xs[r * d + k] = v;
      if (v < lo[k]) lo[k] = v;
      if (v > hi[k]) hi[k] = v;
    }
  }
  for (let c = 0; c < m1; c++) {
    for (let k = 0; k < d; k++) {
      const v = y[cmap[c] * d + k];
      yT[k * m1 + c] = v;
      if (v < lo[k]) lo[k] = v;
      if (v > hi[k]) hi[k] = v;
    }
  }
  let s2 = 0, s1 = 0;
  for (let k = 0; k < d; k++) {
    const r = hi[k] - lo[k];
    s2 += r * r;
    s1 += r;
  }
  const cmax = metric === 0 ? s2 : metric === 1 ? Math.sqrt(s2) : s1;
  const at = (i: number, j: number): number => {
    let s = 0;
    if (metric === 2) {
      for (let k = 0; k < d; k++) s += Math.abs(xs[i * d + k] - yT[k * m1 + j]);
      return s;
    }
    for (let k = 0; k < d; k++) {
      const t = xs[i * d + k] - yT[k * m1 + j];
      s += t * t;
    }
    return metric === 1 ? Math.sqrt(s) : s;
  };
  const full = (i: number, j: number): number => {
    let s = 0;
    for (let k = 0; k < d; k++) {
      const t = x[i * d + k] - y[j * d + k];
      s += metric === 2 ? Math.abs(t) : t * t;
    }
    return metric === 1 ? Math.sqrt(s) : s;
  };
  const cost: CostSource = {
    seg(i, j0, len, P, pOff) {
      const xo = i * d;
      out.fill(0, 0, len);
      for (let c = 0; c < d; c++) {
        const xv = xs[xo + c], yo = c * m1 + j0;
        if (metric === 2) for (let k = 0; k < len; k++) out[k] += Math.abs(xv - yT[yo + k]);
        else {
          for (let k = 0; k < len; k++) {
            const t = xv - yT[yo + k];
            out[k] += t * t;
          }
        }
      }
      if (metric === 1) for (let k = 0; k < len; k++) out[k] = Math.sqrt(out[k]);
      let r = Infinity;
      for (let k = 0; k < len; k++) {
        const t = out[k] - P[pOff + j0 + k];
        if (t < r) r = t;
      }
      return r;
    },
    at,
    full,
  };
  return { cost, cmax };
}

function compact(w: Float64Array): Int32Array {
  let k = 0;
  for (let i = 0; i < w.length; i++) if (w[i] > 0) k++;
  const map = new Int32Array(k);
  k = 0;
  for (let i = 0; i < w.length; i++) if (w[i] > 0) map[k++] = i;
  return map;
}

/** The spanning tree: parent / depth / child lists (first child, next and previous sibling). */
class Tree {
  readonly R: number;
  readonly parent: Int32Array;
  readonly depth: Int32Array;
  readonly fc: Int32Array;
  readonly ns: Int32Array;
  readonly ps: Int32Array;
  readonly flow: Float64Array;
  readonly P: Float64Array;
  constructor(readonly n: number, readonly m: number) {
    this.R = n + m;
    const N = n + m + 1;
    this.parent = new Int32Array(N).fill(-1);
    this.depth = new Int32Array(N);
    this.fc = new Int32Array(N).fill(-1);
    this.ns = new Int32Array(N).fill(-1);
    this.ps = new Int32Array(N).fill(-1);
    this.flow = new Float64Array(N);
    this.P = new Float64Array(N);
  }
  removeChild(p: number, v: number): void {
    const { ns, ps, fc } = this;
    if (ps[v] >= 0) ns[ps[v]] = ns[v];
    else fc[p] = ns[v];
    if (ns[v] >= 0) ps[ns[v]] = ps[v];
    ns[v] = ps[v] = -1;
  }
  addChild(p: number, v: number): void {
    const { ns, ps, fc } = this;
    ns[v] = fc[p];
    ps[v] = -1;
    if (fc[p] >= 0) ps[fc[p]] = v;
    fc[p] = v;
  }
  refresh(cost: CostSource, art: number): void {
    const { R, n, P, fc, ns, parent } = this;
    P[R] = 0;
    let v = fc[R];
    while (v >= 0) {
      const p = parent[v];
      const c = p === R ? art : v < n ? cost.at(v, p - n) : cost.at(p, v - n);
      P[v] = v < n ? P[p] - c : P[p] + c;
      if (fc[v] >= 0) {
        v = fc[v];
        continue;
      }
      while (v !== R && ns[v] < 0) v = parent[v];
      if (v === R) break;
      v = ns[v];
    }
  }
}

function pivot(t: Tree, i: number, j: number, rc: number): boolean {
  const { n, parent, depth, flow, P, fc, ns } = t;
  const A = i, B = n + j;
  let u1 = A, u2 = B, yi = -1, yj = -1, di = Infinity, dj = Infinity;
  while (u1 !== u2) {
    if (depth[u1] >= depth[u2]) {
      if (u1 < n && flow[u1] < di) {
        di = flow[u1];
        yi = u1;
      }
      u1 = parent[u1];
    } else {
      if (u2 >= n && flow[u2] <= dj) {
        dj = flow[u2];
        yj = u2;
      }
      u2 = parent[u2];
    }
  }
  if (yi < 0 && yj < 0) return false;
  const lca = u1;
  const jside = yj >= 0 && (yi < 0 || dj <= di);
  const delta = jside ? dj : di;
  const y = jside ? yj : yi;
  if (delta > 0) {
    for (let w = A; w !== lca; w = parent[w]) flow[w] += w < n ? -delta : delta;
    for (let w = B; w !== lca; w = parent[w]) flow[w] += w >= n ? -delta : delta;
  }
  const q = jside ? B : A;
  const pnew = jside ? A : B;
  const sigma = jside ? rc : -rc;
  t.removeChild(parent[y], y);
  let prev = pnew, w = q, prevFlow = delta;
  for (;;) {
    const next = parent[w];
    const f = flow[w];
    if (w !== y) t.removeChild(next, w);
    parent[w] = prev;
    flow[w] = prevFlow;
    t.addChild(prev, w);
    if (w === y) break;
    prev = w;
    prevFlow = f;
    w = next;
  }
  let v = q;
  P[v] += sigma;
  depth[v] = depth[pnew] + 1;
  for (;;) {
    if (fc[v] >= 0) v = fc[v];
    else {
      while (v !== q && ns[v] < 0) v = parent[v];
      if (v === q) break;
      v = ns[v];
    }
    P[v] += sigma;
    depth[v] = depth[parent[v]] + 1;
  }
  return true;
}

function* simplex(
  cost: CostSource, a: Float64Array, b: Float64Array, rmap: Int32Array, cmap: Int32Array, cmax: number,
  maxIter: number, blockSize: number,
): Generator<number[], EmdRaw, void> {
  const n = rmap.length, m = cmap.length, n0 = a.length, m0 = b.length;
  const t = new Tree(n, m);
  const art = (cmax + 1) * (n + m);
  if (!Number.isFinite(art)) throw new AdvectError('ADVECT_NUMERIC', 'emd: costs too large (max |C| times n + m overflows)');
  let massA = 0;
  for (let i = 0; i < n; i++) {
    t.parent[i] = t.R;
    t.flow[i] = a[rmap[i]];
    t.depth[i] = 1;
    t.P[i] = -art;
    massA += a[rmap[i]];
  }
  for (let j = 0; j < m; j++) {
    t.parent[n + j] = t.R;
    t.flow[n + j] = b[cmap[j]];
    t.depth[n + j] = 1;
    t.P[n + j] = art;
  }
  for (let v = n + m - 1; v >= 0; v--) t.addChild(t.R, v);

  const total = n * m;
  let B = blockSize > 0 ? blockSize : Math.max(10, Math.floor(Math.sqrt(total)));
  if (B > total) B = total;
  let pos = 0, iters = 0, refreshes = 0;
  let status = 0;
  const P = t.P;
  for (;;) {
    let scanned = 0, cnt = B, i = Math.floor(pos / m), j = pos - i * m;
    let best = 0, bestSeg = 0, bi = -1, bj0 = 0, blen = 0;
    while (scanned < total) {
      const len = Math.min(m - j, cnt, total - scanned);
      const s = cost.seg(i, j, len, P, n);
      const rc = s + P[i];
      const thr = -EPS_REL * (Math.abs(P[i]) + cmax);
      if (rc < thr && rc < best) {
        best = rc;
        bestSeg = s;
        bi = i;
        bj0 = j;
        blen = len;
      }
      scanned += len;
      cnt -= len;
      j += len;
      if (j === m) {
        j = 0;
        if (++i === n) i = 0;
      }
      if (cnt === 0) {
        if (bi >= 0) break;
        cnt = B;
      }
    }
    if (bi < 0) break;
    pos = i * m + j;
    let ej = bj0;
    for (let k = bj0; k < bj0 + blen; k++) {
      if (cost.at(bi, k) - P[n + k] === bestSeg) {
        ej = k;
        break;
      }
    }
    if (t.parent[bi] === n + ej || t.parent[n + ej] === bi) {
      if (++refreshes > 3) break;
      t.refresh(cost, art);
      continue;
    }
    refreshes = 0;
    if (maxIter > 0 && iters >= maxIter) {
      status = 3;
      break;
    }
    ++iters;
    if (!pivot(t, bi, ej, best)) {
      status = 2;
      break;
    }
    if (iters % YIELD_EVERY === 0) yield [iters, maxIter, 0, 0];
  }

  const tol = 1e-9 * massA;
  if (status === 0) for (let v = 0; v < n + m; v++) if (t.parent[v] === t.R && t.flow[v] > tol) status = 1;

  const es: Array<[number, number, number, number, number]> = [];
  for (let v = 0; v < n + m; v++) {
    const p = t.parent[v];
    if (p === t.R || !(t.flow[v] > 0)) continue;
    const si = v < n ? v : p, dj = (v < n ? p : v) - n;
    es.push([rmap[si], cmap[dj], si, dj, t.flow[v]]);
  }
  es.sort((x, y) => (x[0] !== y[0] ? x[0] - y[0] : x[1] - y[1]));
  const k = es.length;
  const rows = new Int32Array(k), cols = new Int32Array(k), values = new Float64Array(k);
  let c = 0;
  for (let e = 0; e < k; e++) {
    rows[e] = es[e][0];
    cols[e] = es[e][1];
    values[e] = es[e][4];
    c += cost.at(es[e][2], es[e][3]) * es[e][4];
  }

  t.refresh(cost, 0);
  const u = new Float64Array(n0), v = new Float64Array(m0);
  for (let i = 0; i < n; i++) u[rmap[i]] = -P[i];
  for (let j = 0; j < m; j++) v[cmap[j]] = P[n + j];
  centerDuals(u, v, a, b);
  if (n < n0 || m < m0) {
    const du = new Float64Array(n0), dv = new Float64Array(m0);
    for (let i = 0; i < n0; i++) {
      if (a[i] !== 0) continue;
      let mx = -Infinity;
      for (let j = 0; j < m0; j++) mx = Math.max(mx, u[i] + v[j] - cost.full(i, j));
      du[i] = -Math.max(mx, 0);
    }
    for (let j = 0; j < m0; j++) {
      if (b[j] !== 0) continue;
      let mx = -Infinity;
      for (let i = 0; i < n0; i++) mx = Math.max(mx, u[i] + v[j] - cost.full(i, j));
      dv[j] = -Math.max(mx, 0);
    }
    for (let i = 0; i < n0; i++) u[i] += du[i];
    for (let j = 0; j < m0; j++) v[j] += dv[j];
    centerDuals(u, v, a, b);
  }
  return { status, iterations: iters, cost: c, rows, cols, values, u, v };
}

/** POT's center_ot_dual: c = (Σ b v − Σ a u)/(Σa + Σb); u += c, v −= c (in place). */
export function centerDuals(u: Float64Array, v: Float64Array, a: Float64Array, b: Float64Array): void {
  let sa = 0, sb = 0, au = 0, bv = 0;
  for (let i = 0; i < a.length; i++) {
    sa += a[i];
    au += a[i] * u[i];
  }
  for (let j = 0; j < b.length; j++) {
    sb += b[j];
    bv += b[j] * v[j];
  }
  const k = (bv - au) / (sa + sb);
  for (let i = 0; i < u.length; i++) u[i] += k;
  for (let j = 0; j < v.length; j++) v[j] -= k;
}

function denseGen(a: Float64Array, b: Float64Array, C: FloatArray, n: number, m: number, maxIter: number, blockSize: number) {
  const rmap = compact(a), cmap = compact(b);
  if (rmap.length === 0 || cmap.length === 0) throw new RangeError('Expected weights with a positive total for a, b but received 0');
  let cmax = 0;
  for (let r = 0; r < rmap.length; r++) {
    const row = rmap[r] * m;
    for (let c = 0; c < cmap.length; c++) {
      const v = Math.abs(C[row + cmap[c]]);
      if (v > cmax && v !== Infinity) cmax = v;
    }
  }
  return simplex(denseCost(C, m, rmap, cmap, cmap.length < m), a, b, rmap, cmap, cmax, maxIter, blockSize);
}

function pointsGen(
  a: Float64Array, b: Float64Array, x: FloatArray, y: FloatArray, d: number, metric: number, maxIter: number, blockSize: number,
) {
  const rmap = compact(a), cmap = compact(b);
  if (rmap.length === 0 || cmap.length === 0) throw new RangeError('Expected weights with a positive total for a, b but received 0');
  const { cost, cmax } = pointsCost(x, y, d, metric, rmap, cmap);
  return simplex(cost, a, b, rmap, cmap, cmax, maxIter, blockSize);
}

const asJob = (gen: Generator<number[], EmdRaw, void>, onProgress?: (raw: number[]) => void) =>
  generatorJob(gen, onProgress, 'The EMD solve');

export const jsEmd: EmdOps = {
  emd: (a, b, C, n, m, maxIter, blockSize) => drainSync(denseGen(a, b, C, n, m, maxIter, blockSize)),
  emdAsync: (a, b, C, n, m, maxIter, blockSize, onProgress) => asJob(denseGen(a, b, C, n, m, maxIter, blockSize), onProgress),
  emdPoints: (a, b, x, y, _n, _m, d, metric, maxIter, blockSize) => drainSync(pointsGen(a, b, x, y, d, metric, maxIter, blockSize)),
  emdPointsAsync: (a, b, x, y, _n, _m, d, metric, maxIter, blockSize, onProgress) =>
    asJob(pointsGen(a, b, x, y, d, metric, maxIter, blockSize), onProgress),
};
