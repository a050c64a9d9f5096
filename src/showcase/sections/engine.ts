/** Showcase section: engine introspection and the LSE kernels on built-in data. */
import { engine } from '../../engine.js';
import { logSumExp, logSumExpPoints, dist } from '../../kernels.js';
import type { Report } from '../report.js';
import { mulberry32 } from '../../util/random.js';

export function engineSection(report: Report): void {
  report.heading('Engine');
  const i = engine.info();
  report.summary(`backend ${i.backend}, simd ${i.simd} (detected ${i.simdDetected}), openmp ${i.openmp}, threads ${i.threads}`);
  const rng = mulberry32(1);
  const n = 2000, d = 2;
  const x = new Float64Array(n * d).map(() => rng());
  const y = new Float64Array(n * d).map(() => rng());
  const X = { data: x, rows: n, cols: d }, Y = { data: y, rows: n, cols: d };
  let t = performance.now();
  const C = dist(X, Y);
  const tDist = performance.now() - t;
  t = performance.now();
  const dense = logSumExp(C, { eps: 0.01 });
  const tDense = performance.now() - t;
  t = performance.now();
  const online = logSumExpPoints(X, Y, { eps: 0.01 });
  const tOnline = performance.now() - t;
  let maxDiff = 0;
  for (let k = 0; k < n; k++) maxDiff = Math.max(maxDiff, Math.abs(dense[k] - online[k]) / Math.abs(dense[k]));
  report.summary(`${n}x${n} sqeuclidean costs ${tDist.toFixed(1)} ms; dense LSE ${tDense.toFixed(1)} ms; online LSE ${tOnline.toFixed(1)} ms (${((n * n) / tOnline / 1e6).toFixed(2)} G pairs/s); max rel. difference dense vs online ${maxDiff.toExponential(1)}`);
}
