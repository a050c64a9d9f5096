// Engine kernel benchmarks (benny) at the SIMD level of this process (ADVECT_SIMD caps it;
// bench/run.mjs runs one process per level). Prints ops/s per case and the roofline figures:
//   - dense LSE as a fraction of the read bandwidth measured here (native sum over 512 MiB);
//   - online LSE in G pairs/s per core (one thread).
// Usage: node bench/engine.bench.mjs [--json] [--quick]
import b from 'benny';
import { engine, dist, logSumExp, logSumExpPoints, softmaxWeightedSum } from '../dist/esm/index.js';
import { loadNative } from '../dist/esm/backend/native.js';

const json = process.argv.includes('--json');
const quick = process.argv.includes('--quick');
const native = loadNative().backend;
if (!native) throw new Error('native addon not built');
const log = (...a) => { if (!json) console.log(...a); };

function rand(T, n, seed) {
  let s = seed >>> 0;
  const out = new T(n);
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s / 2 ** 32; }
  return out;
}

/** Best-of-k seconds per call (setup outside). */
function time(fn, minSeconds = quick ? 0.2 : 0.6) {
  fn();
  let best = Infinity, total = 0;
  while (total < minSeconds) {
    const t = process.hrtime.bigint();
    fn();
    const s = Number(process.hrtime.bigint() - t) / 1e9;
    best = Math.min(best, s);
    total += s;
  }
  return best;
}

const threads = engine.threads;
const results = { simd: engine.simd, threads, cases: {} };

// Read bandwidth: native deterministic sum over 512 MiB (all threads), best of several runs.
const big = new Float64Array(2 ** 26).fill(1);
const bw = big.byteLength / time(() => native.core.sum(big));
results.readBandwidthGBs = bw / 1e9;
log(`simd ${engine.simd}, threads ${threads}; read bandwidth ${(bw / 1e9).toFixed(1)} GB/s`);

// Dense LSE roofline: n = m = 4000, all threads.
for (const T of [Float32Array, Float64Array]) {
  const n = 4000, d = 2;
  const x = { data: rand(T, n * d, 1), rows: n, cols: d }, y = { data: rand(T, n * d, 2), rows: n, cols: d };
  const C = dist(x, y);
  const out = new T(n);
  for (const axis of ['rows', 'cols']) {
    const s = time(() => logSumExp(C, { eps: 0.01, axis, out }));
    const gbs = C.data.byteLength / s / 1e9;
    results.cases[`dense LSE ${axis} ${T.name}`] = { seconds: s, GBs: gbs, fractionOfBandwidth: gbs / (bw / 1e9) };
    log(`dense LSE ${axis} ${T.name} 4000x4000: ${(s * 1e3).toFixed(2)} ms, ${gbs.toFixed(1)} GB/s = ${((100 * gbs) / (bw / 1e9)).toFixed(0)}% of read bandwidth`);
  }
}

// Online LSE per core: one thread, d = 2.
engine.setThreads(1);
for (const T of [Float32Array, Float64Array]) {
  const n = 4000, d = 2;
  const x = { data: rand(T, n * d, 3), rows: n, cols: d }, y = { data: rand(T, n * d, 4), rows: n, cols: d };
  const out = new T(n);
  const s = time(() => logSumExpPoints(x, y, { eps: 0.01, out }));
  const gp = (n * n) / s / 1e9;
  results.cases[`online LSE d=2 ${T.name} per core`] = { seconds: s, GpairsPerCore: gp };
  log(`online LSE ${T.name} d=2 4000x4000, 1 thread: ${(s * 1e3).toFixed(2)} ms, ${gp.toFixed(2)} G pairs/s per core`);
}
engine.setThreads(0);

if (json) {
  process.stdout.write(JSON.stringify(results) + '\n');
} else {
  // benny suites for the record (ops/s), saved to bench/results/.
  const n = quick ? 500 : 2000, d = 2;
  const x = { data: rand(Float64Array, n * d, 5), rows: n, cols: d }, y = { data: rand(Float64Array, n * d, 6), rows: n, cols: d };
  const C = dist(x, y);
  const V = { data: rand(Float64Array, n * 4, 7), rows: n, cols: 4 };
  await b.suite(
    `engine kernels (${engine.simd}, ${threads} threads, n=m=${n}, d=${d}, float64)`,
    b.add('dist sqeuclidean', () => dist(x, y)),
    b.add('logSumExp rows', () => logSumExp(C, { eps: 0.01 })),
    b.add('logSumExp cols', () => logSumExp(C, { eps: 0.01, axis: 'cols' })),
    b.add('logSumExpPoints rows', () => logSumExpPoints(x, y, { eps: 0.01 })),
    b.add('softmaxWeightedSum dv=4', () => softmaxWeightedSum(x, y, V, { eps: 0.01 })),
    b.cycle(),
    b.complete(),
    b.save({ file: `engine-${engine.simd}`, folder: 'bench/results', format: 'json' }),
  );
}
