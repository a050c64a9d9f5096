/**
 * The Sinkhorn kernels (fused sweep, kernel build, plan statistics) at each SIMD level, each in
 * its own process (ADVECT_SIMD is read once at load): every level must report itself and agree
 * with the js twin on the same problem. Tolerances: float64 1e-10 relative (same recurrence,
 * ~1 ulp exp and different summation orders), float32 1e-4.
 * Speed ratios between levels are measured in bench/, not here.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsBackend, nativeBackend } from './helpers/native.js';
import { uniform } from './helpers/random.js';

const ROOT = join(__dirname, '..');
const LEVELS = ['scalar', 'avx2', 'avx512'];
const detected = nativeBackend.info().simdDetected;
const runnable = LEVELS.slice(0, LEVELS.indexOf(detected) + 1);

const CHILD = `
const addon = require('node-gyp-build')(process.argv[1]);
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = { simd: addon.info().simd };
for (const T of [Float64Array, Float32Array]) {
  const n = input.n, m = input.m, C = T.from(input.C), a = T.from(input.a), b = T.from(input.b);
  const res = {};
  for (const method of [1, 2, 3]) {
    const f = new T(n), g = new T(m), plan = new T(n * m);
    const info = addon.sinkhorn.dense(C, n, m, a, b, { method, reg: 0.03, maxIter: 200, tol: 1e-9, checkEvery: 10, strict: true }, f, g, plan);
    res[method] = { cost: info.cost, iterations: info.iterations, plan: Array.from(plan) };
  }
  const x = T.from(input.x), y = T.from(input.y), f = new T(n), g = new T(m);
  const on = addon.sinkhorn.online(x, n, y, m, 2, 0, 2, a, b, { method: 4, reg: 0.03, maxIter: 200 }, f, g);
  res.online = { cost: on.cost, iterations: on.iterations };
  out[T.name] = res;
}
process.stdout.write(JSON.stringify(out));
`;

describe('Sinkhorn kernels at each SIMD level', () => {
  const n = 37, m = 53;
  const x = uniform(5, n * 2), y = uniform(6, m * 2);
  const C = new Float64Array(n * m);
  jsBackend.core.dist(x, n, y, m, 2, 0, 2, C);
  const a = new Float64Array(n).fill(1 / n), b = new Float64Array(m).fill(1 / m);
  const ref: Record<string, { cost: number; plan: Float64Array }> = {};
  for (const method of [1, 2, 3]) {
    const plan = new Float64Array(n * m);
    const o = { method, reg: 0.03, maxIter: 200, tol: 1e-9, checkEvery: 10, strict: true, norm: 2 as const, tau: 1e3, eps0: 0, epsDecay: 0.5, stageIter: 10, warm: false, budget: 0 };
    const info = jsBackend.sinkhorn.dense(C, n, m, a, b, o, new Float64Array(n), new Float64Array(m), plan);
    ref[method] = { cost: info.cost, plan };
  }

  it('runs at least two levels on this CPU', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(2);
  });

  for (const level of runnable) {
    it(`ADVECT_SIMD=${level}`, () => {
      const env = { ...process.env, ADVECT_SIMD: level };
      delete env.ADVECT_BACKEND;
      const stdout = execFileSync(process.execPath, ['-e', CHILD, ROOT], {
        env, input: JSON.stringify({ n, m, C: Array.from(C), a: Array.from(a), b: Array.from(b), x: Array.from(x), y: Array.from(y) }),
      });
      const out = JSON.parse(stdout.toString());
      expect(out.simd).toBe(level);
      for (const [T, tol] of [['Float64Array', 1e-10], ['Float32Array', 1e-4]] as const) {
        for (const method of ['1', '2', '3']) {
          const r = out[T][method];
          expect(Math.abs(r.cost - ref[method].cost) / ref[method].cost).toBeLessThan(tol);
          let worst = 0, mx = 0;
          for (let k = 0; k < r.plan.length; k++) {
            worst = Math.max(worst, Math.abs(r.plan[k] - ref[method].plan[k]));
            mx = Math.max(mx, ref[method].plan[k]);
          }
          expect(worst / mx).toBeLessThan(tol);
        }
        expect(Math.abs(out[T].online.cost - ref['3'].cost) / ref['3'].cost).toBeLessThan(tol);
      }
    });
  }
});
