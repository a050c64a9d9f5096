// Sinkhorn benchmarks.
//   node bench/sinkhorn.bench.mjs                  benny suite (n = 1000) + roofline line
//   node bench/sinkhorn.bench.mjs --json --problem DIR --reg R [--method auto] [--dtype float64]
//        [--tol 1e-9] [--max-iter 1000] [--repeat 2]
//     solves DIR/M.npy (uniform weights) and prints one JSON line: seconds (best of --repeat),
//     iterations, cost, method, perIterationMs ((t_full − t_1iter)/(iterations − 1): the K build
//     and the statistics pass excluded), kernelGBs (bytes of K per iteration / per-iteration
//     time), readBandwidthGBs (native sum over 512 MiB, same run) and rooflineFraction.
//   node bench/sinkhorn.bench.mjs --json --online N --d 3 --iters K [--reg 0.1]
//     online float32 on N×N uniform points in [0,1)^d, K iterations; time, G pairs/s (2 LSE
//     half-steps of N² pairs per iteration), and the RSS growth (O(n + m) memory).
// Bench bench/pot/sinkhorn_pot.py calls the --json forms next to POT on identical problems.
import b from 'benny';
import { engine, readNpy, sinkhorn, sinkhornPoints, dist } from '../dist/esm/index.js';
import { loadNative } from '../dist/esm/backend/native.js';

const args = process.argv.slice(2);
const flag = (k, d) => { const i = args.indexOf(`--${k}`); return i >= 0 ? args[i + 1] : d; };
const json = args.includes('--json');
const native = loadNative().backend;

function readBandwidth() {
  if (!native || typeof native.core.sum !== 'function') return null;
  const big = new Float64Array(2 ** 26).fill(1);
  let best = Infinity;
  for (let k = 0; k < 5; k++) {
    const t = performance.now();
    native.core.sum(big);
    best = Math.min(best, performance.now() - t);
  }
  return big.byteLength / (best / 1000) / 1e9;
}

function rand(T, n, seed) {
  let s = seed >>> 0;
  const out = new T(n);
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s / 2 ** 32; }
  return out;
}

if (json && flag('problem')) {
  const dir = flag('problem');
  const reg = Number(flag('reg', '0.01'));
  const method = flag('method', 'auto');
  const dtype = flag('dtype', 'float64');
  const tol = Number(flag('tol', '1e-9'));
  const maxIter = Number(flag('max-iter', '1000'));
  const repeat = Number(flag('repeat', '2'));
  const M = readNpy(`${dir}/M.npy`);
  const data = dtype === 'float32' ? Float32Array.from(M.data) : M.data;
  const C = { data, rows: M.shape[0], cols: M.shape[1] };
  let best = Infinity, r;
  for (let k = 0; k < repeat; k++) {
    const t = performance.now();
    r = sinkhorn(null, null, C, reg, { method, tol, maxIter });
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  let perIter = null, kernelGBs = null, bw = null, fraction = null;
  if ((r.method === 'scaling' || r.method === 'stabilized') && method === r.method && r.iterations > 1) {
    let t1 = Infinity;
    for (let k = 0; k < repeat; k++) {
      const t = performance.now();
      sinkhorn(null, null, C, reg, { method: r.method, tol: 0, maxIter: 1 });
      t1 = Math.min(t1, (performance.now() - t) / 1000);
    }
    perIter = Math.max(best - t1, 1e-9) / (r.iterations - 1);
    kernelGBs = data.byteLength / perIter / 1e9;
    bw = readBandwidth();
    fraction = bw ? kernelGBs / bw : null;
  }
  console.log(JSON.stringify({
    seconds: best, iterations: r.iterations, cost: r.cost, method: r.method, converged: r.converged,
    marginalError: r.marginalError, perIterationMs: perIter === null ? null : perIter * 1000, kernelGBs,
    readBandwidthGBs: bw, rooflineFraction: fraction, threads: engine.threads, simd: engine.simd, backend: engine.backend,
  }));
} else if (json && flag('online')) {
  const n = Number(flag('online'));
  const d = Number(flag('d', '3'));
  const iters = Number(flag('iters', '3'));
  const reg = Number(flag('reg', '0.1'));
  const x = { data: rand(Float32Array, n * d, 1), rows: n, cols: d };
  const y = { data: rand(Float32Array, n * d, 2), rows: n, cols: d };
  const rss0 = process.memoryUsage().rss;
  const t = performance.now();
  const r = sinkhornPoints(x, y, reg, { method: 'online', maxIter: iters, tol: 0 });
  const s = (performance.now() - t) / 1000;
  const rss1 = process.memoryUsage().rss;
  // Each iteration: a column LSE and a row LSE (2·n² pairs); the final statistics add a column
  // LSE and a cost pass (2·n² pairs more).
  const pairs = (2 * iters + 2) * n * n;
  console.log(JSON.stringify({
    n, d, iterations: r.iterations, seconds: s, GpairsPerSecond: pairs / s / 1e9,
    GpairsPerSecondPerCore: pairs / s / 1e9 / engine.threads, rssGrowthMiB: (rss1 - rss0) / 2 ** 20,
    denseCostMatrixMiB: (n * n * 4) / 2 ** 20, cost: r.cost, marginalError: r.marginalError, threads: engine.threads,
    simd: engine.simd, backend: engine.backend,
  }));
} else {
  const n = 1000, d = 2;
  const cases = [];
  for (const T of [Float64Array, Float32Array]) {
    const x = { data: rand(T, n * d, 1), rows: n, cols: d }, y = { data: rand(T, n * d, 2), rows: n, cols: d };
    const C = dist(x, y);
    for (const method of ['scaling', 'stabilized', 'log']) {
      cases.push(b.add(`${method} ${T.name} ${n}x${n} reg 0.05 (100 it)`, () => {
        sinkhorn(null, null, C, 0.05, { method, maxIter: 100, tol: 0 });
      }));
    }
    cases.push(b.add(`online ${T.name} ${n}x${n} reg 0.05 (20 it)`, () => {
      sinkhornPoints(x, y, 0.05, { method: 'online', maxIter: 20, tol: 0 });
    }));
  }
  await b.suite(`sinkhorn (${engine.backend}, ${engine.simd}, ${engine.threads} threads)`, ...cases, b.cycle(), b.complete());
  const bw = readBandwidth();
  if (bw) console.log(`read bandwidth (native sum, ${engine.threads} threads): ${bw.toFixed(1)} GB/s`);
}
