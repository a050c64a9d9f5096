/**
 * Input normalisation shared by the semi-discrete OT functions: 2-D sites, the convex domain
 * (rectangle or polygon), the density (uniform or a pixel image) and the target masses.
 * Everything is checked here, before any backend call, with the project's message shape.
 */
import { normalizeDomain, imageMassInDomain, polyArea } from '../backend/js/sdot_geometry.js';
import { guardAllocation } from '../engine.js';
import { rangeError, typeError } from '../errors.js';
import type { DType, FloatArray, Matrix, MatrixLike, VectorLike } from '../types.js';
import { dtypeOfArray, toMatrix, toVector } from '../validate.js';

/** A rectangle [x0, y0, x1, y1], or the vertices of a convex polygon (k×2 rows or a flat [x, y, ...] list, k >= 3). */
export type DomainLike = [number, number, number, number] | number[] | number[][] | Matrix;

/**
 * 'uniform' (default): μ is uniform on the domain. An image: μ is piecewise constant on its pixels
 * (rows × cols, row 0 at the top) over `bounds` [x0, y0, x1, y1] (default: the domain's bounding
 * box), normalised to mass 1 inside the domain; zero pixels are allowed.
 */
export type DensityLike = 'uniform' | { image: MatrixLike; bounds?: [number, number, number, number] | number[] };

export interface Problem2D {
  sites: Float64Array;
  n: number;
  dtype: DType;
  domain: Float64Array;
  nv: number;
  domainArea: number;
  image: Float64Array | null;
  iw: number;
  ih: number;
  bounds: Float64Array | null;
}

export function parseSites(value: unknown, name = 'sites', dim: number | null = 2): { data: Float64Array; n: number; d: number; dtype: DType } {
  const M = toMatrix(value, name);
  if (M.rows < 1) throw rangeError('at least one site', name, `${M.rows} rows`);
  if (dim !== null && M.cols !== dim) throw rangeError(`${dim} columns (points in ${dim}-D)`, name, `${M.cols} columns`);
  if (M.cols < 1) throw rangeError('at least one column', name, `${M.cols} columns`);
  const dtype = dtypeOfArray(M.data);
  return { data: M.data instanceof Float64Array ? M.data : Float64Array.from(M.data), n: M.rows, d: M.cols, dtype };
}

/** An axis-aligned rectangle [x0, y0, x1, y1] with x1 > x0 and y1 > y0. */
export function parseBounds(value: unknown, name: string): Float64Array {
  const bv = toVector(value, name, { length: 4 });
  if (!(bv[2] > bv[0]) || !(bv[3] > bv[1])) throw rangeError('bounds [x0, y0, x1, y1] with x1 > x0 and y1 > y0', name, `[${Array.from(bv).join(', ')}]`);
  return Float64Array.from(bv);
}

export function parseDomain(value: unknown): { domain: Float64Array; nv: number; area: number } {
  let flat: number[];
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) value = Array.from(value as unknown as ArrayLike<number>);
  if (value === undefined) flat = [0, 0, 1, 0, 1, 1, 0, 1];
  else if (Array.isArray(value) && value.length === 4 && value.every((v) => typeof v === 'number')) {
    const [x0, y0, x1, y1] = value as number[];
    if (![x0, y0, x1, y1].every(Number.isFinite) || !(x1 > x0) || !(y1 > y0)) {
      throw rangeError('a rectangle [x0, y0, x1, y1] with x1 > x0 and y1 > y0', 'domain', `[${value.join(', ')}]`);
    }
    flat = [x0, y0, x1, y0, x1, y1, x0, y1];
  } else if (Array.isArray(value) && value.every((v) => typeof v === 'number')) {
    if (value.length % 2 !== 0 || value.length < 6) throw rangeError('a rectangle or at least 3 vertices (x, y)', 'domain', value);
    flat = value as number[];
  } else if (Array.isArray(value) || (value !== null && typeof value === 'object' && 'data' in value)) {
    const M = toMatrix(value, 'domain');
    if (M.cols !== 2 || M.rows < 3) throw rangeError('at least 3 vertices with 2 columns', 'domain', `${M.rows}x${M.cols}`);
    flat = Array.from(M.data);
  } else {
    throw typeError('a rectangle [x0, y0, x1, y1] or a convex polygon', 'domain', value);
  }
  for (let k = 0; k < flat.length; k++) if (!Number.isFinite(flat[k])) throw rangeError('finite vertices', 'domain', `${flat[k]} at index ${k}`);
  const domain = normalizeDomain(flat, flat.length / 2);
  return { domain, nv: flat.length / 2, area: polyArea(domain, flat.length / 2) };
}

export function parseProblem(sites: unknown, opts: Record<string, unknown>): Problem2D {
  const S = parseSites(sites);
  // Cells, facets and per-cell results: about 40 doubles per site (a cell has ~6 vertices on average).
  guardAllocation(S.n * 40, 8, `A power diagram of ${S.n} sites`);
  const D = parseDomain(opts.domain);
  let image: Float64Array | null = null, iw = 0, ih = 0, bounds: Float64Array | null = null;
  const dens = opts.density;
  if (dens !== undefined && dens !== 'uniform') {
    if (dens === null || typeof dens !== 'object' || !('image' in dens)) throw typeError("'uniform' or { image, bounds? }", 'density', dens);
    const I = toMatrix((dens as { image: unknown }).image, 'density.image');
    if (I.rows < 1 || I.cols < 1) throw rangeError('a non-empty image', 'density.image', `${I.rows}x${I.cols}`);
    for (let k = 0; k < I.data.length; k++) {
      if (!(I.data[k] >= 0)) throw rangeError('non-negative pixel values', 'density.image', `${I.data[k]} at index ${k}`);
    }
    image = I.data instanceof Float64Array ? I.data : Float64Array.from(I.data);
    ih = I.rows;
    iw = I.cols;
    const b = (dens as { bounds?: unknown }).bounds;
    if (b === undefined) {
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (let k = 0; k < D.nv; k++) {
        x0 = Math.min(x0, D.domain[2 * k]), x1 = Math.max(x1, D.domain[2 * k]);
        y0 = Math.min(y0, D.domain[2 * k + 1]), y1 = Math.max(y1, D.domain[2 * k + 1]);
      }
      bounds = Float64Array.of(x0, y0, x1, y1);
    } else {
      bounds = parseBounds(b, 'density.bounds');
    }
    const mass = imageMassInDomain(D.domain, { image, iw, ih, x0: bounds[0], y0: bounds[1], x1: bounds[2], y1: bounds[3] });
    if (!(mass > 0)) throw rangeError('an image with positive mass inside the domain', 'density.image', `a mass of ${mass}`);
  }
  return { sites: S.data, n: S.n, dtype: S.dtype, domain: D.domain, nv: D.nv, domainArea: D.area, image, iw, ih, bounds };
}

/**
 * Target masses: positive, summing to the domain's mass 1 (the density is a probability measure)
 * within 1e-6 relative; then rescaled to sum exactly 1. Default: uniform 1/N.
 */
export function parseMasses(value: unknown, n: number, name = 'masses'): Float64Array {
  if (value === undefined) return new Float64Array(n).fill(1 / n);
  const v = toVector(value, name, { length: n });
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (!(v[i] > 0)) throw rangeError('positive masses', name, `${v[i]} at index ${i}`);
    s += v[i];
  }
  if (!(Math.abs(s - 1) <= 1e-6)) {
    throw rangeError('masses summing to the domain mass 1 (the density is a probability measure)', name, `a total of ${s}`);
  }
  return Float64Array.from(v, (t) => t / s);
}

export function castOut(a: Float64Array, dtype: DType): FloatArray {
  return dtype === 'float32' ? Float32Array.from(a) : a;
}

export type { VectorLike };
