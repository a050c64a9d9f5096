/** Shared fast-check arbitraries for malformed-call fuzzing (wrong types, lengths, NaN, detached buffers, huge sizes). */
import fc from 'fast-check';
import { AdvectError } from '../../src/index.js';

export function detached(): Float64Array {
  const buf = new ArrayBuffer(32);
  structuredClone(buf, { transfer: [buf] });
  return new Float64Array(buf);
}

// fast-check clones generated values, which a detached buffer forbids: generate a sentinel and
// materialise it just before the call.
const DETACHED = '__detached__';
export const materialise = (v: unknown): unknown =>
  v === DETACHED
    ? detached()
    : v && typeof v === 'object' && !ArrayBuffer.isView(v) && (v as { data?: unknown }).data === DETACHED
      ? { ...(v as object), data: detached() }
      : v;

export const weirdNumber = fc.oneof(
  fc.constantFrom(0, -1, 1, 2, 3, NaN, Infinity, -Infinity, 1e12, 2 ** 53, -0, 0.5, 2 ** 40),
  fc.integer({ min: -5, max: 50 }),
  fc.double(),
);
export const weirdArray = fc.oneof(
  fc.integer({ min: 0, max: 12 }).map((n) => new Float64Array(n).map((_, i) => i * 0.3)),
  fc.integer({ min: 0, max: 12 }).map((n) => new Float32Array(n).fill(0.5)),
  fc.integer({ min: 0, max: 6 }).map((n) => new Int32Array(n)),
  fc.integer({ min: 0, max: 6 }).map((n) => new Float64Array(n).fill(NaN)),
  fc.constant(DETACHED),
  fc.array(fc.double(), { maxLength: 6 }),
);
export const weirdMatrix = fc.oneof(
  fc.record({ data: weirdArray, rows: weirdNumber, cols: weirdNumber }),
  fc.array(fc.array(fc.oneof(fc.double(), fc.string()), { maxLength: 4 }), { maxLength: 4 }),
  fc.anything(),
);
export const weirdArg = fc.oneof(weirdNumber, weirdArray, weirdMatrix, fc.anything(), fc.string(), fc.constant(undefined), fc.constant(null));

/** The only errors a call may end in. */
export const isTypedError = (e: unknown) => e instanceof TypeError || e instanceof RangeError || e instanceof AdvectError;
