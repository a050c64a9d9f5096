/**
 * Pure-TypeScript twin of native/src/power_diagram.cc: 2-D power diagrams by per-cell
 * half-plane clipping, with a max-weight quadtree over a site grid to prune far sites, and
 * exact integrals for uniform and pixel-image densities. Same clipping rules, same visiting
 * order, same tie-breaking (duplicate sites: larger weight, then lower index, keeps the cell).
 */
import { AdvectError } from '../../errors.js';
import type { SdotDiagramRaw } from '../sdot.js';

export interface Density2D {
  image: Float64Array | null; // ih rows × iw cols, row 0 at the top
  iw: number;
  ih: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The diagram as the sdot ops return it (src/backend/sdot.ts). */
export type DiagramOut = SdotDiagramRaw;

class Poly {
  x: number[] = [];
  y: number[] = [];
  nb: number[] = [];
  get size(): number {
    return this.x.length;
  }
  clear(): void {
    this.x.length = 0;
    this.y.length = 0;
    this.nb.length = 0;
  }
  push(X: number, Y: number, l: number): void {
    this.x.push(X);
    this.y.push(Y);
    this.nb.push(l);
  }
  copyFrom(o: Poly): void {
    this.x = o.x.slice();
    this.y = o.y.slice();
    this.nb = o.nb.slice();
  }
}

const sbuf: number[] = [];

/** Clips P to {u : ax·ux + ay·uy <= c}, new edge labelled j. Returns [changed, polygon]. */
function clip(P: Poly, ax: number, ay: number, c: number, j: number, out: Poly): [boolean, Poly] {
  const n = P.size;
  if (n === 0) return [false, P];
  let anyOut = false, allOut = true;
  for (let k = 0; k < n; k++) {
    const s = ax * P.x[k] + ay * P.y[k] - c;
    sbuf[k] = s;
    if (s > 0) anyOut = true;
    else allOut = false;
  }
  if (!anyOut) return [false, P];
  if (allOut) {
    P.clear();
    return [true, P];
  }
  out.clear();
  for (let k = 0; k < n; k++) {
    const q = k + 1 === n ? 0 : k + 1;
    const sc = sbuf[k], sn = sbuf[q];
    if (sc <= 0) {
      if (sn > 0) {
        if (sc < 0) {
          out.push(P.x[k], P.y[k], P.nb[k]);
          const t = sc / (sc - sn);
          out.push(P.x[k] + t * (P.x[q] - P.x[k]), P.y[k] + t * (P.y[q] - P.y[k]), j);
        } else {
          out.push(P.x[k], P.y[k], j);
        }
      } else {
        out.push(P.x[k], P.y[k], P.nb[k]);
      }
    } else if (sn < 0) {
      const t = sc / (sc - sn);
      out.push(P.x[k] + t * (P.x[q] - P.x[k]), P.y[k] + t * (P.y[q] - P.y[k]), P.nb[k]);
    }
  }
  if (out.size < 3) out.clear();
  return [true, out];
}

interface Moments {
  m0: number;
  mx: number;
  my: number;
  m2: number;
}

function polyMoments(P: Poly, wgt: number, acc: Moments): void {
  const n = P.size;
  if (n < 3) return;
  let a0 = 0, ax = 0, ay = 0, a2 = 0;
  for (let k = 0; k < n; k++) {
    const q = k + 1 === n ? 0 : k + 1;
    const x0 = P.x[k], y0 = P.y[k], x1 = P.x[q], y1 = P.y[q];
    const A = 0.5 * (x0 * y1 - x1 * y0);
    a0 += A;
    ax += A * (x0 + x1);
    ay += A * (y0 + y1);
    a2 += A * (x0 * x0 + y0 * y0 + x1 * x1 + y1 * y1 + x0 * x1 + y0 * y1);
  }
  acc.m0 += wgt * a0;
  acc.mx += (wgt * ax) / 3;
  acc.my += (wgt * ay) / 3;
  acc.m2 += (wgt * a2) / 6;
}

export function polyArea(xy: ArrayLike<number>, nv: number): number {
  let a = 0;
  for (let k = 0; k < nv; k++) {
    const q = k + 1 === nv ? 0 : k + 1;
    a += xy[2 * k] * xy[2 * q + 1] - xy[2 * q] * xy[2 * k + 1];
  }
  return 0.5 * a;
}

interface Pixels {
  v: Float64Array;
  iw: number;
  ih: number;
  x0: number;
  y1: number;
  pw: number;
  ph: number;
}

// Runs `clip` and keeps the result in `holder[0]` (swapping buffers like the C++ std::swap).
function clipInto(holder: [Poly, Poly], ax: number, ay: number, c: number, j: number): boolean {
  const [changed, res] = clip(holder[0], ax, ay, c, j, holder[1]);
  if (res !== holder[0]) {
    holder[1] = holder[0];
    holder[0] = res;
  }
  return changed;
}

function imageMoments(P: Poly, ox: number, oy: number, px: Pixels, scale: number, acc: Moments): void {
  const n = P.size;
  if (n < 3) return;
  let ymin = P.y[0], ymax = P.y[0];
  for (let k = 1; k < n; k++) ymin = Math.min(ymin, P.y[k]), ymax = Math.max(ymax, P.y[k]);
  ymin += oy;
  ymax += oy;
  let r0 = Math.floor((px.y1 - ymax) / px.ph), r1 = Math.floor((px.y1 - ymin) / px.ph);
  r0 = Math.max(r0, 0);
  r1 = Math.min(r1, px.ih - 1);
  const band: [Poly, Poly] = [new Poly(), new Poly()];
  const piece: [Poly, Poly] = [new Poly(), new Poly()];
  for (let r = r0; r <= r1; r++) {
    const yb1 = px.y1 - r * px.ph, yb0 = px.y1 - (r + 1) * px.ph;
    band[0].copyFrom(P);
    clipInto(band, 0, 1, yb1 - oy, -1);
    clipInto(band, 0, -1, -(yb0 - oy), -1);
    const B = band[0];
    if (B.size < 3) continue;
    let xmin = B.x[0], xmax = B.x[0];
    for (let k = 1; k < B.size; k++) xmin = Math.min(xmin, B.x[k]), xmax = Math.max(xmax, B.x[k]);
    xmin += ox;
    xmax += ox;
    let c0 = Math.floor((xmin - px.x0) / px.pw), c1 = Math.floor((xmax - px.x0) / px.pw);
    c0 = Math.max(c0, 0);
    c1 = Math.min(c1, px.iw - 1);
    for (let c = c0; c <= c1; c++) {
      const val = px.v[r * px.iw + c];
      if (!(val > 0)) continue;
      const xa = px.x0 + c * px.pw, xb = px.x0 + (c + 1) * px.pw;
      piece[0].copyFrom(B);
      clipInto(piece, 1, 0, xb - ox, -1);
      clipInto(piece, -1, 0, -(xa - ox), -1);
      polyMoments(piece[0], val * scale, acc);
    }
  }
}

function imageSegment(p0x: number, p0y: number, qx: number, qy: number, px: Pixels, scale: number): number {
  const dx = qx - p0x, dy = qy - p0y;
  const len = Math.sqrt(dx * dx + dy * dy);
  if (!(len > 0)) return 0;
  const ts = [0, 1];
  if (dx !== 0) {
    const ca = (Math.min(p0x, qx) - px.x0) / px.pw, cb = (Math.max(p0x, qx) - px.x0) / px.pw;
    for (let c = Math.max(0, Math.ceil(ca)); c <= Math.min(px.iw, Math.floor(cb)); c++) {
      const t = (px.x0 + c * px.pw - p0x) / dx;
      if (t > 0 && t < 1) ts.push(t);
    }
  }
  if (dy !== 0) {
    const ra = (px.y1 - Math.max(p0y, qy)) / px.ph, rb = (px.y1 - Math.min(p0y, qy)) / px.ph;
    for (let r = Math.max(0, Math.ceil(ra)); r <= Math.min(px.ih, Math.floor(rb)); r++) {
      const t = (px.y1 - r * px.ph - p0y) / dy;
      if (t > 0 && t < 1) ts.push(t);
    }
  }
  ts.sort((a, b) => a - b);
  let acc = 0;
  for (let k = 0; k + 1 < ts.length; k++) {
    const dt = ts[k + 1] - ts[k];
    if (!(dt > 0)) continue;
    const tm = 0.5 * (ts[k] + ts[k + 1]);
    const mx = p0x + tm * dx, my = p0y + tm * dy;
    const c = Math.floor((mx - px.x0) / px.pw), r = Math.floor((px.y1 - my) / px.ph);
    if (c < 0 || c >= px.iw || r < 0 || r >= px.ih) continue;
    const val = px.v[r * px.iw + c];
    if (val > 0) acc += dt * val;
  }
  return acc * len * scale;
}

/** Convex, non-degenerate, made counter-clockwise; throws RangeError otherwise (validated in TS first). */
export function normalizeDomain(xy: ArrayLike<number>, nv: number): Float64Array {
  const bad = (what: string) => new RangeError(`Expected ${what} for domain but received a polygon with ${nv} vertices`);
  if (nv < 3) throw bad('a convex polygon with at least 3 vertices');
  for (let k = 0; k < 2 * nv; k++) if (!Number.isFinite(xy[k])) throw bad('finite vertices');
  const a = polyArea(xy, nv);
  if (!(Math.abs(a) > 0)) throw bad('a polygon with positive area');
  const ccw = Float64Array.from({ length: 2 * nv }, (_, k) => xy[k]);
  if (a < 0) {
    for (let k = 0; k < Math.floor(nv / 2); k++) {
      const o = nv - 1 - k;
      [ccw[2 * k], ccw[2 * o]] = [ccw[2 * o], ccw[2 * k]];
      [ccw[2 * k + 1], ccw[2 * o + 1]] = [ccw[2 * o + 1], ccw[2 * k + 1]];
    }
  }
  let scale = 0;
  for (let k = 0; k < 2 * nv; k++) scale = Math.max(scale, Math.abs(ccw[k]));
  const tol = 1e-12 * (scale * scale + 1e-300);
  let turn = 0;
  for (let k = 0; k < nv; k++) {
    const p = (k + nv - 1) % nv, q = (k + 1) % nv;
    const ux = ccw[2 * k] - ccw[2 * p], uy = ccw[2 * k + 1] - ccw[2 * p + 1];
    const vx = ccw[2 * q] - ccw[2 * k], vy = ccw[2 * q + 1] - ccw[2 * k + 1];
    if (ux * vy - uy * vx < -tol) throw bad('a convex polygon');
    let d = Math.atan2(vy, vx) - Math.atan2(uy, ux);
    while (d <= -Math.PI) d += 2 * Math.PI;
    while (d > Math.PI) d -= 2 * Math.PI;
    turn += d;
  }
  if (Math.abs(turn - 2 * Math.PI) > 1e-6) throw bad('a convex polygon');
  return ccw;
}

const NINF = -Infinity;

/** A prepared 2-D problem (sites, domain, density), reused across weight vectors. */
export class PowerDiagram {
  readonly n: number;
  readonly sites: Float64Array;
  readonly domain: Float64Array;
  readonly domainArea: number;
  private dcx = 0;
  private dcy = 0;
  private dens: Density2D;
  private scale = 1;
  private gx0 = 0;
  private gy0 = 0;
  private h = 1;
  private gx = 1;
  private gy = 1;
  private gstart: Int32Array;
  /** Sites in grid order. */
  readonly order: Int32Array;
  private supportPixels: number[] = [];

  constructor(sites: Float64Array, n: number, domain: ArrayLike<number>, nv: number, density: Density2D) {
    if (n === 0) throw new RangeError('Expected at least one site for sites but received 0');
    this.sites = sites;
    this.n = n;
    this.domain = normalizeDomain(domain, nv);
    const D = this.domain, m = D.length / 2;
    this.domainArea = polyArea(D, m);
    let cx = 0, cy = 0;
    for (let k = 0; k < m; k++) {
      const q = k + 1 === m ? 0 : k + 1;
      const cr = D[2 * k] * D[2 * q + 1] - D[2 * q] * D[2 * k + 1];
      cx += cr * (D[2 * k] + D[2 * q]);
      cy += cr * (D[2 * k + 1] + D[2 * q + 1]);
    }
    this.dcx = cx / (6 * this.domainArea);
    this.dcy = cy / (6 * this.domainArea);
    this.dens = density;
    if (density.image) {
      const px = this.pixels();
      const P = new Poly();
      for (let k = 0; k < m; k++) P.push(D[2 * k] - this.dcx, D[2 * k + 1] - this.dcy, -1);
      const mo: Moments = { m0: 0, mx: 0, my: 0, m2: 0 };
      imageMoments(P, this.dcx, this.dcy, px, 1, mo);
      if (!(mo.m0 > 0)) throw new RangeError('Expected an image with positive mass inside the domain for density but received a total of 0');
      this.scale = 1 / mo.m0;
      for (let r = 0; r < px.ih; r++) {
        for (let c = 0; c < px.iw; c++) {
          if (!(px.v[r * px.iw + c] > 0)) continue;
          const xa = px.x0 + c * px.pw, xb = xa + px.pw, yb = px.y1 - r * px.ph, ya = yb - px.ph;
          const Q: [Poly, Poly] = [new Poly(), new Poly()];
          Q[0].push(xa, ya, -1), Q[0].push(xb, ya, -1), Q[0].push(xb, yb, -1), Q[0].push(xa, yb, -1);
          for (let k = 0; k < m && Q[0].size >= 3; k++) {
            const q = k + 1 === m ? 0 : k + 1;
            const ex = D[2 * q] - D[2 * k], ey = D[2 * q + 1] - D[2 * k + 1];
            clipInto(Q, ey, -ex, ey * D[2 * k] - ex * D[2 * k + 1], -1);
          }
          const qm: Moments = { m0: 0, mx: 0, my: 0, m2: 0 };
          polyMoments(Q[0], 1, qm);
          if (qm.m0 > 0) this.supportPixels.push(r * px.iw + c);
        }
      }
    } else {
      this.scale = 1 / this.domainArea;
    }
    // Grid over the sites' bounding box, about two sites per cell.
    let bx0 = sites[0], bx1 = sites[0], by0 = sites[1], by1 = sites[1];
    for (let i = 1; i < n; i++) {
      bx0 = Math.min(bx0, sites[2 * i]), bx1 = Math.max(bx1, sites[2 * i]);
      by0 = Math.min(by0, sites[2 * i + 1]), by1 = Math.max(by1, sites[2 * i + 1]);
    }
    const ext = Math.max(bx1 - bx0, by1 - by0, 1e-300);
    const wx = Math.max(bx1 - bx0, ext * 1e-6), wy = Math.max(by1 - by0, ext * 1e-6);
    const cells = Math.max(1, n / 2);
    let h = Math.sqrt((wx * wy) / cells);
    h = Math.max(h, Math.max(wx, wy) / cells);
    this.gx = Math.max(1, Math.min(Math.ceil(wx / h), n));
    this.gy = Math.max(1, Math.min(Math.ceil(wy / h), n));
    this.h = Math.max(wx / this.gx, wy / this.gy) * (1 + 1e-12);
    this.gx0 = bx0;
    this.gy0 = by0;
    const cellOf = new Int32Array(n);
    this.gstart = new Int32Array(this.gx * this.gy + 1);
    for (let i = 0; i < n; i++) {
      const gxi = Math.min(this.gx - 1, Math.max(0, Math.trunc((sites[2 * i] - this.gx0) / this.h)));
      const gyi = Math.min(this.gy - 1, Math.max(0, Math.trunc((sites[2 * i + 1] - this.gy0) / this.h)));
      cellOf[i] = gyi * this.gx + gxi;
      this.gstart[cellOf[i] + 1]++;
    }
    for (let c = 0; c + 1 < this.gstart.length; c++) this.gstart[c + 1] += this.gstart[c];
    this.order = new Int32Array(n);
    const fill = this.gstart.slice(0, this.gstart.length - 1);
    for (let i = 0; i < n; i++) this.order[fill[cellOf[i]]++] = i;
  }

  private pixels(): Pixels {
    const d = this.dens;
    return { v: d.image as Float64Array, iw: d.iw, ih: d.ih, x0: d.x0, y1: d.y1, pw: (d.x1 - d.x0) / d.iw, ph: (d.y1 - d.y0) / d.ih };
  }

  /** Nearest point of the density's support (pulled slightly toward the domain centroid). */
  /** With uniform = true the support is the whole domain (the blended density's support). */
  supportPoint(px: number, py: number, uniform = false): [number, number] {
    let qx = px, qy = py;
    if (this.dens.image && !uniform) {
      const d = this.dens, pw = (d.x1 - d.x0) / d.iw, ph = (d.y1 - d.y0) / d.ih;
      let best = Infinity;
      qx = this.dcx;
      qy = this.dcy;
      for (const k of this.supportPixels) {
        const r = Math.floor(k / d.iw), c = k % d.iw;
        const cx = d.x0 + (c + 0.5) * pw, cy = d.y1 - (r + 0.5) * ph;
        const d2 = (cx - px) * (cx - px) + (cy - py) * (cy - py);
        if (d2 < best) (best = d2), (qx = cx), (qy = cy);
      }
    } else {
      const D = this.domain, m = D.length / 2;
      let inside = true, best = Infinity;
      for (let k = 0; k < m; k++) {
        const q = k + 1 === m ? 0 : k + 1;
        const ax = D[2 * k], ay = D[2 * k + 1], ex = D[2 * q] - ax, ey = D[2 * q + 1] - ay;
        if (ex * (py - ay) - ey * (px - ax) < 0) inside = false;
        const L2 = ex * ex + ey * ey;
        let t = L2 > 0 ? ((px - ax) * ex + (py - ay) * ey) / L2 : 0;
        t = Math.min(1, Math.max(0, t));
        const cx = ax + t * ex, cy = ay + t * ey, d2 = (cx - px) * (cx - px) + (cy - py) * (cy - py);
        if (d2 < best) (best = d2), (qx = cx), (qy = cy);
      }
      if (inside) (qx = px), (qy = py);
    }
    return [qx + 1e-3 * (this.dcx - qx), qy + 1e-3 * (this.dcy - qy)];
  }

  get hasImage(): boolean {
    return this.dens.image !== null;
  }

  /** blend (image densities only): integrate (1 − blend)·ρ + blend·uniform. */
  compute(w: ArrayLike<number>, wantCells = true, blend = 0): DiagramOut {
    const n = this.n, Y = this.sites, D = this.domain, m = D.length / 2;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(w[i])) throw new AdvectError('ADVECT_NUMERIC', 'Non-finite weight in the power diagram');
    }
    const { gx, gy, h, gx0, gy0, gstart, order } = this;
    // Max-weight quadtree.
    const mip: Float64Array[] = [], mipw: number[] = [], miph: number[] = [];
    {
      const l0 = new Float64Array(gx * gy).fill(NINF);
      for (let g = 0; g < gx * gy; g++) for (let t = gstart[g]; t < gstart[g + 1]; t++) l0[g] = Math.max(l0[g], w[order[t]]);
      mip.push(l0);
      mipw.push(gx);
      miph.push(gy);
      while (mipw[mipw.length - 1] > 1 || miph[miph.length - 1] > 1) {
        const pw = mipw[mipw.length - 1], ph = miph[miph.length - 1], qw = (pw + 1) >> 1, qh = (ph + 1) >> 1;
        const lv = new Float64Array(qw * qh).fill(NINF);
        const prev = mip[mip.length - 1];
        for (let yq = 0; yq < ph; yq++) {
          for (let xq = 0; xq < pw; xq++) {
            const o = (yq >> 1) * qw + (xq >> 1);
            lv[o] = Math.max(lv[o], prev[yq * pw + xq]);
          }
        }
        mip.push(lv);
        mipw.push(qw);
        miph.push(qh);
      }
    }
    const top = mip.length - 1;
    const image = this.dens.image !== null;
    const px = image ? this.pixels() : null;
    const scale = this.scale;
    const masses = new Float64Array(n), areas = new Float64Array(n), centroids = new Float64Array(2 * n), costs = new Float64Array(n);
    const counts = new Int32Array(n);
    const cellVerts: Array<number[] | null> = new Array(n).fill(null);
    const cellNb: Array<number[] | null> = new Array(n).fill(null);
    const ei: number[] = [], ej: number[] = [], efacet: number[] = [], elength: number[] = [];
    const hold: [Poly, Poly] = [new Poly(), new Poly()];
    const cand: Array<[number, number]> = [];

    for (let pos = 0; pos < n; pos++) {
      const i = order[pos];
      const yx = Y[2 * i], yy = Y[2 * i + 1], wi = w[i];
      hold[0].clear();
      for (let k = 0; k < m; k++) hold[0].push(D[2 * k] - yx, D[2 * k + 1] - yy, -1);
      let R = 0;
      const updateRadius = () => {
        const P = hold[0];
        let r2 = 0;
        for (let k = 0; k < P.size; k++) r2 = Math.max(r2, P.x[k] * P.x[k] + P.y[k] * P.y[k]);
        R = Math.sqrt(r2);
      };
      updateRadius();
      const trySite = (j: number, dx: number, dy: number, d2: number) => {
        if (d2 === 0) {
          if (w[j] > wi || (w[j] === wi && j < i)) hold[0].clear();
          return;
        }
        const dn = Math.sqrt(d2);
        if (w[j] <= d2 - 2 * R * dn + wi) return;
        if (clipInto(hold, 2 * dx, 2 * dy, d2 + wi - w[j], j)) updateRadius();
      };
      const cx = Math.min(gx - 1, Math.max(0, Math.trunc((yx - gx0) / h)));
      const cy = Math.min(gy - 1, Math.max(0, Math.trunc((yy - gy0) / h)));
      cand.length = 0;
      for (let gyi = Math.max(0, cy - 1); gyi <= Math.min(gy - 1, cy + 1); gyi++) {
        for (let gxi = Math.max(0, cx - 1); gxi <= Math.min(gx - 1, cx + 1); gxi++) {
          const g = gyi * gx + gxi;
          for (let t = gstart[g]; t < gstart[g + 1]; t++) {
            const j = order[t];
            if (j === i) continue;
            const dx = Y[2 * j] - yx, dy = Y[2 * j + 1] - yy;
            cand.push([dx * dx + dy * dy, j]);
          }
        }
      }
      cand.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      for (const [d2, j] of cand) {
        if (hold[0].size === 0) break;
        trySite(j, Y[2 * j] - yx, Y[2 * j + 1] - yy, d2);
      }
      const visit = (L: number, X: number, Yq: number): void => {
        if (hold[0].size === 0) return;
        const Wn = mip[L][Yq * mipw[L] + X];
        if (Wn === NINF) return;
        const ax = X * 2 ** L, bx = Math.min(gx, (X + 1) * 2 ** L), ay = Yq * 2 ** L, by = Math.min(gy, (Yq + 1) * 2 ** L);
        if (L === 0) {
          if (Math.abs(X - cx) <= 1 && Math.abs(Yq - cy) <= 1) return;
        } else if (ax >= cx - 1 && bx <= cx + 2 && ay >= cy - 1 && by <= cy + 2) {
          return;
        }
        const bx0 = gx0 + ax * h, bx1 = gx0 + bx * h, by0 = gy0 + ay * h, by1 = gy0 + by * h;
        const ddx = Math.max(0, bx0 - yx, yx - bx1), ddy = Math.max(0, by0 - yy, yy - by1);
        const Dn = Math.sqrt(ddx * ddx + ddy * ddy);
        const lb = Dn >= R ? Dn * Dn - 2 * R * Dn : -R * R;
        if (lb + wi >= Wn) return;
        {
          // Exact vertex test: no site of the node can cut if dist²(u_k, box) − W >= |u_k|² − w_i for all k.
          const P = hold[0];
          const lx0 = bx0 - yx, lx1 = bx1 - yx, ly0 = by0 - yy, ly1 = by1 - yy;
          let canCut = false;
          for (let k = 0; k < P.size; k++) {
            const ux = P.x[k], uy = P.y[k];
            const ex = Math.max(0, lx0 - ux, ux - lx1), ey = Math.max(0, ly0 - uy, uy - ly1);
            if (ex * ex + ey * ey - Wn < ux * ux + uy * uy - wi) {
              canCut = true;
              break;
            }
          }
          if (!canCut) return;
        }
        if (L === 0) {
          const g = Yq * gx + X;
          for (let t = gstart[g]; t < gstart[g + 1] && hold[0].size > 0; t++) {
            const j = order[t];
            if (j === i) continue;
            const dx = Y[2 * j] - yx, dy = Y[2 * j + 1] - yy;
            trySite(j, dx, dy, dx * dx + dy * dy);
          }
          return;
        }
        const ch: Array<[number, number]> = [];
        const Lc = L - 1, sc = 2 ** Lc;
        for (let b2 = 0; b2 < 2; b2++) {
          for (let a2 = 0; a2 < 2; a2++) {
            const CX = 2 * X + a2, CY = 2 * Yq + b2;
            if (CX >= mipw[Lc] || CY >= miph[Lc]) continue;
            const cx0 = gx0 + CX * sc * h, cx1 = gx0 + Math.min(gx, (CX + 1) * sc) * h;
            const cy0 = gy0 + CY * sc * h, cy1 = gy0 + Math.min(gy, (CY + 1) * sc) * h;
            const ex = Math.max(0, cx0 - yx, yx - cx1), ey = Math.max(0, cy0 - yy, yy - cy1);
            const Wc = mip[Lc][CY * mipw[Lc] + CX];
            const Dc = Math.sqrt(ex * ex + ey * ey);
            if (Wc === NINF || (Dc >= R ? Dc * Dc - 2 * R * Dc : -R * R) + wi >= Wc) continue;
            ch.push([ex * ex + ey * ey, CY * mipw[Lc] + CX]);
          }
        }
        for (let a = 1; a < ch.length; a++) {
          for (let c = a; c > 0 && (ch[c][0] < ch[c - 1][0] || (ch[c][0] === ch[c - 1][0] && ch[c][1] < ch[c - 1][1])); c--) {
            [ch[c], ch[c - 1]] = [ch[c - 1], ch[c]];
          }
        }
        for (const [, id] of ch) visit(Lc, id % mipw[Lc], Math.floor(id / mipw[Lc]));
      };
      if (hold[0].size > 0) visit(top, 0, 0);

      const P = hold[0];
      const geo: Moments = { m0: 0, mx: 0, my: 0, m2: 0 };
      polyMoments(P, 1, geo);
      let mo: Moments;
      if (px) {
        mo = { m0: 0, mx: 0, my: 0, m2: 0 };
        imageMoments(P, yx, yy, px, blend > 0 ? scale * (1 - blend) : scale, mo);
        if (blend > 0) {
          const u = blend / this.domainArea;
          mo.m0 += u * geo.m0, mo.mx += u * geo.mx, mo.my += u * geo.my, mo.m2 += u * geo.m2;
        }
      } else {
        mo = { m0: geo.m0 * scale, mx: geo.mx * scale, my: geo.my * scale, m2: geo.m2 * scale };
      }
      areas[i] = Math.max(0, geo.m0);
      masses[i] = Math.max(0, mo.m0);
      costs[i] = Math.max(0, mo.m2);
      if (mo.m0 > 0) (centroids[2 * i] = yx + mo.mx / mo.m0), (centroids[2 * i + 1] = yy + mo.my / mo.m0);
      else if (geo.m0 > 0) (centroids[2 * i] = yx + geo.mx / geo.m0), (centroids[2 * i + 1] = yy + geo.my / geo.m0);
      else (centroids[2 * i] = yx), (centroids[2 * i + 1] = yy);
      const nvp = P.size;
      counts[i] = nvp;
      if (wantCells) {
        const vv: number[] = [], nb: number[] = [];
        for (let k = 0; k < nvp; k++) vv.push(P.x[k] + yx, P.y[k] + yy), nb.push(P.nb[k]);
        cellVerts[i] = vv;
        cellNb[i] = nb;
      }
      for (let k = 0; k < nvp; k++) {
        const q = k + 1 === nvp ? 0 : k + 1;
        const j = P.nb[k];
        if (j > i) {
          const ex = P.x[q] - P.x[k], ey = P.y[q] - P.y[k];
          const len = Math.sqrt(ex * ex + ey * ey);
          if (!(len > 0)) continue;
          let fm = scale * len;
          if (px) {
            fm = imageSegment(P.x[k] + yx, P.y[k] + yy, P.x[q] + yx, P.y[q] + yy, px, scale);
            if (blend > 0) fm = (1 - blend) * fm + (blend / this.domainArea) * len;
          }
          ei.push(i), ej.push(j), efacet.push(fm), elength.push(len);
        }
      }
    }
    const offsets = new Int32Array(n + 1);
    if (wantCells) for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + counts[i];
    const vertices = new Float64Array(2 * offsets[n]);
    const edgeNeighbors = new Int32Array(offsets[n]);
    if (wantCells) {
      for (let i = 0; i < n; i++) {
        vertices.set(cellVerts[i] as number[], 2 * offsets[i]);
        edgeNeighbors.set(cellNb[i] as number[], offsets[i]);
      }
    }
    return {
      masses, areas, centroids, costs, offsets, vertices, edgeNeighbors,
      edgeI: Int32Array.from(ei), edgeJ: Int32Array.from(ej), edgeFacet: Float64Array.from(efacet), edgeLength: Float64Array.from(elength),
    };
  }
}

/** Mass of a pixel image inside a (counter-clockwise) convex domain: the density's normaliser. */
export function imageMassInDomain(domain: Float64Array, density: Density2D): number {
  const m = domain.length / 2;
  let cx = 0, cy = 0;
  for (let k = 0; k < m; k++) (cx += domain[2 * k] / m), (cy += domain[2 * k + 1] / m);
  const P = new Poly();
  for (let k = 0; k < m; k++) P.push(domain[2 * k] - cx, domain[2 * k + 1] - cy, -1);
  const d = density;
  const px: Pixels = { v: d.image as Float64Array, iw: d.iw, ih: d.ih, x0: d.x0, y1: d.y1, pw: (d.x1 - d.x0) / d.iw, ph: (d.y1 - d.y0) / d.ih };
  const mo: Moments = { m0: 0, mx: 0, my: 0, m2: 0 };
  imageMoments(P, cx, cy, px, 1, mo);
  return mo.m0;
}
