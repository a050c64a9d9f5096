/**
 * js twin of native/src/particles.cc: the same time loop (euler, heun, rk4, euler–maruyama),
 * recording rule, energies and Philox noise. One generator serves the sync and async forms.
 */
import { AdvectError } from '../../errors.js';
import { drainSync, generatorJob } from '../../jobs.js';
import type { FloatArray } from '../../types.js';
import { recordCount, type ParticlesOps } from '../particles.js';
import type { JobHandle } from '../types.js';
import {
  diffusionCoef, fieldEnergy, fieldHasEnergy, fieldVelocity, isStochastic, postStep, type FieldDesc,
} from './particles-fields.js';
import { fillNoise, philoxNormals } from './particles-rng.js';

function bad(msg: string): TypeError {
  return new TypeError(msg);
}

const COUNTS = [[0, 1], [0, 6], [0, 3], [0, 1, 2, 3], [0, 1, 2], [0, 4], [2, 3], [1]];

/** Mirrors the binding's argument checks (native/addon/particles_binding.cc). */
function checkArgs(x: FloatArray, n: number, d: number, w: FloatArray | null, f: FieldDesc): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`Expected at least one particle for n but received ${n}`);
  if (x.length !== n * d) throw new RangeError(`Expected length ${n * d} for x but received ${x.length}`);
  if (w && (w.length !== n || w.constructor !== x.constructor)) throw new TypeError('Expected weights of length n in the dtype of x for weights');
  if (!(f.params instanceof Float64Array)) throw new TypeError('Expected a Float64Array for params');
  for (const v of f.params) if (!Number.isFinite(v)) throw new RangeError('Expected finite parameters for params');
  if (f.arrays.length > 16) throw new RangeError('Expected at most 16 arrays for arrays');
  for (const a of f.arrays) if (a.constructor !== x.constructor) throw new TypeError('Expected arrays of the same dtype as x for arrays[k]');
}

/** Mirrors check_field in native/src/particles_fields.cc. */
export function checkField(f: FieldDesc, n: number, d: number): void {
  const p = f.params, A = f.arrays;
  const len = (i: number, L: number) => A[i] !== undefined && A[i].length === L;
  if (d === 0) throw bad('Expected d >= 1 for particles but received 0');
  if (!(f.type >= 0 && f.type <= 7 && Number.isInteger(f.type))) throw new RangeError(`Expected a field type code from 0 to 7 for type but received ${f.type}`);
  for (const c of COUNTS[f.type]) {
    if (c >= p.length) throw bad('Expected more parameters for field');
    const v = p[c];
    if (!(v >= 0) || !Number.isInteger(v) || v * d > 9e15 || v * v * d > 9e15) throw bad('Expected non-negative integer counts and codes in the field parameters');
  }
  switch (f.type) {
    case 0: {
      const H = p[0], r = p[1];
      if (p.length < 4 || A.length !== 3 || !(H > 0) || !(r > 0) || !len(0, H * r * d) || !len(1, H * r * d) || !len(2, H * d * d))
        throw bad('Expected Q, K of length heads·r·d and V of length heads·d·d for field');
      return;
    }
    case 1: {
      const m = p[6];
      if (p.length < 7) throw bad('Expected mmd parameters for field');
      if (m === 0) { if (A.length) throw bad('Expected no target arrays for field'); return; }
      if (A.length !== 2 || !len(0, m * d) || !len(1, m)) throw bad('Expected target y (m·d) and b (m) for field');
      return;
    }
    case 2: {
      if (p.length < 4) throw bad('Expected langevin parameters for field');
      if (p[0] === 0) { if (!(A.length === 2 && len(0, d * d) && len(1, d))) throw bad('Expected A (d·d) and c (d) for field'); return; }
      if (p[0] === 1) return;
      const K = p[3];
      if (!(A.length === 3 && K > 0 && len(0, K * d) && len(1, K) && len(2, K))) throw bad('Expected mu, logw, s2 for field');
      return;
    }
    case 3: {
      const N = p[1], din = p[2], dout = p[3];
      if (p.length < 4 || A.length !== 2 || din + dout !== d || !(N > 0) || !len(0, N * din) || !len(1, N * dout))
        throw bad('Expected U (N·din), Y (N·dout) with d = din + dout for field');
      return;
    }
    case 4: {
      if (p.length < 3) throw bad('Expected flow-matching parameters for field');
      if (p[0] === 2) {
        if (!(A.length === 4 && len(0, d) && len(1, d * d) && len(2, d) && len(3, d * d))) throw bad('Expected m0, S0, m1, S1 for field');
        return;
      }
      const K = p[2];
      if (!(A.length === 3 && K > 0 && len(0, K * d) && len(1, K) && len(2, K))) throw bad('Expected mu, logw, s2 for field');
      return;
    }
    case 5: {
      const K = p[4];
      if (p.length < 5 || !(p[1] > 0)) throw bad('Expected diffusion parameters for field');
      if (!(A.length === 3 && K > 0 && len(0, K * d) && len(1, K) && len(2, K))) throw bad('Expected mu, logw, s2 for field');
      return;
    }
    case 6: {
      const m = p[3];
      if (p.length < 4 || !(p[0] > 0) || !(p[1] >= 0)) throw bad('Expected sinkhorn-divergence parameters for field');
      if (!(A.length === 2 && m > 0 && len(0, m * d) && len(1, m))) throw bad('Expected target y (m·d) and b (m) for field');
      return;
    }
    case 7: {
      const K = p[1];
      if (p.length < 2 || !(p[0] > 0)) throw bad('Expected coupled flow-matching parameters for field');
      if (!(A.length === 2 && K > 0 && len(0, K * d) && len(1, K * d))) throw bad('Expected x0, x1 (K·d) for field');
      return;
    }
  }
  throw new RangeError(`Expected a field type code from 0 to 7 for type but received ${f.type}`);
}

const like = (a: FloatArray, n: number): FloatArray => (a instanceof Float32Array ? new Float32Array(n) : new Float64Array(n));

function velocity(f: FieldDesc, t: number, x: FloatArray, n: number, d: number, w: FloatArray | null, out: FloatArray): void {
  const err = fieldVelocity(f, t, x, n, d, w, out);
  if (err) throw new AdvectError('ADVECT_NUMERIC', err);
}

function* simulateGen(
  x0: FloatArray, n: number, d: number, w: FloatArray | null, f: FieldDesc, integrator: number, dt: number,
  steps: number, t0: number, record: number, seed: number, traj: FloatArray, times: Float64Array,
  energy: Float64Array | null,
): Generator<number[], void, void> {
  checkArgs(x0, n, d, w, f);
  checkField(f, n, d);
  const stoch = isStochastic(f);
  if (!Number.isInteger(integrator) || integrator < 0 || integrator > 3) throw new RangeError(`Expected an integrator code from 0 to 3 for integrator but received ${integrator}`);
  if (!Number.isFinite(dt) || !Number.isFinite(t0)) throw new RangeError('Expected finite dt and t0');
  if (!Number.isInteger(steps) || steps < 0 || !Number.isInteger(record) || record < 0) throw new RangeError('Expected non-negative integers for steps and record');
  if (stoch && integrator !== 3)
    throw bad("Expected integrator 'euler-maruyama' for a stochastic field but received another integrator");
  const len = n * d;
  const R = recordCount(steps, record);
  if (traj.length !== R * len || traj.constructor !== x0.constructor) throw new RangeError(`Expected length ${R * len} for traj but received ${traj.length}`);
  if (times.length !== R || (energy && energy.length !== R)) throw new RangeError(`Expected length ${R} for times and energy`);
  const k = record === 0 ? (steps === 0 ? 1 : steps) : record;
  const hasEnergy = energy !== null && fieldHasEnergy(f);
  const x = like(x0, len);
  x.set(x0);
  const k1 = like(x0, len);
  const k2 = like(x0, len), k3 = like(x0, len), k4 = like(x0, len), tmp = like(x0, len);
  const noise = integrator === 3 && stoch ? new Float64Array(len) : null;
  let rec = 0;
  const doRecord = (t: number) => {
    for (let e = 0; e < len; e++) {
      if (!Number.isFinite(x[e])) throw new AdvectError('ADVECT_NUMERIC', 'The particle state became non-finite (NaN or Inf); reduce dt');
    }
    traj.set(x, rec * len);
    times[rec] = t;
    if (energy) energy[rec] = hasEnergy ? fieldEnergy(f, t, x, n, d, w) : NaN;
    rec++;
  };
  doRecord(t0);
  for (let s = 0; s < steps; s++) {
    const t = t0 + s * dt;
    if (integrator === 0 || integrator === 3) {
      velocity(f, t, x, n, d, w, k1);
      if (noise) {
        fillNoise(seed, s, len, noise);
        const g = diffusionCoef(f, t) * Math.sqrt(dt);
        for (let e = 0; e < len; e++) x[e] = x[e] + dt * k1[e] + g * noise[e];
      } else {
        for (let e = 0; e < len; e++) x[e] = x[e] + dt * k1[e];
      }
    } else if (integrator === 1) {
      velocity(f, t, x, n, d, w, k1);
      for (let e = 0; e < len; e++) tmp[e] = x[e] + dt * k1[e];
      velocity(f, t + dt, tmp, n, d, w, k2);
      const h = dt / 2;
      for (let e = 0; e < len; e++) x[e] = x[e] + h * (k1[e] + k2[e]);
    } else {
      const h = dt / 2;
      velocity(f, t, x, n, d, w, k1);
      for (let e = 0; e < len; e++) tmp[e] = x[e] + h * k1[e];
      velocity(f, t + dt / 2, tmp, n, d, w, k2);
      for (let e = 0; e < len; e++) tmp[e] = x[e] + h * k2[e];
      velocity(f, t + dt / 2, tmp, n, d, w, k3);
      for (let e = 0; e < len; e++) tmp[e] = x[e] + dt * k3[e];
      velocity(f, t + dt, tmp, n, d, w, k4);
      const s6 = dt / 6;
      for (let e = 0; e < len; e++) x[e] = x[e] + s6 * (k1[e] + 2 * k2[e] + 2 * k3[e] + k4[e]);
    }
    postStep(f, x, n, d);
    if ((s + 1) % k === 0 || s + 1 === steps) doRecord(t0 + (s + 1) * dt);
    yield [s + 1, steps, t0 + (s + 1) * dt, 0];
  }
}

const desc = (type: number, params: Float64Array, arrays: FloatArray[]): FieldDesc => ({ type, params, arrays });

export const jsParticles: ParticlesOps = {
  simulate(x0, n, d, w, type, params, arrays, integ, dt, steps, t0, record, seed, traj, times, energy) {
    drainSync(simulateGen(x0, n, d, w, desc(type, params, arrays), integ, dt, steps, t0, record, seed, traj, times, energy));
  },
  simulateAsync(x0, n, d, w, type, params, arrays, integ, dt, steps, t0, record, seed, traj, times, energy, onProgress): JobHandle<void> {
    const gen = simulateGen(x0, n, d, w, desc(type, params, arrays), integ, dt, steps, t0, record, seed, traj, times, energy);
    return generatorJob(gen, onProgress, 'The simulation');
  },
  fieldVelocity(x, n, d, w, type, params, arrays, t, out) {
    const f = desc(type, params, arrays);
    checkArgs(x, n, d, w, f);
    if (out.length !== n * d || out.constructor !== x.constructor) throw new RangeError(`Expected length ${n * d} for out`);
    checkField(f, n, d);
    velocity(f, t, x, n, d, w, out);
  },
  fieldEnergy(x, n, d, w, type, params, arrays, t) {
    const f = desc(type, params, arrays);
    checkArgs(x, n, d, w, f);
    checkField(f, n, d);
    return fieldEnergy(f, t, x, n, d, w);
  },
  philoxNormals,
};
