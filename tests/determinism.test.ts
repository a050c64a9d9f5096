/** Native results are bitwise identical for 1 and 2 threads (fixed chunking, ordered reductions). */
import { describe, expect, it } from 'vitest';
import { nativeBackend, withThreads } from './helpers/native.js';
import { uniform } from './helpers/random.js';

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) throw new Error(`differs at ${i}: ${a[i]} vs ${b[i]}`);
};

describe('determinism across thread counts', () => {
  const n = 1031, m = 777, d = 3;
  for (const T of [Float64Array, Float32Array]) {
    it(`every core kernel (${T.name})`, () => {
      const x = T.from(uniform(1, n * d)), y = T.from(uniform(2, m * d));
      const V = T.from(uniform(3, m * 2));
      const run = () => {
        const C = new T(n * m), r = new T(n), c = new T(m), or = new T(n), oc = new T(m), sv = new T(n * 2), sl = new T(n);
        nativeBackend.core.dist(x, n, y, m, d, 0, 2, C);
        nativeBackend.core.lseDense(C, n, m, null, null, 0.01, 1, r);
        nativeBackend.core.lseDense(C, n, m, null, null, 0.01, 0, c);
        nativeBackend.core.lseOnline(x, n, y, m, d, 0, 2, null, null, 0.01, 1, or);
        nativeBackend.core.lseOnline(x, n, y, m, d, 0, 2, null, null, 0.01, 0, oc);
        nativeBackend.core.softmaxSum(x, n, y, m, d, 0, 0, 2, 0.05, 1, null, V, 2, sv, sl);
        return [C, r, c, or, oc, sv, sl, [nativeBackend.core.sum(C)]];
      };
      const one = withThreads(1, run);
      const two = withThreads(2, run);
      one.forEach((a, k) => same(a, two[k]));
    });
  }
});
