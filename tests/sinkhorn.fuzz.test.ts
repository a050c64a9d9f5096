/**
 * Malformed-call fuzzing of the Sinkhorn surface: the public functions and the raw native
 * entry points (backend().sinkhorn of the addon). None may crash the process; each call returns
 * normally or throws a typed error (TypeError / RangeError / AdvectError).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sinkhorn, sinkhorn2, sinkhornPoints, sinkhornPotentials } from '../src/index.js';
import { isTypedError, materialise, weirdArray, weirdMatrix, weirdNumber } from './helpers/fuzz.js';
import { nativeBackend } from './helpers/native.js';

// Options stay small (maxIter bounded) so a well-formed call cannot run for long.
const weirdOpts = fc.oneof(
  fc.record({
    method: fc.constantFrom('auto', 'scaling', 'stabilized', 'log', 'online', 'x', 3),
    maxIter: fc.oneof(fc.integer({ min: -2, max: 50 }), fc.constantFrom(NaN, 1.5, 'a')),
    tol: weirdNumber, checkEvery: weirdNumber, norm: weirdNumber, plan: fc.anything(), epsScaling: fc.anything(),
    init: fc.anything(), metric: fc.anything(),
  }, { requiredKeys: ['maxIter'] }),
  fc.constant(undefined),
);
const arg = fc.oneof(weirdNumber, weirdArray, weirdMatrix, fc.string(), fc.constant(undefined), fc.constant(null));
const typed = isTypedError;

describe('fuzz: sinkhorn', () => {
  it('public functions (1500 calls)', () => {
    const fns: Array<(...a: unknown[]) => unknown> = [
      (a, b, c, d, o) => sinkhorn(a as never, b as never, c as never, d as never, o as never),
      (a, b, c, d, o) => sinkhorn2(a as never, b as never, c as never, d as never, o as never),
      (a, b, c, _d, o) => sinkhornPoints(a as never, b as never, c as never, o as never),
      (a, b, c, _d, o) => sinkhornPotentials(a as never, b as never, c as never, o as never),
    ];
    let errors = 0;
    fc.assert(
      fc.property(fc.nat(fns.length - 1), fc.array(arg, { minLength: 4, maxLength: 4 }), weirdOpts, (k, args, o) => {
        try {
          fns[k](...args.map(materialise), o);
        } catch (e) {
          errors++;
          if (!typed(e)) throw e;
        }
      }),
      { numRuns: 1500, seed: 3 },
    );
    expect(errors).toBeGreaterThan(1000);
  });

  it('raw native entry points (1500 calls)', () => {
    const s = nativeBackend.sinkhorn as unknown as Record<string, (...a: unknown[]) => unknown>;
    const opts = fc.oneof(weirdOpts, fc.record({ method: weirdNumber, reg: weirdNumber, maxIter: fc.integer({ min: 0, max: 20 }) }), fc.anything());
    fc.assert(
      fc.property(fc.constantFrom('dense', 'online'), fc.array(fc.oneof(arg, opts), { minLength: 0, maxLength: 13 }), (name, args) => {
        try {
          s[name](...args.map(materialise));
        } catch (e) {
          if (!(e instanceof TypeError || e instanceof RangeError)) throw e;
        }
      }),
      { numRuns: 1500, seed: 11 },
    );
  });

  it('raw native calls with well-typed arrays of wrong lengths, dtypes and sizes', () => {
    const f = (n: number) => new Float64Array(n).fill(0.5);
    const o = { method: 1, reg: 1, maxIter: 5 };
    const bad: Array<() => unknown> = [
      () => nativeBackend.sinkhorn.dense(f(4), 2, 2, f(2), f(2), o as never, f(2), f(2), f(3)),
      () => nativeBackend.sinkhorn.dense(f(4), 2 ** 40, 2, f(2), f(2), o as never, f(2), f(2), null),
      () => nativeBackend.sinkhorn.dense(f(4), 2, 2, f(1), f(2), o as never, f(2), f(2), null),
      () => nativeBackend.sinkhorn.dense(f(4), 2, 2, f(2), new Float32Array(2), o as never, f(2), f(2), null),
      () => nativeBackend.sinkhorn.dense(f(4), 2, 2, f(2), f(2), { ...o, reg: 0 } as never, f(2), f(2), null),
      () => nativeBackend.sinkhorn.dense(f(4), 2, 2, f(2), f(2), { ...o, method: 4 } as never, f(2), f(2), null),
      () => nativeBackend.sinkhorn.dense(f(0), 0, 0, f(0), f(0), o as never, f(0), f(0), null),
      () => nativeBackend.sinkhorn.online(f(4), 2, f(4), 2, 2 ** 40, 0, 2, f(2), f(2), o as never, f(2), f(2)),
      () => nativeBackend.sinkhorn.online(f(4), 2, f(4), 2, 2, 7, 2, f(2), f(2), o as never, f(2), f(2)),
      () => nativeBackend.sinkhorn.online(f(4), 2, f(4), 2, 2, 0, 2, f(2), f(2), { ...o, norm: 3 } as never, f(2), f(2)),
    ];
    for (const call of bad) {
      expect(call).toThrow();
      try {
        call();
      } catch (e) {
        expect(e instanceof TypeError || e instanceof RangeError).toBe(true);
      }
    }
  });
});
