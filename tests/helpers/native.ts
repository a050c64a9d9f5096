/**
 * Direct handles on both backends, whatever ADVECT_BACKEND says, so parity and determinism tests
 * compare native against js in every CI run. Native must be built (npm install does it).
 */
import { loadNative } from '../../src/backend/native.js';
import { jsBackend } from '../../src/backend/js/index.js';
import type { Backend } from '../../src/backend/types.js';

const loaded = loadNative();
if (!loaded.backend) throw new Error(`native addon not built: ${loaded.error?.message}`);
export const nativeBackend: Backend = loaded.backend;
export { jsBackend };

/** Runs fn with the native thread count set to n, restoring the default afterwards. */
export function withThreads<R>(n: number, fn: () => R): R {
  nativeBackend.setThreads(n);
  try {
    return fn();
  } finally {
    nativeBackend.setThreads(0);
  }
}
