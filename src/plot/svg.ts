/**
 * A small SVG figure builder for the showcase: data coordinates in, a standalone SVG string out.
 * Enough for scatter plots, weighted segments (transport plans), paths, polygons (Laguerre
 * cells) and line charts with linear or log y axes.
 */

export interface FigureOptions {
  width?: number;
  height?: number;
  title?: string;
  /** Data bounds [xmin, xmax, ymin, ymax]; computed from added data when omitted. */
  bounds?: [number, number, number, number];
  /** Keep x and y units equal (default true for geometric plots). */
  equalAspect?: boolean;
  logY?: boolean;
  axes?: boolean;
  xLabel?: string;
  yLabel?: string;
}

type Item = (sx: (x: number) => number, sy: (y: number) => number) => string;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const f = (v: number) => (Math.round(v * 100) / 100).toString();

export class Figure {
  private items: Item[] = [];
  private xs: number[] = [];
  private ys: number[] = [];
  private legend: Array<{ color: string; label: string }> = [];
  constructor(private readonly opts: FigureOptions = {}) {}

  private track(x: number, y: number) {
    if (Number.isFinite(x) && Number.isFinite(y) && (!this.opts.logY || y > 0)) {
      this.xs.push(x);
      this.ys.push(y);
    }
  }

  /** Points given as a flat n×2 array. */
  points(xy: ArrayLike<number>, o: { color?: string; r?: number; opacity?: number; label?: string; radii?: ArrayLike<number> } = {}): this {
    const n = Math.floor(xy.length / 2);
    for (let i = 0; i < n; i++) this.track(xy[2 * i], xy[2 * i + 1]);
    const color = o.color ?? '#1f77b4', r = o.r ?? 2.5, op = o.opacity ?? 0.9;
    this.items.push((sx, sy) => {
      let s = `<g fill="${color}" fill-opacity="${op}">`;
      for (let i = 0; i < n; i++) s += `<circle cx="${f(sx(xy[2 * i]))}" cy="${f(sy(xy[2 * i + 1]))}" r="${f(o.radii ? o.radii[i] : r)}"/>`;
      return s + '</g>';
    });
    if (o.label) this.legend.push({ color, label: o.label });
    return this;
  }

  /** Segments (x0,y0)→(x1,y1) with per-segment opacity in [0,1] (e.g. transported mass). */
  segments(seg: Array<[number, number, number, number, number?]>, o: { color?: string; width?: number } = {}): this {
    for (const s of seg) {
      this.track(s[0], s[1]);
      this.track(s[2], s[3]);
    }
    const color = o.color ?? '#444', w = o.width ?? 1;
    this.items.push((sx, sy) => {
      let out = `<g stroke="${color}" stroke-width="${w}" stroke-linecap="round">`;
      for (const s of seg) {
        out += `<line x1="${f(sx(s[0]))}" y1="${f(sy(s[1]))}" x2="${f(sx(s[2]))}" y2="${f(sy(s[3]))}" stroke-opacity="${f(s[4] ?? 1)}"/>`;
      }
      return out + '</g>';
    });
    return this;
  }

  /** A polyline through (x[k], y[k]). */
  line(x: ArrayLike<number>, y: ArrayLike<number>, o: { color?: string; width?: number; opacity?: number; label?: string; dash?: string } = {}): this {
    for (let k = 0; k < x.length; k++) this.track(x[k], y[k]);
    const color = o.color ?? '#d62728';
    this.items.push((sx, sy) => {
      const pts: string[] = [];
      for (let k = 0; k < x.length; k++) {
        if (!Number.isFinite(y[k]) || (this.opts.logY && !(y[k] > 0))) continue;
        pts.push(`${f(sx(x[k]))},${f(sy(y[k]))}`);
      }
      return `<polyline fill="none" stroke="${color}" stroke-width="${o.width ?? 1.5}" stroke-opacity="${o.opacity ?? 1}"${o.dash ? ` stroke-dasharray="${o.dash}"` : ''} points="${pts.join(' ')}"/>`;
    });
    if (o.label) this.legend.push({ color, label: o.label });
    return this;
  }

  /** A filled polygon given as a flat [x0,y0,x1,y1,...] array. */
  polygon(xy: ArrayLike<number>, o: { fill?: string; stroke?: string; opacity?: number } = {}): this {
    for (let k = 0; k + 1 < xy.length; k += 2) this.track(xy[k], xy[k + 1]);
    this.items.push((sx, sy) => {
      const pts: string[] = [];
      for (let k = 0; k + 1 < xy.length; k += 2) pts.push(`${f(sx(xy[k]))},${f(sy(xy[k + 1]))}`);
      return `<polygon points="${pts.join(' ')}" fill="${o.fill ?? '#ccc'}" fill-opacity="${o.opacity ?? 1}" stroke="${o.stroke ?? '#333'}" stroke-width="0.5"/>`;
    });
    return this;
  }

  toSVG(): string {
    const W = this.opts.width ?? 480, H = this.opts.height ?? 400;
    const padL = this.opts.axes ? 56 : 12, padR = 12, padT = this.opts.title ? 28 : 12, padB = this.opts.axes ? 40 : 12;
    let [x0, x1, y0, y1] = this.opts.bounds ?? [
      Math.min(...this.xs), Math.max(...this.xs), Math.min(...this.ys), Math.max(...this.ys),
    ];
    if (!Number.isFinite(x0)) [x0, x1, y0, y1] = [0, 1, 0, 1];
    if (x1 === x0) { x0 -= 0.5; x1 += 0.5; }
    if (y1 === y0) { y0 = this.opts.logY ? y0 / 2 : y0 - 0.5; y1 = this.opts.logY ? y1 * 2 : y1 + 0.5; }
    const ty = (y: number) => (this.opts.logY ? Math.log10(y) : y);
    const Y0 = ty(y0), Y1 = ty(y1);
    let kx = (W - padL - padR) / (x1 - x0), ky = (H - padT - padB) / (Y1 - Y0);
    if (this.opts.equalAspect ?? !this.opts.axes) kx = ky = Math.min(kx, ky);
    const sx = (x: number) => padL + (x - x0) * kx;
    const sy = (y: number) => H - padB - (ty(y) - Y0) * ky;
    let body = '';
    for (const it of this.items) body += it(sx, sy);
    let deco = '';
    if (this.opts.title) deco += `<text x="${W / 2}" y="18" text-anchor="middle" font-size="14">${esc(this.opts.title)}</text>`;
    if (this.opts.axes) {
      deco += `<g stroke="#000" stroke-width="1"><line x1="${padL}" y1="${H - padB}" x2="${W - padR}" y2="${H - padB}"/><line x1="${padL}" y1="${padT}" x2="${padL}" y2="${H - padB}"/></g>`;
      const ticks = (a: number, b: number) => [a, a + (b - a) / 2, b];
      for (const t of ticks(x0, x1)) deco += `<text x="${f(sx(t))}" y="${H - padB + 14}" font-size="10" text-anchor="middle">${fmt(t)}</text>`;
      for (const t of ticks(Y0, Y1)) {
        const v = this.opts.logY ? 10 ** t : t;
        deco += `<text x="${padL - 4}" y="${f(sy(v)) + 3}" font-size="10" text-anchor="end">${fmt(v)}</text>`;
      }
      if (this.opts.xLabel) deco += `<text x="${(padL + W - padR) / 2}" y="${H - 6}" font-size="11" text-anchor="middle">${esc(this.opts.xLabel)}</text>`;
      if (this.opts.yLabel) deco += `<text x="12" y="${(padT + H - padB) / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${(padT + H - padB) / 2})">${esc(this.opts.yLabel)}</text>`;
    }
    this.legend.forEach((l, k) => {
      deco += `<rect x="${W - padR - 120}" y="${padT + 4 + 14 * k}" width="10" height="10" fill="${l.color}"/><text x="${W - padR - 106}" y="${padT + 13 + 14 * k}" font-size="11">${esc(l.label)}</text>`;
    });
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif"><rect width="100%" height="100%" fill="#fff"/>${body}${deco}</svg>\n`;
  }
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-2 ? v.toExponential(1) : String(Math.round(v * 1000) / 1000);
}

/** A colour from a value in [0, 1] (viridis-like ramp). */
export function ramp(t: number): string {
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const x = Math.max(0, Math.min(1, t)) * (stops.length - 1);
  const k = Math.min(stops.length - 2, Math.floor(x)), u = x - k;
  const c = stops[k].map((v, i) => Math.round(v + (stops[k + 1][i] - v) * u));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
