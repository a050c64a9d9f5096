/**
 * Sync and async forms of long-running ops (DESIGN §4).
 * - native: the addon returns { promise, cancel }; an AbortSignal flips the cancel flag, which
 *   the worker polls once per iteration, and the promise rejects with the signal's reason.
 * - js: solvers are generators that yield progress once per iteration; the sync form drains
 *   them, the async form drains them in slices of ~8 ms so the event loop stays live and an
 *   abort is seen between slices.
 */
import { AdvectError, abortError } from './errors.js';
import type { JobHandle } from './backend/types.js';
import type { FloatArray } from './types.js';

export interface AsyncOptions<P> {
  signal?: AbortSignal;
  onProgress?: (progress: P) => void;
}

/** Re-raise native errors carrying an ADVECT_* code as AdvectError, stacked at the caller. */
export function fromNative(err: unknown): unknown {
  // A std::bad_alloc in a synchronous native call reaches JS as a plain Error (node-addon-api's
  // catch-all): it is the size guard's failure mode, so it gets the same code.
  if (err instanceof Error && !(err instanceof AdvectError) && /std::bad_alloc/.test(err.message)) {
    return new AdvectError('ADVECT_TOO_LARGE', 'Out of memory in a native kernel; use a smaller problem or the online mode', { cause: err });
  }
  if (err instanceof Error && typeof (err as { code?: unknown }).code === 'string') {
    const code = (err as unknown as { code: string }).code;
    if (code.startsWith('ADVECT_') && !(err instanceof AdvectError)) {
      return new AdvectError(code as AdvectError['code'], err.message, { cause: err });
    }
  }
  return err;
}

export function callNative<R>(fn: () => R): R {
  try {
    return fn();
  } catch (err) {
    throw fromNative(err);
  }
}

/**
 * Inputs of an async native job are handed over as copies: the worker reads them after the call
 * returns, and the caller could meanwhile write to or transfer (detach) its buffers, which would
 * be a use-after-free in native code. The copy costs one pass over the input.
 */
export function jobCopy<T extends FloatArray | null>(a: T): T {
  return (a ? a.slice() : a) as T;
}

export async function runNativeJob<R, P>(
  start: (onProgress: ((raw: number[]) => void) | undefined) => JobHandle<R>,
  opts: AsyncOptions<P>,
  mapProgress: (raw: number[]) => P,
): Promise<R> {
  const { signal, onProgress } = opts;
  if (signal?.aborted) throw abortError(signal);
  const handle = callNative(() => start(onProgress ? (raw) => onProgress(mapProgress(raw)) : undefined));
  if (!signal) return handle.promise.catch((e) => Promise.reject(fromNative(e)));
  const onAbort = () => handle.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await handle.promise;
    // Aborted while the job was finishing (its progress reached JS after the native work ended):
    // the caller asked to cancel, so the promise rejects either way.
    if (signal.aborted) throw abortError(signal);
    return result;
  } catch (err) {
    if (signal.aborted) throw abortError(signal);
    throw fromNative(err);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A js solver generator as an async job with the native handle's shape ({ promise, cancel }),
 * so public modules treat both backends alike. Raw progress arrays pass through.
 */
export function generatorJob<R>(
  gen: Generator<number[], R, void>, onProgress: ((raw: number[]) => void) | undefined, what: string,
): JobHandle<R> {
  const ctl = new AbortController();
  const promise = drainAsync(gen, { signal: ctl.signal, onProgress });
  return { promise, cancel: () => ctl.abort(new AdvectError('ADVECT_ABORTED', `${what} was aborted`)) };
}

export function drainSync<P, R>(gen: Generator<P, R, void>): R {
  for (;;) {
    const step = gen.next();
    if (step.done) return step.value;
  }
}

export async function drainAsync<P, R>(gen: Generator<P, R, void>, opts: AsyncOptions<P>): Promise<R> {
  const { signal, onProgress } = opts;
  // Start on the next turn: the caller gets the promise (and wires its abort listener) before
  // the first slice runs, and a synchronous abort right after the call is honoured.
  await yieldToLoop();
  if (signal?.aborted) throw abortError(signal);
  let sliceStart = performance.now();
  for (;;) {
    const step = gen.next();
    if (step.done) return step.value;
    if (onProgress) onProgress(step.value);
    // An abort raised synchronously (e.g. from onProgress) stops the solver at this iteration.
    if (signal?.aborted) {
      gen.return(undefined as unknown as R);
      throw abortError(signal);
    }
    if (performance.now() - sliceStart > 8) {
      await yieldToLoop();
      if (signal?.aborted) {
        gen.return(undefined as unknown as R);
        throw abortError(signal);
      }
      sliceStart = performance.now();
    }
  }
}
