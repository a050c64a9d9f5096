/**
 * Particle engine ops (issue 5), shared by the native addon (native/addon/particles_binding.cc)
 * and the js twin (src/backend/js/particles.ts). Field descriptors (type code, float64 params,
 * arrays in the state's dtype) follow the layout documented in native/include/advect/particles.h;
 * src/particles/fields.ts builds them after validation.
 */
import type { FloatArray } from '../types.js';
import type { JobHandle } from './types.js';

export const FIELD_CODES = {
  attention: 0,
  mmd: 1,
  langevin: 2,
  'mean-field-mlp': 3,
  'flow-matching': 4,
  diffusion: 5,
  'sinkhorn-divergence': 6,
  'coupled-flow-matching': 7,
} as const;

export const INTEGRATOR_CODES = { euler: 0, heun: 1, rk4: 2, 'euler-maruyama': 3 } as const;
export type IntegratorName = keyof typeof INTEGRATOR_CODES;

/** Number of recorded states: steps 0, k, 2k, … plus the last step when not a multiple of k. */
export function recordCount(steps: number, record: number): number {
  const k = record === 0 ? (steps === 0 ? 1 : steps) : record;
  return Math.floor(steps / k) + 1 + (steps % k ? 1 : 0);
}

export interface ParticlesOps {
  /** traj: records×n×d (x0's dtype); times, energy: records (float64; energy NaN when none). */
  simulate(
    x0: FloatArray, n: number, d: number, weights: FloatArray | null, type: number, params: Float64Array,
    arrays: FloatArray[], integrator: number, dt: number, steps: number, t0: number, record: number, seed: number,
    traj: FloatArray, times: Float64Array, energy: Float64Array | null,
  ): void;
  /** Same, off the main thread; progress arrives as [step, steps, t, 0]. */
  simulateAsync(
    x0: FloatArray, n: number, d: number, weights: FloatArray | null, type: number, params: Float64Array,
    arrays: FloatArray[], integrator: number, dt: number, steps: number, t0: number, record: number, seed: number,
    traj: FloatArray, times: Float64Array, energy: Float64Array | null, onProgress?: (raw: number[]) => void,
  ): JobHandle<void>;
  fieldVelocity(
    x: FloatArray, n: number, d: number, weights: FloatArray | null, type: number, params: Float64Array,
    arrays: FloatArray[], t: number, out: FloatArray,
  ): void;
  /** NaN for fields without an energy. */
  fieldEnergy(
    x: FloatArray, n: number, d: number, weights: FloatArray | null, type: number, params: Float64Array,
    arrays: FloatArray[], t: number,
  ): number;
  /** The engine's noise: normals 0..count-1 of `step` for `seed` (Philox4x32-10 + Box–Muller). */
  philoxNormals(seed: number, step: number, count: number): Float64Array;
}
