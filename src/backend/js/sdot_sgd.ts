/**
 * Pure-TypeScript twin of native/src/sdot_stochastic.cc: averaged SGD on the semi-dual
 * (Genevay et al. 2016), any dimension, entropic eps >= 0. Draws the same sample stream
 * (mulberry32, Box–Muller as in src/util/random.ts) as the native core.
 */
import { AdvectError } from '../../errors.js';
import { mulberry32 } from '../../util/random.js';
import type { SdotSgdRaw, SdotSgdRawOptions } from '../sdot.js';

export function* sgdGen(
  Y: Float64Array, n: number, d: number, b: Float64Array, kind: number, A: Float64Array | null, B: Float64Array | null,
  samples: Float64Array | null, ns: number, opt: SdotSgdRawOptions,
): Generator<number[], SdotSgdRaw, void> {
  let C = opt.stepSize;
  if (!(C > 0)) {
    const mean = new Float64Array(d);
    for (let j = 0; j < n; j++) for (let k = 0; k < d; k++) mean[k] += Y[j * d + k] / n;
    let s = 0;
    for (let j = 0; j < n; j++) for (let k = 0; k < d; k++) s += (Y[j * d + k] - mean[k]) * (Y[j * d + k] - mean[k]);
    C = n > 1 ? s / n : 1;
    if (!(C > 0)) C = 1;
  }
  const logb = Float64Array.from(b, Math.log);
  const rng = mulberry32(opt.seed);
  let hasSpare = false, spare = 0;
  const normal = () => {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    let u = 0;
    while (u === 0) u = rng();
    const v = rng();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    hasSpare = true;
    return r * Math.cos(2 * Math.PI * v);
  };
  const x = new Float64Array(d);
  const draw = () => {
    if (kind === 0) for (let k = 0; k < d; k++) x[k] = (A as Float64Array)[k] + ((B as Float64Array)[k] - (A as Float64Array)[k]) * rng();
    else if (kind === 1) for (let k = 0; k < d; k++) x[k] = (A as Float64Array)[k] + (B as Float64Array)[k] * normal();
    else {
      const idx = Math.floor(rng() * ns);
      for (let k = 0; k < d; k++) x[k] = (samples as Float64Array)[idx * d + k];
    }
  };
  const w = new Float64Array(n), wbar = new Float64Array(n), pi = new Float64Array(n), msum = new Float64Array(n), c = new Float64Array(n);
  const K = opt.iterations, Bt = Math.max(1, opt.batch);
  const reportEvery = Math.max(1, Math.trunc(K / 100));
  let counted = 0;
  for (let k = 1; k <= K; k++) {
    pi.fill(0);
    for (let s = 0; s < Bt; s++) {
      draw();
      for (let j = 0; j < n; j++) {
        let q = 0;
        for (let t = 0; t < d; t++) {
          const e = x[t] - Y[j * d + t];
          q += e * e;
        }
        c[j] = q - w[j];
      }
      if (opt.eps > 0) {
        let mx = -Infinity;
        for (let j = 0; j < n; j++) {
          c[j] = logb[j] - c[j] / opt.eps;
          mx = Math.max(mx, c[j]);
        }
        let z = 0;
        for (let j = 0; j < n; j++) z += c[j] = Math.exp(c[j] - mx);
        for (let j = 0; j < n; j++) pi[j] += c[j] / (z * Bt);
      } else {
        let best = 0;
        for (let j = 1; j < n; j++) if (c[j] < c[best]) best = j;
        pi[best] += 1 / Bt;
      }
    }
    const step = C / Math.sqrt(k);
    const invK = 1 / k;
    for (let j = 0; j < n; j++) {
      w[j] += step * (b[j] - pi[j]);
      wbar[j] += (w[j] - wbar[j]) * invK;
    }
    if (2 * k > K) {
      for (let j = 0; j < n; j++) msum[j] += pi[j];
      counted++;
    }
    if (!Number.isFinite(w[0])) throw new AdvectError('ADVECT_NUMERIC', 'SGD weights became non-finite; reduce stepSize');
    if (k % reportEvery === 0 || k === K) yield [k, K, step, 0];
  }
  const centred = (v: Float64Array) => {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i];
    s /= v.length;
    return v.map((t) => t - s);
  };
  return {
    weights: centred(wbar), lastWeights: centred(w), masses: msum.map((t) => (counted ? t / counted : 0)), iterations: K, stepSize: C,
  };
}
