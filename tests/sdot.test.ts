/**
 * Semi-discrete OT (issue 6), through the public API (so both backends in CI): masses, areas,
 * raster cross-checks, weight shift invariance, dual gradient/Hessian against finite
 * differences, the Voronoi limit, degenerate inputs and image densities with empty regions.
 *
 * Tolerances: Newton stops on max relative mass error <= tol (1e-9 here), and the reported
 * masses are the exact polygon integrals, so they match b to 1e-9 relative. Areas are sums of
 * exact polygon areas: 1e-12. Raster checks use a G×G midpoint grid: the error per cell is about
 * perimeter·h/2 ≈ 2·(1/√N)/G, so the tolerance is stated per test from that.
 */
import { describe, expect, it } from 'vitest';
import { backend } from '../src/backend/index.js';
import { AdvectError } from '../src/errors.js';
import {
  cellNeighbors, cellPolygon, powerDiagram, semiDiscreteDual, semiDiscreteOT,
} from '../src/semidiscrete/index.js';
import { uniform } from './helpers/random.js';

const js = backend().name === 'js';
const M = (data: Float64Array) => ({ data, rows: data.length / 2, cols: 2 });
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);

/** Fraction of a G×G midpoint grid on [x0,x1]×[y0,y1] that falls in each Laguerre cell (ties: lower index). */
function raster(sites: Float64Array, w: ArrayLike<number>, G: number, box = [0, 0, 1, 1], dens?: (x: number, y: number) => number): Float64Array {
  const n = sites.length / 2, out = new Float64Array(n);
  let total = 0;
  for (let a = 0; a < G; a++) {
    for (let c = 0; c < G; c++) {
      const x = box[0] + ((c + 0.5) / G) * (box[2] - box[0]), y = box[1] + ((a + 0.5) / G) * (box[3] - box[1]);
      let best = 0, bv = Infinity;
      for (let i = 0; i < n; i++) {
        const v = (x - sites[2 * i]) ** 2 + (y - sites[2 * i + 1]) ** 2 - w[i];
        if (v < bv) (bv = v), (best = i);
      }
      const m = dens ? dens(x, y) : 1;
      out[best] += m;
      total += m;
    }
  }
  return out.map((v) => v / total);
}

describe('semiDiscreteOT: uniform density on the unit square', () => {
  const n = js ? 60 : 400;
  const sites = uniform(11, 2 * n);
  const r = semiDiscreteOT(M(sites), { tol: 1e-9 });

  it('converges, matching every mass to 1e-9 relative; areas sum to the domain', () => {
    expect(r.converged).toBe(true);
    expect(r.maxRelMassError).toBeLessThanOrEqual(1e-9);
    for (let i = 0; i < n; i++) expect(Math.abs(r.masses[i] - 1 / n) * n).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(sum(r.areas) - 1)).toBeLessThan(1e-12);
    expect(Math.abs(sum(r.masses) - 1)).toBeLessThan(1e-12);
    // Weights have mean zero; the history ends at the returned error and starts above it.
    expect(Math.abs(sum(r.weights))).toBeLessThan(1e-12);
    expect(r.history[r.history.length - 1]).toBe(r.maxRelMassError);
    expect(r.history.length).toBe(r.iterations + 1);
    expect(r.history[0]).toBeGreaterThan(1e-3);
  });

  it('cell areas agree with a brute-force raster assignment', () => {
    // G = 300: per-cell raster error ≈ perimeter·(1/G)/2 ≈ 4·(1/√n)/600; relative to 1/n that is ≲ 0.15 for n = 400.
    const G = js ? 200 : 300;
    const ras = raster(sites, r.weights, G);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(ras[i] - r.areas[i]) * n);
    expect(worst).toBeLessThan(js ? 0.12 : 0.15);
    // Totals agree exactly (both partition the square).
    expect(Math.abs(sum(ras) - 1)).toBeLessThan(1e-12);
  });

  it('cost equals Σ ∫|x − y_i|² over the cells (raster check) and is the transport cost of T', () => {
    const G = 200;
    let c = 0;
    for (let a = 0; a < G; a++) {
      for (let b = 0; b < G; b++) {
        const x = (b + 0.5) / G, y = (a + 0.5) / G;
        let bv = Infinity, bc = 0;
        for (let i = 0; i < n; i++) {
          const d2 = (x - sites[2 * i]) ** 2 + (y - sites[2 * i + 1]) ** 2;
          if (d2 - r.weights[i] < bv) (bv = d2 - r.weights[i]), (bc = d2);
        }
        c += bc / (G * G);
      }
    }
    expect(Math.abs(c - r.cost) / r.cost).toBeLessThan(0.02);
    expect(Math.abs(sum(r.costs) - r.cost)).toBeLessThan(1e-15);
  });

  it('adding a constant to the weights changes nothing', () => {
    const a = powerDiagram(M(sites), r.weights);
    const shifted = Float64Array.from(r.weights, (v) => v + 0.37);
    const b = powerDiagram(M(sites), shifted);
    for (let i = 0; i < n; i++) {
      expect(Math.abs(a.masses[i] - b.masses[i])).toBeLessThan(1e-15);
      expect(Math.abs(a.centroids.data[2 * i] - b.centroids.data[2 * i])).toBeLessThan(1e-13);
    }
    expect(Array.from(b.cells.edgeNeighbors)).toEqual(Array.from(a.cells.edgeNeighbors));
    // The solver is shift-invariant too: warm-starting from shifted optimal weights converges at once.
    const again = semiDiscreteOT(M(sites), { weights0: shifted, tol: 1e-9 });
    expect(again.iterations).toBe(0);
    expect(again.maxRelMassError).toBeLessThanOrEqual(1e-9);
  });

  it('centroids are mass barycentres and lie inside their cells; neighbours are reciprocal', () => {
    for (let i = 0; i < n; i += 7) {
      const poly = cellPolygon(r.cells, i);
      const cx = r.centroids.data[2 * i], cy = r.centroids.data[2 * i + 1];
      const k = poly.length / 2;
      for (let e = 0; e < k; e++) {
        const q = (e + 1) % k;
        const cross = (poly[2 * q] - poly[2 * e]) * (cy - poly[2 * e + 1]) - (poly[2 * q + 1] - poly[2 * e + 1]) * (cx - poly[2 * e]);
        expect(cross).toBeGreaterThan(-1e-12);
      }
      for (const nb of cellNeighbors(r.cells, i)) {
        const back = cellNeighbors(r.cells, nb.site).find((t) => t.site === i);
        if (nb.length > 1e-9) {
          expect(back).toBeDefined();
          expect(Math.abs((back as { length: number }).length - nb.length)).toBeLessThan(1e-9);
        }
      }
    }
  });
});

describe('dual objective: gradient and Hessian', () => {
  const n = js ? 25 : 60;
  const sites = uniform(21, 2 * n);
  const w = uniform(22, n, -0.01, 0.01);
  const d = semiDiscreteDual(M(sites), w);

  it('gradient = b − masses agrees with central differences of Φ', () => {
    // Φ is C² with Lipschitz Hessian: central differences with h = 1e-6 are accurate to ~h²·|Φ'''| + 1e-16/h ≈ 1e-10.
    const h = 1e-6;
    for (const i of [0, 3, 7, n - 1]) {
      const wp = Float64Array.from(w), wm = Float64Array.from(w);
      wp[i] += h;
      wm[i] -= h;
      const fd = (semiDiscreteDual(M(sites), wp).value - semiDiscreteDual(M(sites), wm).value) / (2 * h);
      expect(Math.abs(fd - d.gradient[i])).toBeLessThan(1e-8);
    }
  });

  it('Hessian agrees with differences of the gradient, is symmetric, and kills constants', () => {
    const H = new Float64Array(n * n);
    for (let k = 0; k < d.hessian.values.length; k++) H[d.hessian.rows[k] * n + d.hessian.cols[k]] += d.hessian.values[k];
    for (let i = 0; i < n; i++) {
      let rowSum = 0;
      for (let j = 0; j < n; j++) {
        rowSum += H[i * n + j];
        expect(H[i * n + j]).toBe(H[j * n + i]);
      }
      expect(Math.abs(rowSum)).toBeLessThan(1e-12);
      expect(H[i * n + i]).toBeLessThanOrEqual(0);
    }
    // Column j of the Hessian = d(gradient)/dw_j; h = 1e-7, masses are piecewise polynomial in w: error ~ h·|∂³Φ| ≈ 1e-6 relative.
    const h = 1e-7;
    for (const j of [1, 5, n - 2]) {
      const wp = Float64Array.from(w), wm = Float64Array.from(w);
      wp[j] += h;
      wm[j] -= h;
      const gp = semiDiscreteDual(M(sites), wp).gradient, gm = semiDiscreteDual(M(sites), wm).gradient;
      let scale = 0;
      for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(H[i * n + j]));
      for (let i = 0; i < n; i++) {
        const fd = (gp[i] - gm[i]) / (2 * h);
        expect(Math.abs(fd - H[i * n + j])).toBeLessThan(1e-5 * scale);
      }
    }
    // Concavity: Φ(w + t v) is concave along a random line (second difference <= 0).
    const v = uniform(23, n, -0.005, 0.005);
    const at = (t: number) => semiDiscreteDual(M(sites), Float64Array.from(w, (x, i) => x + t * v[i])).value;
    expect(at(1) - 2 * at(0) + at(-1)).toBeLessThanOrEqual(1e-15);
  });
});

describe('power diagram geometry', () => {
  it('with equal weights the diagram is the Voronoi diagram', () => {
    const n = 40;
    const sites = uniform(31, 2 * n);
    const d = powerDiagram(M(sites), new Float64Array(n).fill(0.2));
    // Every vertex on an edge shared with j is equidistant from y_i and y_j, and no site is closer.
    for (let i = 0; i < n; i++) {
      const a = d.cells.offsets[i], b = d.cells.offsets[i + 1];
      for (let k = a; k < b; k++) {
        const x = d.cells.vertices[2 * k], y = d.cells.vertices[2 * k + 1];
        const di = Math.hypot(x - sites[2 * i], y - sites[2 * i + 1]);
        for (let j = 0; j < n; j++) expect(Math.hypot(x - sites[2 * j], y - sites[2 * j + 1])).toBeGreaterThan(di - 1e-12);
        const j = d.cells.edgeNeighbors[k];
        if (j >= 0) expect(Math.abs(Math.hypot(x - sites[2 * j], y - sites[2 * j + 1]) - di)).toBeLessThan(1e-12);
      }
    }
    const ras = raster(sites, new Float64Array(n), 200);
    for (let i = 0; i < n; i++) expect(Math.abs(ras[i] - d.areas[i]) * n).toBeLessThan(0.1);
  });

  it('N = 1: the whole domain, weight 0, converged without a step', () => {
    const r = semiDiscreteOT([[0.3, 0.6]], { domain: [0, 0, 2, 1] });
    expect(r.converged).toBe(true);
    expect(r.iterations).toBe(0);
    expect(r.weights[0]).toBe(0);
    expect(r.areas[0]).toBeCloseTo(2, 14);
    expect(r.masses[0]).toBeCloseTo(1, 14);
    // ∫|x − y|² over [0,2]×[0,1] / 2 with y = (0.3, 0.6): E|x−0.3|² + E|y−0.6|² for uniform x on [0,2], y on [0,1].
    const ex = 4 / 3 - 2 * 0.3 * 1 + 0.09, ey = 1 / 3 - 2 * 0.6 * 0.5 + 0.36;
    expect(r.cost).toBeCloseTo(ex + ey, 12);
    expect(Array.from(r.cells.edgeNeighbors)).toEqual([-1, -1, -1, -1]);
  });

  it('N = 2: the cells are the half-planes split to the target masses', () => {
    const r = semiDiscreteOT([[0.2, 0.5], [0.8, 0.5]], { masses: [0.3, 0.7], tol: 1e-12 });
    expect(r.converged).toBe(true);
    // The boundary is the vertical line x = 0.3: |x−y1|² − w1 = |x−y2|² − w2 there ⇒ w1 − w2 = (0.1)² − (0.5)².
    expect(r.weights[0] - r.weights[1]).toBeCloseTo(0.01 - 0.25, 10);
    expect(r.areas[0]).toBeCloseTo(0.3, 11);
    expect(r.centroids.data[0]).toBeCloseTo(0.15, 10);
    expect(r.centroids.data[2]).toBeCloseTo(0.65, 10);
    // Exact cost: ∫_0^0.3 (x−0.2)² + ∫_0.3^1 (x−0.8)² + ∫_0^1 (y−0.5)².
    const cube = (a: number, b: number, c: number) => ((b - c) ** 3 - (a - c) ** 3) / 3;
    expect(r.cost).toBeCloseTo(cube(0, 0.3, 0.2) + cube(0.3, 1, 0.8) + 1 / 12, 10);
  });

  it('duplicate sites: the diagram gives the cell to one of them; the solver refuses with ADVECT_INFEASIBLE', () => {
    const sites = [[0.3, 0.3], [0.7, 0.7], [0.3, 0.3], [0.2, 0.8]];
    const d = powerDiagram(sites);
    expect(d.areas[2]).toBe(0);
    expect(d.areas[0]).toBeGreaterThan(0);
    expect(sum(d.areas)).toBeCloseTo(1, 13);
    const heavier = powerDiagram(sites, [0, 0, 0.01, 0]);
    expect(heavier.areas[0]).toBe(0);
    expect(heavier.areas[2]).toBeGreaterThan(0);
    let err: unknown;
    try {
      semiDiscreteOT(sites);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AdvectError);
    expect((err as AdvectError).code).toBe('ADVECT_INFEASIBLE');
    expect((err as Error).message).toBe('Sites 0 and 2 coincide; Laguerre cells cannot split their mass (merge them and add their masses)');
  });

  it('collinear sites give strips and converge', () => {
    const n = 9;
    const sites = Array.from({ length: n }, (_, i) => [(i + 0.5) / n + 0.01 * Math.sin(i), 0.5]);
    const masses = Array.from({ length: n }, (_, i) => (1 + (i % 3)) / 18);
    const r = semiDiscreteOT(sites, { masses, tol: 1e-10 });
    expect(r.converged).toBe(true);
    for (let i = 0; i < n; i++) {
      expect(Math.abs(r.masses[i] - masses[i]) / masses[i]).toBeLessThanOrEqual(1e-10);
      // A vertical strip: 4 vertices, centroid at height 0.5.
      expect(r.cells.offsets[i + 1] - r.cells.offsets[i]).toBe(4);
      expect(r.centroids.data[2 * i + 1]).toBeCloseTo(0.5, 12);
    }
  });

  it('cocircular sites: four symmetric sites give four equal squares meeting at the centre', () => {
    const d = powerDiagram([[0.25, 0.25], [0.75, 0.25], [0.75, 0.75], [0.25, 0.75]]);
    for (let i = 0; i < 4; i++) expect(d.areas[i]).toBeCloseTo(0.25, 14);
    const n = 12;
    const ring = Array.from({ length: n }, (_, i) => [0.5 + 0.3 * Math.cos((2 * Math.PI * i) / n), 0.5 + 0.3 * Math.sin((2 * Math.PI * i) / n)]);
    const r = semiDiscreteOT(ring, { tol: 1e-10 });
    expect(r.converged).toBe(true);
    expect(r.maxRelMassError).toBeLessThanOrEqual(1e-10);
    expect(sum(r.areas)).toBeCloseTo(1, 13);
  });

  it('empty cells: a site with a very low weight gets no cell, and the solver re-seeds it', () => {
    const sites = [[0.2, 0.2], [0.8, 0.2], [0.5, 0.8], [0.5, 0.4]];
    const d = powerDiagram(sites, [0.5, 0.5, 0.5, -1]);
    expect(d.areas[3]).toBe(0);
    expect(d.masses[3]).toBe(0);
    expect(d.cells.offsets[4] - d.cells.offsets[3]).toBe(0);
    expect(sum(d.areas)).toBeCloseTo(1, 13);
    expect(d.centroids.data[6]).toBe(0.5);
    const r = semiDiscreteOT(sites, { weights0: [0.5, 0.5, 0.5, -1], tol: 1e-9 });
    expect(r.converged).toBe(true);
    expect(r.masses[3]).toBeCloseTo(0.25, 9);
  });

  it('sites outside the domain still reach their masses', () => {
    const sites = [[-0.5, 0.5], [1.4, 0.3], [0.5, 1.7], [0.5, 0.5], [0.2, -0.3]];
    const d0 = powerDiagram(sites);
    expect(sum(d0.areas)).toBeCloseTo(1, 13);
    const r = semiDiscreteOT(sites, { tol: 1e-9 });
    expect(r.converged).toBe(true);
    for (let i = 0; i < 5; i++) expect(Math.abs(r.masses[i] - 0.2) / 0.2).toBeLessThanOrEqual(1e-9);
    // Far sites are re-seeded even when their initial cell is empty.
    const far = semiDiscreteOT([[5, 5], [0.5, 0.5], [-3, 0.5]], { tol: 1e-9 });
    expect(far.converged).toBe(true);
    expect(far.masses[0]).toBeCloseTo(1 / 3, 9);
  });

  it('a convex polygon domain (any orientation) and a rectangle domain', () => {
    const hex = Array.from({ length: 6 }, (_, k) => [Math.cos((Math.PI * k) / 3), Math.sin((Math.PI * k) / 3)]).reverse();
    const sites = Float64Array.from(uniform(41, 40), (v) => v - 0.5);
    const r = semiDiscreteOT(M(sites), { domain: hex, tol: 1e-9 });
    expect(r.converged).toBe(true);
    expect(sum(r.areas)).toBeCloseTo((3 * Math.sqrt(3)) / 2, 12);
    const rect = semiDiscreteOT(M(uniform(42, 30)), { domain: [0, 0, 3, 0.5], tol: 1e-9 });
    expect(rect.converged).toBe(true);
    expect(sum(rect.areas)).toBeCloseTo(1.5, 12);
    // Typed arrays work as well: a rectangle of 4 numbers, or flat vertices.
    const typed = powerDiagram(M(uniform(43, 10)), undefined, { domain: Float64Array.of(0, 0, 3, 0.5) });
    expect(sum(typed.areas)).toBeCloseTo(1.5, 12);
    const tri = powerDiagram(M(uniform(44, 10)), undefined, { domain: Float64Array.of(0, 0, 1, 0, 0, 1) });
    expect(sum(tri.areas)).toBeCloseTo(0.5, 12);
  });

  it('stress: a regular grid (every vertex cocircular), sites on the boundary, a 1e-6 cluster, offset coordinates', () => {
    const g = 10, n = g * g;
    const grid = Float64Array.from({ length: 2 * n }, (_, k) => ((k % 2 === 0 ? (k / 2) % g : Math.floor(k / 2 / g)) + 0.5) / g);
    const uni = semiDiscreteOT(M(grid), { tol: 1e-12 });
    expect(uni.iterations).toBe(0); // the Voronoi cells of a grid are already equal squares
    const masses = Float64Array.from({ length: n }, (_, i) => (1 + (i % 5)) / 300);
    const r = semiDiscreteOT(M(grid), { masses, tol: 1e-10 });
    expect(r.converged).toBe(true);
    const corners = semiDiscreteOT([[0, 0], [1, 0], [1, 1], [0, 1], [0.5, 0], [0.5, 1], [0, 0.5], [1, 0.5], [0.5, 0.5]], { tol: 1e-10 });
    expect(corners.converged).toBe(true);
    const cluster = semiDiscreteOT(M(Float64Array.from(uniform(5, 60), (v) => 0.5 + 1e-6 * v)), { tol: 1e-9 });
    expect(cluster.converged).toBe(true);
    expect(sum(cluster.areas)).toBeCloseTo(1, 12);
    const off = semiDiscreteOT(M(Float64Array.from(uniform(6, 40), (v) => 1e6 + v)), { domain: [1e6, 1e6, 1e6 + 1, 1e6 + 1], tol: 1e-9 });
    expect(off.converged).toBe(true);
  });
});

describe('image densities', () => {
  // 8×8 image, row 0 at the top: the left 3 columns are zero, the rest a gradient in y.
  const IW = 8, IH = 8;
  const img = new Float64Array(IW * IH);
  for (let r = 0; r < IH; r++) for (let c = 0; c < IW; c++) img[r * IW + c] = c < 3 ? 0 : 1 + r;
  const dens = (x: number, y: number) => {
    const c = Math.min(IW - 1, Math.floor(x * IW)), r = Math.min(IH - 1, Math.floor((1 - y) * IH));
    return img[r * IW + c];
  };
  const image = { data: img, rows: IH, cols: IW };

  it('masses are exact integrals of the pixel density (raster check, zero-density pixels allowed)', () => {
    const n = 20;
    const sites = uniform(51, 2 * n);
    const w = uniform(52, n, -0.02, 0.02);
    const d = powerDiagram(M(sites), w, { density: { image } });
    expect(sum(d.masses)).toBeCloseTo(1, 13);
    expect(sum(d.areas)).toBeCloseTo(1, 13);
    const ras = raster(sites, w, 256, [0, 0, 1, 1], dens);
    for (let i = 0; i < n; i++) expect(Math.abs(ras[i] - d.masses[i])).toBeLessThan(0.004);
  });

  it('Newton converges with zero-density regions; cells over the empty band carry no extra mass', () => {
    const n = js ? 16 : 40;
    const sites = uniform(53, 2 * n);
    const r = semiDiscreteOT(M(sites), { density: { image }, tol: 1e-9 });
    expect(r.converged).toBe(true);
    for (let i = 0; i < n; i++) expect(Math.abs(r.masses[i] * n - 1)).toBeLessThanOrEqual(1e-9);
    const ras = raster(sites, r.weights, 256, [0, 0, 1, 1], dens);
    for (let i = 0; i < n; i++) expect(Math.abs(ras[i] - r.masses[i])).toBeLessThan(0.005);
    // Every mass centroid lies in the positive region x >= 3/8.
    for (let i = 0; i < n; i++) expect(r.centroids.data[2 * i]).toBeGreaterThanOrEqual(3 / 8 - 1e-12);
  });

  it('sites that start inside the zero-density band converge (uniform-to-image homotopy)', () => {
    const n = 12;
    // All sites in x < 3/8 where the density vanishes: every initial cell but the rightmost is massless.
    const sites = Float64Array.from(uniform(54, 2 * n), (v, k) => (k % 2 === 0 ? 0.3 * v : v));
    const r = semiDiscreteOT(M(sites), { density: { image }, tol: 1e-9 });
    expect(r.converged).toBe(true);
    for (let i = 0; i < n; i++) expect(Math.abs(r.masses[i] * n - 1)).toBeLessThanOrEqual(1e-9);
    const ras = raster(sites, r.weights, 256, [0, 0, 1, 1], dens);
    for (let i = 0; i < n; i++) expect(Math.abs(ras[i] - r.masses[i])).toBeLessThan(0.006);
  });

  it('the image may cover other bounds than the domain (density zero outside it)', () => {
    const d = powerDiagram([[0.25, 0.5], [0.75, 0.5]], [0, 0], { density: { image: [[1, 1]], bounds: [0, 0, 0.5, 1] } });
    expect(d.masses[0]).toBeCloseTo(1, 14);
    expect(d.masses[1]).toBe(0);
  });
});

describe('float32 inputs', () => {
  it('compute in float64 and return float32 arrays', () => {
    const n = 30;
    const s = Float32Array.from(uniform(61, 2 * n));
    const r = semiDiscreteOT({ data: s, rows: n, cols: 2 }, { tol: 1e-9 });
    expect(r.weights).toBeInstanceOf(Float32Array);
    expect(r.masses).toBeInstanceOf(Float32Array);
    expect(r.centroids.data).toBeInstanceOf(Float32Array);
    expect(r.converged).toBe(true);
    // Float32 rounding of masses ≈ 1/n: relative 6e-8.
    for (let i = 0; i < n; i++) expect(Math.abs(r.masses[i] * n - 1)).toBeLessThan(2e-7);
  });
});
