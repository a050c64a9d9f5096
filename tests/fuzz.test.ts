/**
 * Malformed-call fuzzing: thousands of random calls with wrong types, lengths, NaN, detached
 * buffers and huge sizes, against every public engine function and every raw native entry
 * point. None may crash the process; each must return normally or throw a typed error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dist, engine, logSumExp, logSumExpPoints, softmaxWeightedSum } from '../src/index.js';
import { detached, isTypedError, materialise, weirdArg } from './helpers/fuzz.js';
import { nativeBackend } from './helpers/native.js';

const arg = weirdArg;
const typed = isTypedError;

describe('fuzz: no crash, typed errors only', () => {
  it('public engine functions (2000 calls)', () => {
    const fns: Array<(...a: unknown[]) => unknown> = [
      (a, b, c) => dist(a as never, b as never, c as never),
      (a, b) => logSumExp(a as never, b as never),
      (a, b, c) => logSumExpPoints(a as never, b as never, c as never),
      (a, b, c, d) => softmaxWeightedSum(a as never, b as never, c as never, d as never),
      (a) => engine.setThreads(a as never),
      (a) => engine.setMemoryBudget(a as never),
    ];
    let errors = 0;
    fc.assert(
      fc.property(fc.nat(fns.length - 1), fc.array(arg, { minLength: 0, maxLength: 4 }), (k, args) => {
        try {
          fns[k](...args.map(materialise));
        } catch (e) {
          errors++;
          if (!typed(e)) throw e;
        }
      }),
      { numRuns: 2000, seed: 42 },
    );
    engine.setThreads(0);
    engine.setMemoryBudget(2 ** 33);
    expect(errors).toBeGreaterThan(1500);
  });

  it('raw native entry points (2000 calls)', () => {
    const core = nativeBackend.core as unknown as Record<string, (...a: unknown[]) => unknown>;
    const names = Object.keys(core);
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.array(arg, { minLength: 0, maxLength: 15 }), (name, args) => {
        try {
          core[name](...args.map(materialise));
        } catch (e) {
          if (!(e instanceof TypeError || e instanceof RangeError)) throw e;
        }
      }),
      { numRuns: 2000, seed: 7 },
    );
    nativeBackend.setThreads(0);
  });

  it('raw native calls with well-typed arrays of wrong lengths and huge sizes', () => {
    const f = (n: number) => new Float64Array(n);
    const bad: Array<() => unknown> = [
      () => nativeBackend.core.dist(f(4), 2 ** 40, f(4), 2, 2, 0, 2, f(4)),
      () => nativeBackend.core.dist(f(4), 2, f(4), 2, 2, 0, 2, f(3)),
      () => nativeBackend.core.dist(f(4), 2, f(4), 2, 2, 9, 2, f(4)),
      () => nativeBackend.core.lseDense(f(4), 2, 2, f(1), null, 1, 1, f(2)),
      () => nativeBackend.core.lseDense(f(4), 2, 2, null, null, 0, 1, f(2)),
      () => nativeBackend.core.lseDense(f(4), 2, 2, null, null, 1, 1, new Float32Array(2)),
      () => nativeBackend.core.lseOnline(f(4), 2, f(4), 2, 2, 0, 2, null, null, 1, 0, f(3)),
      () => nativeBackend.core.softmaxSum(f(4), 2, f(4), 2, 2, 0, 0, 2, 1, 1, null, f(3), 2, f(4), null),
      () => nativeBackend.core.expArray(detached(), f(4)),
      () => nativeBackend.core.dist(detached(), 2, f(4), 2, 2, 0, 2, f(4)),
    ];
    for (const call of bad) expect(call).toThrow();
    for (const call of bad) {
      try {
        call();
      } catch (e) {
        expect(e instanceof TypeError || e instanceof RangeError).toBe(true);
      }
    }
  });
});
