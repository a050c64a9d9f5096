/**
 * `advect flow --config cfg.json --out final.npy [--trajectory traj.npy] [--json]`: particle
 * simulation from a JSON config (paths inside it are relative to the config file).
 *
 * Config keys: x0 (.npy path, n×d), field ({ type, ...parameters }), integrator, dt, steps, and
 * optionally t0, record, seed, dtype, weights (.npy path or array). Inside `field`, any string
 * ending in .npy is loaded (2-D arrays as matrices, 1-D as vectors); numbers and nested arrays
 * are used as given. Examples:
 *   { "type": "attention", "Q": [[…]], "K": [[…]], "V": [[…]], "sphere": false }
 *   { "type": "langevin", "potential": { "type": "quadratic", "A": [[…]] }, "temperature": 1 }
 *   { "type": "mmd", "kernel": "energy", "p": 1, "target": "y.npy" }
 *   { "type": "flow-matching", "target": "y.npy", "weights": "w.npy", "schedule": "linear" }
 * With --json the last line is { steps, times, seconds, energy?, n, d, records, field, integrator,
 * backend }; seconds is the simulation time only.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { engine } from '../../engine.js';
import { writeNpy } from '../../io/npy.js';
import { simulateAsync, type SimulateOptions } from '../../particles/simulate.js';
import type { DType, FloatArray } from '../../types.js';
import { castTo } from '../../validate.js';
import { loadNpy, parseFlags, printJson, progressBar, requireStr, str, UsageError } from '../args.js';
import type { Command } from './index.js';

function loadArray(path: string, base: string, dtype: DType | undefined, what: string): unknown {
  const { data, shape } = loadNpy(resolve(base, path));
  const d = dtype ? castTo(data, dtype) : data;
  if (shape.length === 2) return { data: d, rows: shape[0], cols: shape[1] };
  if (shape.length === 1) return d;
  throw new UsageError(`${what} expects a 1-D or 2-D array, got shape [${shape.join(', ')}] from ${path}`);
}

/** Replaces .npy path strings by arrays, recursively (in the state's dtype). */
function resolveArrays(v: unknown, base: string, dtype: DType | undefined, what: string): unknown {
  if (typeof v === 'string' && v.toLowerCase().endsWith('.npy')) return loadArray(v, base, dtype, what);
  if (Array.isArray(v)) return v;
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = resolveArrays(x, base, dtype, `${what}.${k}`);
    return out;
  }
  return v;
}

export const flow: Command = {
  summary: 'particle flows (attention, MMD, Langevin, mean-field, flow matching, diffusion) from a JSON config',
  usage: 'advect flow --config cfg.json --out final.npy [--trajectory traj.npy] [--json]',
  async run(argv) {
    const flags = parseFlags(argv, {
      config: { type: 'string' }, out: { type: 'string' }, trajectory: { type: 'string' }, json: { type: 'boolean' },
    });
    const cfgPath = requireStr(flags, 'config');
    const outPath = requireStr(flags, 'out');
    const trajPath = str(flags, 'trajectory');
    let cfg: Record<string, unknown>;
    try {
      cfg = JSON.parse(readFileSync(cfgPath, 'utf8'));
    } catch (err) {
      throw new UsageError(`cannot read the config ${cfgPath}: ${(err as Error).message}`);
    }
    if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) throw new UsageError('the config must be a JSON object');
    const base = dirname(resolve(cfgPath));
    const dtype = cfg.dtype as DType | undefined;
    if (dtype !== undefined && dtype !== 'float32' && dtype !== 'float64') {
      throw new UsageError(`config.dtype expects float32 or float64, got ${JSON.stringify(dtype)}`);
    }
    if (typeof cfg.x0 !== 'string') throw new UsageError('config.x0 must be the path of an n×d .npy file');
    const x0 = loadArray(cfg.x0, base, dtype, 'config.x0') as { data: FloatArray; rows: number; cols: number };
    if (!('rows' in (x0 as object))) throw new UsageError('config.x0 must be a 2-D array (n×d)');
    const stateDtype: DType = dtype ?? (x0.data instanceof Float32Array ? 'float32' : 'float64');
    const field = resolveArrays(cfg.field, base, stateDtype, 'config.field');
    const weights = typeof cfg.weights === 'string' ? loadArray(cfg.weights, base, stateDtype, 'config.weights') : cfg.weights;
    for (const key of Object.keys(cfg)) {
      if (!['x0', 'field', 'integrator', 'dt', 'steps', 't0', 'record', 'seed', 'dtype', 'weights'].includes(key)) {
        throw new UsageError(`unknown config key ${JSON.stringify(key)}`);
      }
    }
    const opts = {
      x0, field, integrator: cfg.integrator, dt: cfg.dt, steps: cfg.steps, t0: cfg.t0, record: cfg.record, seed: cfg.seed,
      weights,
    } as SimulateOptions;
    const bar = progressBar('flow');
    const t0 = performance.now();
    const res = await simulateAsync(opts, { onProgress: (p) => bar.update(p.step / Math.max(p.steps, 1), `step ${p.step}/${p.steps}`) });
    const seconds = (performance.now() - t0) / 1000;
    bar.done();
    writeNpy(outPath, res.x.data, [res.x.rows, res.x.cols]);
    if (trajPath) writeNpy(trajPath, res.trajectory.data, [res.trajectory.records, res.trajectory.rows, res.trajectory.cols]);
    const summary: Record<string, unknown> = {
      steps: res.steps, times: Array.from(res.times), seconds, n: res.x.rows, d: res.x.cols, records: res.trajectory.records,
      field: (cfg.field as { type?: unknown } | undefined)?.type, integrator: opts.integrator ?? 'default', backend: engine.backend,
    };
    if (res.energy) summary.energy = Array.from(res.energy);
    if (flags.json) printJson(summary);
    else {
      console.log(`flow ${summary.field}: ${res.steps} steps of ${res.x.rows}×${res.x.cols} particles in ${seconds.toFixed(3)} s (${engine.backend})`);
      if (res.energy) console.log(`  energy ${res.energy[0].toPrecision(6)} → ${res.energy[res.energy.length - 1].toPrecision(6)}`);
      console.log(`  wrote ${outPath}${trajPath ? ` and ${trajPath} (${res.trajectory.records}×${res.x.rows}×${res.x.cols})` : ''}`);
    }
    return 0;
  },
};
