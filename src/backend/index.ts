/**
 * Backend selection, once at import: the native addon unless ADVECT_BACKEND=js or it fails to
 * load (then `loadError` says why). Public modules call `backend()` and never branch on which.
 */
import type { Backend } from './types.js';
import { jsBackend } from './js/index.js';
import { loadNative } from './native.js';

function select(): { active: Backend; loadError: Error | null; requested: string } {
  const requested = (process.env.ADVECT_BACKEND ?? '').trim().toLowerCase();
  if (requested === 'js') {
    return { active: jsBackend, loadError: new Error('ADVECT_BACKEND=js forces the pure-TypeScript backend'), requested };
  }
  const { backend, error } = loadNative();
  // Asked for explicitly, the native backend is not silently replaced.
  if (!backend && requested === 'native') throw error;
  return { active: backend ?? jsBackend, loadError: error, requested };
}

const selected = select();

export function backend(): Backend {
  return selected.active;
}
export const loadError: Error | null = selected.loadError;
export { jsBackend };
