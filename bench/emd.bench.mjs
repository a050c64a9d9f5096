// Exact OT benchmarks: network-simplex EMD (dense cost and lazy point clouds), small-n per-call
// latency (minibatch OT), 1-D Wasserstein and sliced Wasserstein.
// Usage:
//   node bench/emd.bench.mjs                 benny ops/s table (small sizes) + timings
//   node bench/emd.bench.mjs --json --data DIR [--sizes 3000,5000]
//        reads DIR/x_<n>.npy, DIR/y_<n>.npy (written by bench/pot/emd_pot.py) and prints one JSON
//        line with seconds (solver only), cost, iterations and peak extra memory (VmHWM growth
//        during the solve, after /proc/self/clear_refs) per case.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import b from 'benny';
import {
  engine, dist, emd, emdPoints, wasserstein1d, slicedWasserstein, readNpy,
} from '../dist/esm/index.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const arg = (k, d) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : d; };
const dataDir = arg('--data', null);
const sizes = arg('--sizes', '3000,5000').split(',').map(Number);
const log = (...a) => { if (!json) console.log(...a); };

function memKB(key) {
  const m = readFileSync('/proc/self/status', 'utf8').match(new RegExp(`${key}:\\s+(\\d+)`));
  return m ? Number(m[1]) : NaN;
}
function measure(fn) {
  globalThis.gc?.();
  try { writeFileSync('/proc/self/clear_refs', '5'); } catch { /* not Linux */ }
  const rss0 = memKB('VmRSS');
  const t0 = performance.now();
  const r = fn();
  const seconds = (performance.now() - t0) / 1000;
  const peakExtraMB = (memKB('VmHWM') - rss0) / 1024;
  return { r, seconds, peakExtraMB };
}
function best(fn, reps) {
  let bestS = Infinity, r;
  for (let k = 0; k < reps; k++) {
    const t0 = performance.now();
    r = fn();
    bestS = Math.min(bestS, (performance.now() - t0) / 1000);
  }
  return { r, seconds: bestS };
}
function rand(n, seed) {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s / 2 ** 32; }
  return out;
}
const load = (f) => { const a = readNpy(f); return { data: a.data, rows: a.shape[0], cols: a.shape[1] ?? 1 }; };

const results = { backend: engine.backend, simd: engine.simd, cases: {} };

if (dataDir) {
  for (const n of sizes) {
    const x = load(`${dataDir}/x_${n}.npy`), y = load(`${dataDir}/y_${n}.npy`);
    const C = dist(x, y);
    const d = measure(() => emd(null, null, C, { maxIter: 0 }));
    results.cases[`emd dense n=${n}`] = { seconds: d.seconds, cost: d.r.cost, iterations: d.r.iterations, status: d.r.status, peakExtraMB: d.peakExtraMB };
    log(`emd dense n=m=${n}: ${d.seconds.toFixed(3)} s, ${d.r.iterations} pivots, cost ${d.r.cost}, +${d.peakExtraMB.toFixed(1)} MB`);
    const l = measure(() => emdPoints(x, y, { maxIter: 0 }));
    results.cases[`emd lazy n=${n}`] = { seconds: l.seconds, cost: l.r.cost, iterations: l.r.iterations, status: l.r.status, peakExtraMB: l.peakExtraMB };
    log(`emd lazy  n=m=${n}: ${l.seconds.toFixed(3)} s, +${l.peakExtraMB.toFixed(1)} MB`);
  }
  for (const n of [64, 128, 256, 512]) {
    if (!existsSync(`${dataDir}/x_${n}.npy`)) continue;
    const x = load(`${dataDir}/x_${n}.npy`), y = load(`${dataDir}/y_${n}.npy`);
    const C = dist(x, y);
    const reps = Math.max(5, Math.round(2e6 / (n * n)));
    const s = best(() => emd(null, null, C), reps);
    results.cases[`emd small n=${n}`] = { seconds: s.seconds, cost: s.r.cost };
    log(`emd n=${n}: ${(s.seconds * 1e3).toFixed(3)} ms per call`);
  }
  if (existsSync(`${dataDir}/u1d.npy`)) {
    const u = readNpy(`${dataDir}/u1d.npy`).data, v = readNpy(`${dataDir}/v1d.npy`).data;
    const uw = readNpy(`${dataDir}/uw1d.npy`).data, vw = readNpy(`${dataDir}/vw1d.npy`).data;
    const s1 = best(() => wasserstein1d(u, v, null, null, 2), 3);
    const s2 = best(() => wasserstein1d(u, v, uw, vw, 2), 3);
    results.cases['w1d uniform'] = { seconds: s1.seconds, value: s1.r, n: u.length };
    results.cases['w1d weighted'] = { seconds: s2.seconds, value: s2.r, n: u.length };
    log(`wasserstein1d n=${u.length}: uniform ${s1.seconds.toFixed(3)} s, weighted ${s2.seconds.toFixed(3)} s`);
  }
  if (existsSync(`${dataDir}/xs_sliced.npy`)) {
    const xs = load(`${dataDir}/xs_sliced.npy`), xt = load(`${dataDir}/xt_sliced.npy`), P = load(`${dataDir}/proj_sliced.npy`);
    const s = best(() => slicedWasserstein(xs, xt, { projections: P }), 3);
    results.cases['sliced'] = { seconds: s.seconds, value: s.r.value, n: xs.rows, d: xs.cols, K: P.cols };
    log(`sliced n=${xs.rows} d=${xs.cols} K=${P.cols}: ${s.seconds.toFixed(3)} s`);
  }
  if (json) process.stdout.write(JSON.stringify(results) + '\n');
} else {
  // Standalone: benny suite on small problems (minibatch-OT sizes) and one large solve.
  const mk = (n, seed) => ({ data: rand(n * 2, seed), rows: n, cols: 2 });
  const C = {};
  for (const n of [64, 256, 512]) C[n] = dist(mk(n, n), mk(n, n + 1));
  const x1 = rand(100000, 9), y1 = rand(100000, 10);
  const X = mk(5000, 11), Y = mk(5000, 12);
  await b.suite(
    `exact OT (${engine.backend}, ${engine.simd})`,
    b.add('emd n=64', () => emd(null, null, C[64])),
    b.add('emd n=256', () => emd(null, null, C[256])),
    b.add('emd n=512', () => emd(null, null, C[512])),
    b.add('wasserstein1d n=1e5 p=2', () => wasserstein1d(x1, y1, null, null, 2)),
    b.add('sliced n=5000 d=2 K=50', () => slicedWasserstein(X, Y, { nProjections: 50 })),
    b.cycle(),
    b.complete(),
    b.save({ file: `emd-${engine.simd}`, folder: 'bench/results', format: 'json' }),
  );
  const big = dist(mk(3000, 21), mk(3000, 22));
  const r = measure(() => emd(null, null, big, { maxIter: 0 }));
  console.log(`emd n=m=3000 (uniform, sqeuclidean, unit square): ${r.seconds.toFixed(3)} s, ${r.r.iterations} pivots, +${r.peakExtraMB.toFixed(1)} MB`);
}
