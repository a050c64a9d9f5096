/**
 * Particle API contract: recording, dtypes, async abort and progress, errors on bad configs, and
 * the `advect flow` command (paths relative to the config, --json last line, --trajectory).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { AdvectError } from '../src/errors.js';
import { backend } from '../src/backend/index.js';
import { readNpy, writeNpy } from '../src/io/npy.js';
import fc from 'fast-check';
import {
  fieldEnergy, fieldVelocity, otCoupling, sampleConditionalFlow, simulate, simulateAsync, type SimulateOptions,
} from '../src/particles/index.js';
import { isTypedError, materialise, weirdArg } from './helpers/fuzz.js';
import { normal } from './helpers/random.js';

const x0 = { data: normal(1, 40), rows: 20, cols: 2 };
const mmd: SimulateOptions = { x0, field: { type: 'mmd', kernel: 'gaussian', target: { data: normal(2, 30), rows: 15, cols: 2 } }, dt: 0.05, steps: 10 };

describe('simulate: recording and dtypes', () => {
  it('record k keeps steps 0, k, 2k, … plus the last; energies per record; inputs untouched', () => {
    const before = x0.data.slice();
    const r = simulate({ ...mmd, record: 4 });
    expect(r.trajectory.records).toBe(4);
    expect(Array.from(r.times)).toEqual([0, 4, 8, 10].map((s) => s * 0.05));
    expect(r.energy!.length).toBe(4);
    expect(Array.from(r.trajectory.data.subarray(0, 40))).toEqual(Array.from(x0.data));
    expect(Array.from(r.trajectory.data.subarray(3 * 40))).toEqual(Array.from(r.x.data));
    expect(r.energy![3]).toBeCloseTo(fieldEnergy(r.x, mmd.field), 12);
    expect(Array.from(x0.data)).toEqual(Array.from(before));
    const none = simulate({ ...mmd });
    expect(none.trajectory.records).toBe(2);
    expect(Array.from(none.x.data)).toEqual(Array.from(r.x.data));
    const zero = simulate({ ...mmd, steps: 0 });
    expect(zero.trajectory.records).toBe(1);
  });

  it('float32 in, float32 out, close to float64; fields without energy return none', () => {
    const tgt = Array.from({ length: 15 }, (_, j) => [mmd.field.type === 'mmd' ? j / 7 - 1 : 0, Math.sin(j)]);
    const f = { type: 'mmd' as const, kernel: 'gaussian' as const, target: tgt };
    const r32 = simulate({ ...mmd, field: f, x0: { data: Float32Array.from(x0.data), rows: 20, cols: 2 } });
    expect(r32.x.data).toBeInstanceOf(Float32Array);
    const r64 = simulate({ ...mmd, field: f });
    for (let i = 0; i < 40; i++) expect(Math.abs(r32.x.data[i] - r64.x.data[i])).toBeLessThan(1e-4);
    const fm = simulate({ x0, field: { type: 'flow-matching', target: [[1, 1], [-1, 0]] }, dt: 0.01, steps: 5, dtype: 'float32' });
    expect(fm.x.data).toBeInstanceOf(Float32Array);
    expect(fm.energy).toBeUndefined();
  });
});

describe('simulateAsync', () => {
  it('matches the sync result and reports progress once per step (or fewer)', async () => {
    const seen: number[] = [];
    const r = await simulateAsync({ ...mmd, record: 5 }, { onProgress: (p) => seen.push(p.step) });
    const s = simulate({ ...mmd, record: 5 });
    expect(Array.from(r.x.data)).toEqual(Array.from(s.x.data));
    expect(Array.from(r.energy!)).toEqual(Array.from(s.energy!));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[seen.length - 1]).toBe(10);
  });

  it('aborts with the signal reason and keeps the event loop live', async () => {
    const ctl = new AbortController();
    const big: SimulateOptions = { x0: { data: normal(3, 4000), rows: 2000, cols: 2 }, field: { type: 'mmd', kernel: 'energy' }, dt: 1e-3, steps: 100000 };
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const p = simulateAsync(big, { signal: ctl.signal, onProgress: (q) => { if (q.step >= 2) ctl.abort(new Error('stop now')); } });
    await expect(p).rejects.toThrow('stop now');
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    // A field with an inner solver (Sinkhorn) aborts too.
    const ctl2 = new AbortController();
    const sd: SimulateOptions = {
      x0: { data: normal(4, 400), rows: 200, cols: 2 },
      field: { type: 'sinkhorn-divergence', target: { data: normal(5, 400), rows: 200, cols: 2 }, reg: 0.05 }, dt: 0.1, steps: 100000,
    };
    await expect(simulateAsync(sd, { signal: ctl2.signal, onProgress: () => ctl2.abort(new Error('stop sd')) })).rejects.toThrow('stop sd');
    const pre = new AbortController();
    pre.abort(new Error('already'));
    await expect(simulateAsync(mmd, { signal: pre.signal })).rejects.toThrow('already');
  });
});

describe('errors on bad configs', () => {
  it('throws TypeError/RangeError with the message shape', () => {
    expect(() => simulate({ ...mmd, dt: -1 })).toThrow(new RangeError('Expected a positive finite number for dt but received -1'));
    expect(() => simulate({ ...mmd, steps: 1.5 })).toThrow(/Expected a non-negative integer up to \d+ for steps but received 1.5/);
    expect(() => simulate({ ...mmd, integrator: 'rk5' as never })).toThrow(/Expected one of euler, heun, rk4, euler-maruyama for integrator but received "rk5"/);
    expect(() => simulate({ ...mmd, field: { type: 'vortex' } as never })).toThrow(/Expected one of attention, mmd, .* for field.type but received "vortex"/);
    expect(() => simulate({ ...mmd, field: { type: 'mmd', target: [[1, 2, 3]] } })).toThrow('Expected 2 columns (as x0) for field.target but received "3 columns"');
    expect(() => simulate({ ...mmd, field: { type: 'mmd', kernel: 'energy', p: 2 } })).toThrow('Expected 0 < p < 2 for field.p but received 2');
    expect(() => simulate({ ...mmd, field: { type: 'langevin', potential: { type: 'double-well' } }, integrator: 'rk4' }))
      .toThrow(`Expected integrator 'euler-maruyama' for a stochastic field for integrator but received "rk4"`);
    expect(() => simulate({ ...mmd, field: { type: 'flow-matching', target: [[0, 0]] }, dt: 0.1, steps: 10 }))
      .toThrow(/Expected t0 \+ steps·dt < 1 for this flow-matching field/);
    expect(() => simulate({ ...mmd, field: { type: 'flow-matching', target: [[0, 0]], gmm: { means: [[0, 0]], sigma: 1 } } }))
      .toThrow('Expected exactly one of target, gmm, gaussian for field.target/gmm/gaussian but received "target and gmm"');
    expect(() => simulate({ ...mmd, field: { type: 'attention', Q: [[1, 0]], K: [[1, 0, 0]], V: [[1, 0], [0, 1]] } })).toThrow(/field.K\[0\]/);
    expect(() => simulate({ ...mmd, weights: [1, -1] })).toThrow(/Expected length 20 for weights/);
    expect(() => simulate({ ...mmd, x0: { data: new Float32Array(40), rows: 20, cols: 2 }, field: { type: 'mmd', target: { data: new Float64Array(4), rows: 2, cols: 2 } } }))
      .toThrow(TypeError);
    expect(() => simulate({ ...mmd, field: { type: 'mean-field-mlp', data: [[1], [2]], labels: [1] } })).toThrow(/field.labels/);
    expect(() => simulate({ ...mmd, x0: [[NaN, 1]] })).toThrow(RangeError);
  });

  it('raw backend ops reject malformed arguments without crashing', () => {
    const ops = backend().particles;
    const x = new Float64Array(6), out = new Float64Array(6);
    const p = (...v: number[]) => Float64Array.from(v);
    const bad: Array<() => unknown> = [
      () => ops.fieldVelocity(x, 3, 2, null, 99, p(1, 1, 1, 0), [], 0, out),
      () => ops.fieldVelocity(x, 3, 2, null, 0, p(-1, 2, 1, 0), [new Float64Array(4), new Float64Array(4), new Float64Array(4)], 0, out),
      () => ops.fieldVelocity(x, 3, 2, null, 0, p(1e30, 1e30, 1, 0), [new Float64Array(4), new Float64Array(4), new Float64Array(4)], 0, out),
      () => ops.fieldVelocity(x, 3, 2, null, 1, p(0, 1, 1, 1e-8, 1, 0, 5), [new Float64Array(2), new Float64Array(5)], 0, out),
      () => ops.fieldVelocity(x, 3, 2, null, 3, p(0, 2.5, 1, 1), [new Float64Array(2), new Float64Array(2)], 0, out),
      () => ops.fieldVelocity(x, 3, 2, null, 4, p(0, 0), [], 0, out),
      () => ops.fieldVelocity(x, 3, 2, null, 6, p(0.1, 1e-3, 10, 4), [new Float64Array(8)], 0, out),
      () => ops.fieldVelocity(x, 3, 2, null, 7, p(0.1, 2), [new Float64Array(4), new Float32Array(4)], 0, out),
      () => ops.fieldVelocity(x, 4, 2, null, 1, p(0, 1, 1, 1e-8, 1, 0, 0), [], 0, out),
      () => ops.fieldEnergy(x, 3, 2, new Float64Array(2), 1, p(0, 1, 1, 1e-8, 1, 0, 0), [], 0),
      () => ops.simulate(x, 3, 2, null, 1, p(0, 1, 1, 1e-8, 1, 0, 0), [], 0, 0.1, 3, 0, 1, 0, new Float64Array(6), new Float64Array(4), null),
      () => ops.simulate(x, 3, 2, null, 2, p(1, 1, 1, 0), [], 0, 0.1, 3, 0, 0, 0, new Float64Array(12), new Float64Array(2), null),
    ];
    for (const call of bad) expect(call).toThrow();
  });

  it('a diverging run fails with ADVECT_NUMERIC', () => {
    const e = (() => {
      try {
        simulate({ x0: [[2, 0]], field: { type: 'langevin', potential: { type: 'double-well', a: 100 }, temperature: 0 }, dt: 1, steps: 50 });
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(AdvectError);
    expect((e as AdvectError).code).toBe('ADVECT_NUMERIC');
  });
});

describe('advect flow', () => {
  const dir = mkdtempSync(join(tmpdir(), 'advect-flow-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'data'));
  writeNpy(join(dir, 'data', 'x0.npy'), x0.data, [20, 2]);
  writeNpy(join(dir, 'data', 'y.npy'), normal(5, 12), [6, 2]);
  writeNpy(join(dir, 'data', 'w.npy'), Float64Array.from([1, 2, 3, 1, 1, 2]), [6]);

  async function run(args: string[]) {
    const out: string[] = [], err: string[] = [];
    const so = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
    const lo = vi.spyOn(console, 'log').mockImplementation((...s: unknown[]) => { out.push(s.join(' ') + '\n'); });
    const le = vi.spyOn(console, 'error').mockImplementation((...s: unknown[]) => { err.push(s.join(' ') + '\n'); });
    try {
      return { code: await main(['flow', ...args]), out: out.join(''), err: err.join('') };
    } finally {
      so.mockRestore(); lo.mockRestore(); le.mockRestore();
    }
  }
  const cfg = (name: string, obj: unknown) => {
    writeFileSync(join(dir, 'data', name), JSON.stringify(obj));
    return join(dir, 'data', name);
  };

  it('mmd: --json last line has steps, times, seconds and energy; --trajectory is (records, n, d)', async () => {
    const c = cfg('mmd.json', { x0: 'x0.npy', field: { type: 'mmd', kernel: 'energy', p: 1, target: 'y.npy' }, integrator: 'heun', dt: 0.05, steps: 6, record: 2 });
    const r = await run(['--config', c, '--out', join(dir, 'final.npy'), '--trajectory', join(dir, 'traj.npy'), '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    const j = JSON.parse(lines[lines.length - 1]);
    expect(j.steps).toBe(6);
    expect(j.times).toEqual([0, 2, 4, 6].map((s) => s * 0.05));
    expect(typeof j.seconds).toBe('number');
    expect(j.energy).toHaveLength(4);
    expect(j.energy[3]).toBeLessThan(j.energy[0]);
    // src/io/npy.ts reads 1-D/2-D only: check the 3-D header and payload directly.
    const raw = readFileSync(join(dir, 'traj.npy'));
    const hlen = raw.readUInt16LE(8);
    expect(raw.subarray(10, 10 + hlen).toString('latin1')).toMatch(/'descr': '<f8', 'fortran_order': False, 'shape': \(4, 20, 2\)/);
    expect((10 + hlen) % 64).toBe(0);
    const traj = new Float64Array(raw.buffer.slice(raw.byteOffset + 10 + hlen, raw.byteOffset + raw.length));
    expect(traj.length).toBe(4 * 20 * 2);
    const fin = readNpy(join(dir, 'final.npy'));
    expect(fin.shape).toEqual([20, 2]);
    const api = simulate({ x0, field: { type: 'mmd', kernel: 'energy', p: 1, target: { data: readNpy(join(dir, 'data', 'y.npy')).data, rows: 6, cols: 2 } }, integrator: 'heun', dt: 0.05, steps: 6 });
    expect(Array.from(fin.data)).toEqual(Array.from(api.x.data));
    expect(Array.from(traj.subarray(3 * 40))).toEqual(Array.from(api.x.data));
    expect(Array.from(traj.subarray(0, 40))).toEqual(Array.from(x0.data));
  });

  it('flow-matching with weights, langevin and attention configs; float32 dtype', async () => {
    const f1 = cfg('fm.json', { x0: 'x0.npy', field: { type: 'flow-matching', target: 'y.npy', weights: 'w.npy', schedule: 'linear' }, integrator: 'rk4', dt: 0.0495, steps: 20, dtype: 'float32' });
    const r1 = await run(['--config', f1, '--out', join(dir, 'fm.npy'), '--json']);
    expect(r1.code).toBe(0);
    expect(JSON.parse(r1.out.trim().split('\n').pop()!).energy).toBeUndefined();
    expect(readNpy(join(dir, 'fm.npy')).data).toBeInstanceOf(Float32Array);
    const f2 = cfg('lv.json', { x0: 'x0.npy', field: { type: 'langevin', potential: { type: 'quadratic', A: [[1, 0], [0, 2]] }, temperature: 1 }, integrator: 'euler-maruyama', dt: 0.01, steps: 10, seed: 4 });
    const r2 = await run(['--config', f2, '--out', join(dir, 'lv.npy'), '--json']);
    expect(r2.code).toBe(0);
    expect(JSON.parse(r2.out.trim().split('\n').pop()!).energy).toHaveLength(2);
    const f3 = cfg('at.json', { x0: 'x0.npy', field: { type: 'attention', Q: [[1, 0], [0, 1]], K: [[1, 0], [0, 1]], V: [[1, 0], [0, 1]], sphere: false }, integrator: 'euler', dt: 0.1, steps: 3 });
    expect((await run(['--config', f3, '--out', join(dir, 'at.npy'), '--json'])).code).toBe(0);
  });

  it('bad configs: usage errors (2) and validation errors (1)', async () => {
    expect((await run(['--out', join(dir, 'o.npy')])).code).toBe(2);
    const bad1 = cfg('bad1.json', { x0: 'x0.npy', field: { type: 'mmd', target: 'missing.npy' }, dt: 0.1, steps: 1 });
    const r1 = await run(['--config', bad1, '--out', join(dir, 'o.npy')]);
    expect(r1.code).toBe(1);
    expect(r1.err).toMatch(/ADVECT_IO/);
    const bad2 = cfg('bad2.json', { x0: 'x0.npy', field: { type: 'mmd' }, dt: -0.1, steps: 1 });
    const r2 = await run(['--config', bad2, '--out', join(dir, 'o.npy')]);
    expect(r2.code).toBe(1);
    expect(r2.err).toMatch(/Expected a positive finite number for dt but received -0.1/);
    const bad3 = cfg('bad3.json', { x0: 'x0.npy', field: { type: 'mmd' }, dt: 0.1, steps: 1, stepz: 3 });
    expect((await run(['--config', bad3, '--out', join(dir, 'o.npy')])).code).toBe(2);
  });
});

describe('fuzz: particle entry points never crash', () => {
  it('public functions (1000 calls) throw only typed errors', () => {
    const fns: Array<(...a: unknown[]) => unknown> = [
      (a) => simulate(a as never),
      (a, b) => simulate({ x0: a, field: b, dt: 0.1, steps: 2 } as never),
      (a, b, c) => simulate({ x0: [[0, 1], [1, 0]], field: { type: 'mmd', target: a, kernel: b }, dt: c, steps: 1 } as never),
      (a, b) => fieldVelocity(a as never, b as never),
      (a, b) => fieldEnergy(a as never, b as never),
      (a, b, c) => otCoupling(a as never, b as never, c as never),
      (a, b, c) => sampleConditionalFlow(a as never, b as never, c as never),
      (a, b) => simulate({ x0: [[0, 1]], field: { type: 'attention', Q: a, K: a, V: b }, dt: 0.1, steps: 1 } as never),
      (a, b) => simulate({ x0: [[0, 1]], field: { type: 'flow-matching', gmm: a, schedule: b }, dt: 0.1, steps: 1 } as never),
      (a, b) => simulate({ x0: [[0, 1]], field: { type: 'langevin', potential: a, temperature: b }, dt: 0.1, steps: 1 } as never),
    ];
    fc.assert(
      fc.property(fc.nat(fns.length - 1), fc.array(weirdArg, { minLength: 0, maxLength: 3 }), (k, args) => {
        try {
          fns[k](...args.map(materialise));
        } catch (e) {
          if (!isTypedError(e)) throw e;
        }
      }),
      { numRuns: 1000, seed: 5 },
    );
  });

  it('raw backend ops (1500 calls) throw only TypeError/RangeError/AdvectError', () => {
    const ops = backend().particles as unknown as Record<string, (...a: unknown[]) => unknown>;
    const names = ['fieldVelocity', 'fieldEnergy', 'simulate', 'philoxNormals'];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.array(weirdArg, { minLength: 0, maxLength: 16 }), (name, args) => {
        try {
          ops[name](...args.map(materialise));
        } catch (e) {
          if (!isTypedError(e)) throw e;
        }
      }),
      { numRuns: 1500, seed: 11 },
    );
  });
});
