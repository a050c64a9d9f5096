/**
 * Every exported function gets malformed calls (DESIGN §5): each must return normally or throw
 * (or reject with) a TypeError, RangeError or AdvectError — never crash, never hang, never throw a
 * bare Error. Async functions are awaited.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as advect from '../src/index.js';
import { isTypedError, materialise, weirdArg } from './helpers/fuzz.js';

// State-changing engine setters are fuzzed in fuzz.test.ts (and reset there).
const names = Object.keys(advect).filter((k) => typeof (advect as Record<string, unknown>)[k] === 'function' && k !== 'AdvectError').sort();

describe('fuzz: every exported function', () => {
  it('exports are covered', () => {
    expect(names.length).toBeGreaterThan(40);
  });

  for (const name of names) {
    it(`${name} (120 malformed calls)`, async () => {
      const fn = (advect as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
      const bad: unknown[] = [];
      await fc.assert(
        fc.asyncProperty(fc.array(weirdArg, { minLength: 0, maxLength: 4 }), async (args) => {
          try {
            const r = fn(...args.map(materialise));
            if (r && typeof (r as Promise<unknown>).then === 'function') await r;
          } catch (e) {
            if (!isTypedError(e)) bad.push(e);
          }
        }),
        { numRuns: 120, seed: 1234 },
      );
      expect(bad.map((e) => String(e)).slice(0, 3)).toEqual([]);
    });
  }
});
