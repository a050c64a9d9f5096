// Particle benchmarks (issue 5): one field evaluation ("step") of the attention and MMD fields,
// and the GeomLoss-style Sinkhorn-divergence flow.
// Usage:
//   node bench/particles.bench.mjs                     benny ops/s table (small sizes) + timings
//   node bench/particles.bench.mjs --json --data DIR   reads DIR/attn_x.npy, attn_Q.npy, attn_K.npy,
//        attn_V.npy, mmd_x.npy, mmd_y.npy, sd_x.npy, sd_y.npy (written by bench/pot/particles_numpy.py)
//        and prints one JSON line: per case the best time in seconds (field evaluation only).
//   --sd-steps N   steps of the Sinkhorn-divergence flow (default 100; 0 skips it), --quick: fewer repetitions.
import b from 'benny';
import { engine, fieldVelocity, simulate, readNpy } from '../dist/esm/index.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const arg = (k, d) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : d; };
const dataDir = arg('--data', null);
const sdSteps = Number(arg('--sd-steps', 100));
const log = (...a) => { if (!json) console.log(...a); };
const load = (f) => { const a = readNpy(f); return { data: a.data, rows: a.shape[0], cols: a.shape[1] ?? 1 }; };
const nested = (m) => Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
function best(fn, reps) {
  let s = Infinity, r;
  for (let k = 0; k < reps; k++) {
    const t0 = performance.now();
    r = fn();
    s = Math.min(s, (performance.now() - t0) / 1000);
  }
  return { r, seconds: s };
}
function rand(n, seed, scale = 1) {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = (s / 2 ** 32 - 0.5) * scale; }
  return out;
}

const results = { backend: engine.backend, simd: engine.simd, threads: engine.threads, cases: {} };

if (dataDir) {
  const reps = quick ? 2 : 5;
  const x = load(`${dataDir}/attn_x.npy`);
  const [Q, K, V] = ['Q', 'K', 'V'].map((k) => nested(load(`${dataDir}/attn_${k}.npy`)));
  const n = x.rows, d = x.cols;
  const at = best(() => fieldVelocity(x, { type: 'attention', Q, K, V }), reps);
  results.cases[`attention n=${n} d=${d} float32`] = { seconds: at.seconds, gflops: (4 * n * n * d) / at.seconds / 1e9, out: Array.from(at.r.data.subarray(0, 4)) };
  const mx = load(`${dataDir}/mmd_x.npy`), my = load(`${dataDir}/mmd_y.npy`);
  for (const kernel of ['gaussian', 'energy']) {
    for (const dtype of ['float64', 'float32']) {
      const X = dtype === 'float32' ? { ...mx, data: Float32Array.from(mx.data) } : mx;
      const Y = dtype === 'float32' ? { ...my, data: Float32Array.from(my.data) } : my;
      const r = best(() => fieldVelocity(X, { type: 'mmd', kernel, sigma: 1, p: 1, target: Y }), reps);
      results.cases[`mmd ${kernel} n=${mx.rows} d=${mx.cols} ${dtype}`] = {
        seconds: r.seconds, GpairsPerS: (mx.rows * (mx.rows + my.rows)) / r.seconds / 1e9, out: Array.from(r.r.data.subarray(0, 4)),
      };
    }
  }
  if (sdSteps > 0) {
  const sx = load(`${dataDir}/sd_x.npy`), sy = load(`${dataDir}/sd_y.npy`);
  const field = { type: 'sinkhorn-divergence', target: sy, reg: 0.01, tol: 1e-3, maxIter: 200 };
  const t0 = performance.now();
  const res = simulate({ x0: sx, field, dt: 0.5, steps: sdSteps, record: sdSteps });
  const seconds = (performance.now() - t0) / 1000;
  results.cases[`sinkhorn-divergence flow n=m=${sx.rows} d=${sx.cols} ${sdSteps} steps`] = {
    seconds, perStep: seconds / sdSteps, energy: Array.from(res.energy),
  };
  }
  console.log(JSON.stringify(results));
} else {
  const n = 512, d = 64;
  const x32 = { data: Float32Array.from(rand(n * d, 1, 2)), rows: n, cols: d };
  const M = () => Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (Math.sin(i * 7 + j * 3) * 0.25)));
  const att = { type: 'attention', Q: M(), K: M(), V: M() };
  const mx = { data: rand(2000 * 2, 2, 4), rows: 2000, cols: 2 }, my = { data: rand(2000 * 2, 3, 4), rows: 2000, cols: 2 };
  await b.suite(
    `particles (${engine.backend}, ${engine.simd}, ${engine.threads} threads)`,
    b.add(`attention n=${n} d=${d} float32`, () => fieldVelocity(x32, att)),
    b.add('mmd gaussian n=m=2000 d=2', () => fieldVelocity(mx, { type: 'mmd', kernel: 'gaussian', target: my })),
    b.add('mmd energy n=m=2000 d=2', () => fieldVelocity(mx, { type: 'mmd', kernel: 'energy', p: 1, target: my })),
    b.add('langevin EM 10000×2, 10 steps', () => simulate({ x0: mx, field: { type: 'langevin', potential: { type: 'double-well' } }, dt: 0.01, steps: 10 })),
    b.cycle(),
    b.complete(),
  );
  log('\nSee bench/pot/particles_numpy.py for the side-by-side against numpy.');
}
