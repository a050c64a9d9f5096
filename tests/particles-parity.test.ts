/**
 * Particle engine: native ↔ js parity (fields, whole simulations, noise path), thread
 * determinism, and the Philox stream. Under ADVECT_BACKEND=js both sides are the js twin, so the
 * comparisons still run (and pass trivially only for the backend-equality part).
 */
import { describe, expect, it } from 'vitest';
import { backend, jsBackend } from '../src/backend/index.js';
import { engine } from '../src/engine.js';
import { compileField, type FieldOptions } from '../src/particles/fields.js';
import { simulate } from '../src/particles/index.js';
import { maxRelDiff, normal } from './helpers/random.js';
import { philox4x32 } from '../src/backend/js/particles-rng.js';
import type { FloatArray } from '../src/types.js';

const nat = backend().particles;
const js = jsBackend.particles;

function cloud(n: number, d: number, seed: number, s = 1, dtype: 'float64' | 'float32' = 'float64'): FloatArray {
  const a = normal(seed, n * d);
  for (let i = 0; i < a.length; i++) a[i] *= s;
  return dtype === 'float32' ? Float32Array.from(a) : Float64Array.from(a);
}
const mat = (r: number, c: number, seed: number, s = 1) => {
  const a = normal(seed, r * c);
  return Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => s * a[i * c + j]));
};

const d = 3;
const fields: Array<[string, FieldOptions, number]> = [
  ['attention', { type: 'attention', Q: mat(2, d, 1, 0.5), K: mat(2, d, 2, 0.5), V: mat(d, d, 3, 0.3), beta: 1.3 }, 0],
  ['attention multi-head sphere', { type: 'attention', Q: [mat(2, d, 4), mat(2, d, 5)], K: [mat(2, d, 6), mat(2, d, 7)], V: [mat(d, d, 8), mat(d, d, 9)], sphere: true, beta: 2 }, 0],
  ['mmd gaussian target', { type: 'mmd', kernel: 'gaussian', sigma: 0.8, target: mat(17, d, 10) }, 0],
  ['mmd energy', { type: 'mmd', kernel: 'energy', p: 1, target: mat(9, d, 11), targetWeights: Array.from({ length: 9 }, (_, i) => i + 1) }, 0],
  ['mmd energy p=1.5', { type: 'mmd', kernel: 'energy', p: 1.5, target: mat(9, d, 11) }, 0],
  ['mmd laplacian', { type: 'mmd', kernel: 'laplacian', sigma: 1.2, target: mat(5, d, 12) }, 0],
  ['mmd riesz confinement', { type: 'mmd', kernel: 'riesz', s: 1, smoothing: 0.01, confinement: 1 }, 0],
  ['mmd coulomb log', { type: 'mmd', kernel: 'riesz', s: 0, smoothing: 0.01, confinement: 0.5 }, 0],
  ['langevin quadratic', { type: 'langevin', potential: { type: 'quadratic', A: [[2, 0.3, 0], [0.3, 1, 0], [0, 0, 0.5]], center: [1, 0, -1] }, temperature: 0 }, 0],
  ['langevin double-well', { type: 'langevin', potential: { type: 'double-well', a: 0.5 }, temperature: 0 }, 0],
  ['langevin gmm', { type: 'langevin', potential: { type: 'gmm', means: mat(3, d, 13, 2), sigma: [0.5, 1, 0.7], weights: [1, 2, 3] }, temperature: 0 }, 0],
  ['mean-field relu', { type: 'mean-field-mlp', data: mat(20, 2, 14), labels: mat(20, 1, 15).map((r) => r[0]) }, 0],
  ['mean-field linear 2 outputs', { type: 'mean-field-mlp', activation: 'linear', data: mat(20, 1, 16), labels: mat(20, 2, 17) }, 0],
  ['flow-matching atoms', { type: 'flow-matching', target: mat(6, d, 18, 2), weights: [1, 2, 3, 1, 1, 1] }, 0.3],
  ['flow-matching gmm cosine', { type: 'flow-matching', gmm: { means: mat(3, d, 19, 2), sigma: 0.3 }, schedule: 'cosine' }, 0.4],
  ['flow-matching gaussian', { type: 'flow-matching', gaussian: { cov0: [[1, 0.2, 0], [0.2, 1, 0], [0, 0, 2]], cov1: [[2, 0, 0.5], [0, 1, 0], [0.5, 0, 1]], mean1: [1, 2, 3] } }, 0.5],
  ['diffusion ode ou', { type: 'diffusion', gmm: { means: mat(3, d, 20, 2), sigma: 0.4 }, horizon: 3 }, 1],
  ['diffusion ode vp atoms', { type: 'diffusion', target: mat(4, d, 21, 2), schedule: 'vp', horizon: 1 }, 0.5],
  ['coupled flow matching', { type: 'coupled-flow-matching', x0: mat(7, d, 23), x1: mat(7, d, 24, 2), sigma: 0.3 }, 0.4],
  ['sinkhorn divergence', { type: 'sinkhorn-divergence', target: mat(11, d, 22), reg: 0.5, tol: 1e-10, maxIter: 300 }, 0],
];

describe('particles: field parity native ↔ js', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    for (const [name, field, t] of fields) {
      it(`${name} (${dtype})`, () => {
        // d for the mean-field fields is din + dout.
        const dd = field.type === 'mean-field-mlp' ? 3 : d;
        const n = 23;
        const x = cloud(n, dd, 99, 1, dtype);
        const f = compileField(field, dd, dtype);
        const w = dtype === 'float32' ? Float32Array.from({ length: n }, (_, i) => 1 + (i % 3)) : Float64Array.from({ length: n }, (_, i) => 1 + (i % 3));
        const a = dtype === 'float32' ? new Float32Array(n * dd) : new Float64Array(n * dd);
        const b = a.slice();
        nat.fieldVelocity(x, n, dd, w, f.type, f.params, f.arrays, t, a);
        js.fieldVelocity(x, n, dd, w, f.type, f.params, f.arrays, t, b);
        // float64: kernel exp/pow ~1e-15 plus summation order; float32: tile sums in float.
        // (x_i·S0 − S cancels: float32 loses ~3 digits on the mmd fields.)
        const tol = dtype === 'float64' ? 1e-11 : 2e-3;
        let scale = 0;
        for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
        for (let i = 0; i < b.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol * (scale + 1));
        const ea = nat.fieldEnergy(x, n, dd, w, f.type, f.params, f.arrays, t);
        const eb = js.fieldEnergy(x, n, dd, w, f.type, f.params, f.arrays, t);
        if (f.hasEnergy) expect(Math.abs(ea - eb)).toBeLessThanOrEqual(tol * (Math.abs(eb) + 1));
        else expect(Number.isNaN(ea) && Number.isNaN(eb)).toBe(true);
      });
    }
  }
});

describe('particles: simulation parity and noise', () => {
  it('Philox4x32-10 matches the Random123 known-answer vectors', () => {
    const kat: Array<[number[], number[], number[]]> = [
      [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
      [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
      [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
    ];
    for (const [ctr, key, out] of kat) {
      const c = Uint32Array.from(ctr);
      philox4x32(c, key[0], key[1]);
      expect(Array.from(c)).toEqual(out);
    }
  });

  it('Philox normals agree between backends and look standard normal', () => {
    for (const [seed, step] of [[0, 0], [42, 7], [2 ** 40 + 5, 123456789]]) {
      const a = nat.philoxNormals(seed, step, 4001), b = js.philoxNormals(seed, step, 4001);
      // Only Math.log/cos/sin vs glibc may differ, by an ulp.
      expect(maxRelDiff(a, b)).toBeLessThan(1e-13);
    }
    const z = js.philoxNormals(7, 3, 200000);
    let m = 0, v = 0;
    for (const x of z) { m += x; v += x * x; }
    m /= z.length; v = v / z.length - m * m;
    // Monte Carlo: sd of the mean 1/sqrt(2e5) ≈ 0.0022; of the variance ≈ 0.0032.
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(v - 1)).toBeLessThan(0.015);
    expect(maxRelDiff(js.philoxNormals(7, 3, 10), js.philoxNormals(7, 4, 10))).toBeGreaterThan(0.1);
  });

  for (const dtype of ['float64', 'float32'] as const) {
    it(`Langevin Euler–Maruyama: same noise path in both backends (${dtype})`, () => {
      const n = 40, dd = 2;
      const x0 = cloud(n, dd, 5, 1, dtype);
      const field: FieldOptions = { type: 'langevin', potential: { type: 'double-well' }, temperature: 0.5 };
      const f = compileField(field, dd, dtype);
      const run = (ops: typeof nat) => {
        const steps = 50, R = 6;
        const traj = dtype === 'float32' ? new Float32Array(R * n * dd) : new Float64Array(R * n * dd);
        const times = new Float64Array(R), energy = new Float64Array(R);
        ops.simulate(x0, n, dd, null, f.type, f.params, f.arrays, 3, 0.01, steps, 0, 10, 1234, traj, times, energy);
        return { traj, times, energy };
      };
      const a = run(nat), b = run(js);
      const tol = dtype === 'float64' ? 1e-10 : 1e-4;
      expect(maxRelDiff(a.traj, b.traj)).toBeLessThan(tol);
      expect(maxRelDiff(a.energy, b.energy)).toBeLessThan(tol);
      expect(Array.from(a.times)).toEqual(Array.from(b.times));
      expect(Array.from(a.times)).toEqual([0, 10, 20, 30, 40, 50].map((s) => s * 0.01));
    });
  }

  for (const integrator of ['euler', 'heun', 'rk4'] as const) {
    it(`whole simulation parity, ${integrator}, attention + mmd + flow matching`, () => {
      for (const [, field, t0] of [fields[0], fields[3], fields[13]]) {
        const n = 20;
        const x0 = cloud(n, d, 8);
        const f = compileField(field, d, 'float64');
        const run = (ops: typeof nat) => {
          const traj = new Float64Array(3 * n * d), times = new Float64Array(3), energy = new Float64Array(3);
          ops.simulate(x0, n, d, null, f.type, f.params, f.arrays, { euler: 0, heun: 1, rk4: 2 }[integrator], 0.02, 20, t0, 10, 0, traj, times, energy);
          return traj;
        };
        expect(maxRelDiff(run(nat), run(js))).toBeLessThan(1e-10);
      }
    });
  }

  it('native results are bitwise identical for 1 and 2 threads (attention, mmd, diffusion, langevin SDE)', () => {
    // Sizes large enough for several parallel chunks (grains target ~2^21 flops per chunk).
    const n = 1500;
    const x0 = cloud(n, d, 31);
    const big = cloud(40000, d, 32);
    const cases: Array<[FieldOptions, FloatArray, number]> = [
      [fields[0][1], x0, n], [fields[2][1], x0, n], [fields[16][1], big, 40000],
      [{ type: 'langevin', potential: { type: 'double-well' }, temperature: 1 }, big, 40000],
    ];
    for (const [field, xs, nn] of cases) {
      const run = () => simulate({ x0: { data: xs, rows: nn, cols: d }, field, dt: 0.01, steps: 5, seed: 3, t0: field.type === 'diffusion' ? 1 : 0 }).x.data;
      const prev = engine.threads;
      engine.setThreads(1);
      const a = run();
      engine.setThreads(2);
      const b = run();
      engine.setThreads(prev);
      expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    }
  });
});
