/**
 * Each SIMD level in its own process (the level is chosen once at load, capped by ADVECT_SIMD):
 * the child reports its level and kernel outputs, which must match the js reference.
 * Speed ratios between levels are measured in bench/ (timings never go in tests).
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
const out = {};
for (const T of [Float64Array, Float32Array]) {
  const x = T.from(input.x), y = T.from(input.y), n = input.n, m = input.m, d = input.d;
  const C = new T(n * m); addon.core.dist(x, n, y, m, d, 0, 2, C);
  const rows = new T(n), cols = new T(m), onl = new T(n), e = new T(input.e.length);
  addon.core.lseDense(C, n, m, null, null, 0.02, 1, rows);
  addon.core.lseDense(C, n, m, null, null, 0.02, 0, cols);
  addon.core.lseOnline(x, n, y, m, d, 0, 2, null, null, 0.02, 1, onl);
  addon.core.expArray(T.from(input.e), e);
  out[T.name] = { rows: Array.from(rows), cols: Array.from(cols), onl: Array.from(onl), e: Array.from(e) };
}
out.simd = addon.info().simd;
process.stdout.write(JSON.stringify(out));
`;

describe('SIMD levels, each in its own process', () => {
  const n = 50, m = 333, d = 2;
  const x = uniform(21, n * d), y = uniform(22, m * d);
  const e = Array.from(uniform(23, 1000, -80, 80));
  const C = new Float64Array(n * m);
  jsBackend.core.dist(x, n, y, m, d, 0, 2, C);
  const ref = { rows: new Float64Array(n), cols: new Float64Array(m), onl: new Float64Array(n) };
  jsBackend.core.lseDense(C, n, m, null, null, 0.02, 1, ref.rows);
  jsBackend.core.lseDense(C, n, m, null, null, 0.02, 0, ref.cols);
  jsBackend.core.lseOnline(x, n, y, m, d, 0, 2, null, null, 0.02, 1, ref.onl);

  it('the CPU supports at least avx2 here (so two or three levels are exercised)', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(2);
  });

  for (const level of LEVELS) {
    it(`ADVECT_SIMD=${level}`, () => {
      const env = { ...process.env, ADVECT_SIMD: level };
      delete env.ADVECT_BACKEND;
      const stdout = execFileSync(process.execPath, ['-e', CHILD, ROOT], {
        cwd: ROOT, env, input: JSON.stringify({ x: Array.from(x), y: Array.from(y), n, m, d, e }),
      });
      const out = JSON.parse(stdout.toString());
      // The cap never raises the level above what the CPU has.
      expect(out.simd).toBe(runnable.includes(level) ? level : detected);
      for (const [T, tol] of [['Float64Array', 1e-12], ['Float32Array', 3e-5]] as const) {
        for (const key of ['rows', 'cols', 'onl'] as const) {
          const got = out[T][key] as number[];
          for (let i = 0; i < got.length; i++) {
            expect(Math.abs(got[i] - ref[key][i])).toBeLessThanOrEqual(tol * (Math.abs(ref[key][i]) + 50));
          }
        }
        const ge = out[T].e as number[];
        for (let i = 0; i < ge.length; i++) {
          const xr = T === 'Float32Array' ? Math.fround(e[i]) : e[i];
          expect(Math.abs(ge[i] - Math.exp(xr)) / Math.exp(xr)).toBeLessThanOrEqual(T === 'Float32Array' ? 2.4e-7 : 4.5e-16);
        }
      }
    });
  }
});
