/** The js twin of the sdot family (native/addon/sdot_binding.cc): same positional ops. */
import { drainSync, generatorJob } from '../../jobs.js';
import type { SdotDiagramRaw, SdotLloydRaw, SdotNewtonRaw, SdotOps } from '../sdot.js';
import { type Density2D, PowerDiagram } from './sdot_geometry.js';
import { lloydGen, newtonGen } from './sdot_newton.js';
import { sgdGen } from './sdot_sgd.js';

function density(image: Float64Array | null, iw: number, ih: number, bounds: Float64Array | null): Density2D {
  if (!image) return { image: null, iw: 0, ih: 0, x0: 0, y0: 0, x1: 1, y1: 1 };
  const b = bounds as Float64Array;
  return { image, iw, ih, x0: b[0], y0: b[1], x1: b[2], y1: b[3] };
}

const asJob = <R>(gen: Generator<number[], R, void>, onProgress?: (raw: number[]) => void) =>
  generatorJob(gen, onProgress, 'The semi-discrete solve');

function diagram(
  sites: Float64Array, n: number, weights: Float64Array, domain: Float64Array, nv: number,
  image: Float64Array | null, iw: number, ih: number, bounds: Float64Array | null, wantCells: boolean,
): SdotDiagramRaw {
  return new PowerDiagram(sites, n, domain, nv, density(image, iw, ih, bounds)).compute(weights, wantCells);
}

const newtonStart = (
  sites: Float64Array, n: number, masses: Float64Array, w0: Float64Array | null, domain: Float64Array, nv: number,
  image: Float64Array | null, iw: number, ih: number, bounds: Float64Array | null, opts: { tol: number; maxIter: number; cgTol: number },
) => newtonGen(new PowerDiagram(sites, n, domain, nv, density(image, iw, ih, bounds)), masses, w0, opts);

export const jsSdot: SdotOps = {
  diagram,
  newton: (sites, n, masses, w0, domain, nv, image, iw, ih, bounds, opts): SdotNewtonRaw =>
    drainSync(newtonStart(sites, n, masses, w0, domain, nv, image, iw, ih, bounds, opts)),
  newtonAsync: (sites, n, masses, w0, domain, nv, image, iw, ih, bounds, opts, onProgress) => {
    // Geometry errors surface synchronously, as in the native binding.
    const gen = newtonStart(sites, n, masses, w0, domain, nv, image, iw, ih, bounds, opts);
    return asJob(gen, onProgress);
  },
  sgd: (sites, n, d, masses, kind, a, b, samples, ns, opts) => drainSync(sgdGen(sites, n, d, masses, kind, a, b, samples, ns, opts)),
  sgdAsync: (sites, n, d, masses, kind, a, b, samples, ns, opts, onProgress) =>
    asJob(sgdGen(sites, n, d, masses, kind, a, b, samples, ns, opts), onProgress),
  lloyd: (sites, n, masses, domain, nv, image, iw, ih, bounds, opts): SdotLloydRaw =>
    drainSync(lloydGen(sites, n, masses, domain, nv, density(image, iw, ih, bounds), opts)),
  lloydAsync: (sites, n, masses, domain, nv, image, iw, ih, bounds, opts, onProgress) =>
    asJob(lloydGen(sites, n, masses, domain, nv, density(image, iw, ih, bounds), opts), onProgress),
};
