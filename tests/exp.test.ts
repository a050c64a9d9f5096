/**
 * The native vector exp, measured over a dense grid (the maximum relative errors stated in
 * native/src/simd/vec-inl.h: 2.05e-16 float64 and 1.11e-7 float32 on the worst level), plus
 * special values and underflow. Runs on the active SIMD level; tests/simd-levels.test.ts covers
 * the others in their own processes.
 */
import { describe, expect, it } from 'vitest';
import { nativeBackend } from './helpers/native.js';

describe('native exp', () => {
  it('float64: max relative error <= 4.5e-16 (2 ulp) on [-708, 709]', () => {
    const n = 2_000_001;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = -708 + (1417 * i) / (n - 1);
    const y = new Float64Array(n);
    nativeBackend.core.expArray(x, y);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(y[i] - Math.exp(x[i])) / Math.exp(x[i]));
    // Math.exp itself is within 1 ulp, so allow 2 ulp against it.
    expect(worst).toBeLessThanOrEqual(4.5e-16);
  });

  it('float32: max relative error <= 2.4e-7 (2 ulp) on [-87, 88]', () => {
    const n = 1_000_001;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = -87 + (175 * i) / (n - 1);
    const y = new Float32Array(n);
    nativeBackend.core.expArray(x, y);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const ref = Math.exp(x[i]);
      worst = Math.max(worst, Math.abs(y[i] - ref) / ref);
    }
    expect(worst).toBeLessThanOrEqual(2.4e-7);
  });

  it('special values: -inf -> 0, +inf -> inf, NaN -> NaN, 0 -> 1', () => {
    const x = Float64Array.of(-Infinity, Infinity, NaN, 0);
    const y = new Float64Array(4);
    nativeBackend.core.expArray(x, y);
    expect(Array.from(y)).toEqual([0, Infinity, NaN, 1]);
    const xf = Float32Array.of(-Infinity, Infinity, NaN, 0);
    const yf = new Float32Array(4);
    nativeBackend.core.expArray(xf, yf);
    expect(Array.from(yf)).toEqual([0, Infinity, NaN, 1]);
  });

  it('underflow is gradual (subnormals) and then exactly 0; overflow is +inf', () => {
    const x = Float64Array.of(-720, -740, -745.13, -745.2, -1e6, 709.78, 709.8);
    const y = new Float64Array(x.length);
    nativeBackend.core.expArray(x, y);
    expect(Math.abs(y[0] - Math.exp(-720))).toBeLessThanOrEqual(1e-320);
    expect(Math.abs(y[1] - Math.exp(-740))).toBeLessThanOrEqual(1e-323);
    expect(y[2]).toBeGreaterThanOrEqual(0);
    expect(y[3]).toBe(0);
    expect(y[4]).toBe(0);
    expect(Math.abs(y[5] - Math.exp(709.78)) / Math.exp(709.78)).toBeLessThan(4.5e-16);
    expect(y[6]).toBe(Infinity);
    const xf = Float32Array.of(-100, -103.9, -104, -200, 88.7, 88.8);
    const yf = new Float32Array(xf.length);
    nativeBackend.core.expArray(xf, yf);
    expect(Math.abs(yf[0] - Math.exp(xf[0]))).toBeLessThanOrEqual(1.5e-45);
    expect(yf[1]).toBeGreaterThanOrEqual(0);
    expect(yf[2]).toBe(0);
    expect(yf[3]).toBe(0);
    // Reference at the float32 value of 88.7 (88.69999695...), not at the double 88.7.
    expect(Math.abs(yf[4] - Math.exp(xf[4])) / Math.exp(xf[4])).toBeLessThan(2.4e-7);
    expect(yf[5]).toBe(Infinity);
  });
});
