// Semi-discrete OT benchmarks (issue 6): N uniform sites in the unit square, uniform density,
// damped Newton to 1e-6 max relative mass error. Reports time to tolerance, Newton iterations,
// power-diagram throughput (cells/s, one diagram at the optimal weights), native and TS backends.
// Usage:
//   node bench/sdot.bench.mjs                     benny table (N = 1000) + timings N = 1e4, 1e5
//   node bench/sdot.bench.mjs --json [--sizes 10000,100000] [--js-sizes 10000,100000] [--threads 2]
import b from 'benny';
import { engine, semiDiscreteOT, powerDiagram } from '../dist/esm/index.js';
import { jsBackend } from '../dist/esm/backend/js/index.js';
import { loadNative } from '../dist/esm/backend/native.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const arg = (k, d) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : d; };
const sizes = arg('--sizes', '10000,100000').split(',').filter(Boolean).map(Number);
const jsSizes = arg('--js-sizes', '10000').split(',').filter(Boolean).map(Number);
const threads = Number(arg('--threads', '0'));
const log = (...a) => { if (!json) console.log(...a); };
if (threads > 0) engine.setThreads(threads);

function rand(n, seed) {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s / 2 ** 32; }
  return out;
}
const SQ = Float64Array.of(0, 0, 1, 0, 1, 1, 0, 1);
const opts = { tol: 1e-6, maxIter: 50, cgTol: 1e-2 };

function runBackend(be, n) {
  const sites = rand(2 * n, 12345 + n);
  const masses = new Float64Array(n).fill(1 / n);
  const t0 = performance.now();
  const r = be.sdot.newton(sites, n, masses, null, SQ, 4, null, 0, 0, null, opts);
  const seconds = (performance.now() - t0) / 1000;
  let dBest = Infinity;
  for (let k = 0; k < (n > 50000 || be.name === 'js' ? 1 : 3); k++) {
    const t1 = performance.now();
    be.sdot.diagram(sites, n, r.weights, SQ, 4, null, 0, 0, null, true);
    dBest = Math.min(dBest, (performance.now() - t1) / 1000);
  }
  return {
    n, seconds, iterations: r.iterations, cgIterations: r.cgIterations, maxRelMassError: r.maxRelMassError,
    converged: r.converged, diagramSeconds: dBest, cellsPerSecond: n / dBest,
  };
}

const native = loadNative().backend;
const results = { backend: engine.backend, threads: engine.threads, tol: opts.tol, native: [], js: [] };
for (const n of sizes) {
  if (!native) break;
  const c = runBackend(native, n);
  results.native.push(c);
  log(`native N=${n}: ${c.seconds.toFixed(2)} s to ${opts.tol} (${c.iterations} Newton steps, ${c.cgIterations} CG iterations, ` +
    `err ${c.maxRelMassError.toExponential(2)}); one diagram ${(c.diagramSeconds * 1e3).toFixed(0)} ms = ${(c.cellsPerSecond / 1e6).toFixed(2)} M cells/s`);
}
for (const n of jsSizes) {
  const c = runBackend(jsBackend, n);
  results.js.push(c);
  const nat = results.native.find((x) => x.n === n);
  log(`js     N=${n}: ${c.seconds.toFixed(2)} s (${c.iterations} Newton steps); one diagram ${(c.diagramSeconds * 1e3).toFixed(0)} ms = ` +
    `${(c.cellsPerSecond / 1e6).toFixed(3)} M cells/s${nat ? `; native speed-up ${(c.seconds / nat.seconds).toFixed(1)}x (solve), ${(c.diagramSeconds / nat.diagramSeconds).toFixed(1)}x (diagram)` : ''}`);
}

if (json) {
  console.log(JSON.stringify(results));
} else {
  const n = 1000;
  const sites = { data: rand(2 * n, 7), rows: n, cols: 2 };
  const w = semiDiscreteOT(sites, { tol: 1e-9 }).weights;
  await b.suite(
    `sdot N=${n} (${engine.backend}, ${engine.threads} threads)`,
    b.add('powerDiagram at the optimal weights', () => { powerDiagram(sites, w); }),
    b.add('semiDiscreteOT to 1e-9 from the Voronoi diagram', () => { semiDiscreteOT(sites, { tol: 1e-9 }); }),
    b.cycle(),
    b.complete(),
  );
}
