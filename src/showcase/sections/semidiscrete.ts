/**
 * Showcase section: semi-discrete OT. Laguerre cells of a damped-Newton solve coloured by
 * weight, its convergence history, and a blue-noise stippling of a generated portrait
 * (capacity-constrained Lloyd on the image density; nothing is downloaded).
 */
import { engine } from '../../engine.js';
import { Figure, ramp } from '../../plot/svg.js';
import { cellPolygon, semiDiscreteOT } from '../../semidiscrete/sdot.js';
import { stipple } from '../../semidiscrete/lloyd.js';
import { mulberry32 } from '../../util/random.js';
import type { Report } from '../report.js';

/** A smooth analytic "portrait" (rows × cols, row 0 at the top): returns ink density (dark = high). */
export function portrait(rows: number, cols: number): Float64Array {
  const img = new Float64Array(rows * cols);
  const blob = (x: number, y: number, cx: number, cy: number, sx: number, sy: number) =>
    Math.exp(-(((x - cx) / sx) ** 2 + ((y - cy) / sy) ** 2));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = (c + 0.5) / cols, y = 1 - (r + 0.5) / rows;
      // Head: a soft ellipse, shaded from the left; hair: a dark cap; eyes, nose shadow, mouth.
      const head = 1 / (1 + Math.exp(40 * (((x - 0.5) / 0.3) ** 2 + ((y - 0.48) / 0.38) ** 2 - 1)));
      const shade = 0.18 + 0.25 * (x - 0.3);
      const hair = 1 / (1 + Math.exp(60 * (((x - 0.5) / 0.33) ** 2 + ((y - 0.7) / 0.26) ** 2 - 1))) * (y > 0.68 ? 1 : 0);
      const eyes = blob(x, y, 0.39, 0.55, 0.045, 0.025) + blob(x, y, 0.61, 0.55, 0.045, 0.025);
      const brows = blob(x, y, 0.39, 0.615, 0.07, 0.012) + blob(x, y, 0.61, 0.615, 0.07, 0.012);
      const nose = blob(x, y, 0.52, 0.44, 0.02, 0.07);
      const mouth = Math.exp(-(((y - (0.3 + 1.6 * (x - 0.5) ** 2)) / 0.014) ** 2)) * (Math.abs(x - 0.5) < 0.12 ? 1 : 0);
      const background = 0.04 + 0.08 * y;
      let ink = background * (1 - head) + head * shade + 0.45 * hair + 0.9 * eyes + 0.5 * brows + 0.3 * nose + 0.8 * mouth;
      ink = Math.min(1, Math.max(0, ink));
      img[r * cols + c] = ink;
    }
  }
  return img;
}

export function semidiscreteSection(report: Report): void {
  report.heading('Semi-discrete OT: Laguerre cells and blue noise');
  const js = engine.backend === 'js';

  // 1) Laguerre cells: uniform density on the square to sites with masses growing to the right.
  const n = js ? 150 : 400;
  const rng = mulberry32(7);
  const sites = new Float64Array(2 * n).map(() => rng());
  const masses = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) s += masses[i] = 0.3 + sites[2 * i] + 0.5 * sites[2 * i + 1] ** 2;
  masses.forEach((v, i) => (masses[i] = v / s));
  let t = performance.now();
  const r = semiDiscreteOT({ data: sites, rows: n, cols: 2 }, { masses, tol: 1e-9 });
  const tSolve = performance.now() - t;
  let wmin = Infinity, wmax = -Infinity;
  for (let i = 0; i < n; i++) (wmin = Math.min(wmin, r.weights[i])), (wmax = Math.max(wmax, r.weights[i]));
  const fig = new Figure({ width: 520, height: 520, bounds: [0, 1, 0, 1], title: `Laguerre cells (N = ${n}), coloured by weight` });
  for (let i = 0; i < n; i++) {
    const poly = cellPolygon(r.cells, i);
    if (poly.length >= 6) fig.polygon(poly, { fill: ramp((r.weights[i] - wmin) / (wmax - wmin || 1)), stroke: '#fff', opacity: 0.95 });
  }
  fig.points(sites, { color: '#111', r: 1.3 });
  report.figure('semidiscrete-cells.svg', fig.toSVG(),
    `Laguerre cells: masses ∝ 0.3 + x + 0.5y² reached to ${r.maxRelMassError.toExponential(1)} in ${r.iterations} Newton steps`);
  const conv = new Figure({ width: 420, height: 300, axes: true, logY: true, title: 'Damped Newton', xLabel: 'Newton step', yLabel: 'max relative mass error' });
  conv.line(r.history.map((_, k) => k), r.history, { color: '#d62728' });
  report.figure('semidiscrete-newton.svg', conv.toSVG(), 'Newton convergence: max_i |mass_i − b_i|/b_i per step');
  report.summary(`sdot Newton: N=${n}, ${r.iterations} steps, max rel. mass error ${r.maxRelMassError.toExponential(2)}, cost ${r.cost.toExponential(4)}, ${tSolve.toFixed(0)} ms (${engine.backend})`);

  // 2) Blue-noise stippling of the generated portrait.
  const rows = 96, cols = 96;
  const img = portrait(rows, cols);
  const points = js ? 400 : 2500;
  t = performance.now();
  const st = stipple({ data: img, rows, cols }, points, { iterations: js ? 6 : 15, tol: 1e-3 });
  const tSt = performance.now() - t;
  const sf = new Figure({ width: 520, height: 520, bounds: [0, 1, 0, 1], title: `Blue-noise stippling (${points} points)` });
  sf.points(st.sites.data, { color: '#000', r: js ? 2.2 : 1.5, opacity: 1 });
  report.figure('semidiscrete-stipple.svg', sf.toSVG(),
    `Capacity-constrained Lloyd: ${st.iterations} moves, each cell carries 1/${points} of the portrait's ink`);
  report.summary(`stipple: ${points} points, ${st.iterations} Lloyd moves, last move ${st.movement[st.movement.length - 1]?.toExponential(2)}, ${tSt.toFixed(0)} ms`);
}
