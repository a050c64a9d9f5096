/**
 * Loads the native addon through node-gyp-build (build/Release or prebuilds/).
 * Never throws: on failure it returns the error, and the facade falls back to the js backend
 * with `engine.loadError` set (sharp-style: keep the reason, do not print on import).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend } from './types.js';
import { hereUrl } from './here.js';

/** Walks up from this module to the directory holding advect's package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(hereUrl));
  for (let k = 0; k < 6; k++) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if (JSON.parse(readFileSync(pj, 'utf8')).name === 'advect') return dir;
      } catch {
        /* keep walking */
      }
    }
    dir = dirname(dir);
  }
  throw new Error('advect: package root not found');
}

export function loadNative(): { backend: Backend | null; error: Error | null } {
  // libgomp reads its settings when the addon loads it. Busy-waiting OpenMP threads made 2-thread
  // runs 2-4x slower than 1 thread whenever another process held a core (measured on this
  // 2-core machine), so advect asks for passive waiting unless the user chose a policy.
  if (process.env.OMP_WAIT_POLICY === undefined) process.env.OMP_WAIT_POLICY = 'PASSIVE';
  try {
    const require = createRequire(hereUrl);
    const load = require('node-gyp-build') as (dir: string) => unknown;
    const addon = load(packageRoot()) as Backend & { info(): unknown };
    // Sanity call: a binary that loads but cannot answer is not used.
    addon.info();
    // Families (sinkhorn, particles, ...) are copied from the addon below.
    const backend = {
      name: 'native',
      info: () => addon.info(),
      setThreads: (n: number) => addon.setThreads(n),
      core: addon.core,
    } as Backend;
    for (const key of Object.keys(addon)) {
      if (!(key in backend)) (backend as unknown as Record<string, unknown>)[key] = (addon as unknown as Record<string, unknown>)[key];
    }
    return { backend, error: null };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const hint =
      'The native addon could not be loaded; advect uses its pure-TypeScript backend. ' +
      'To build it: `npm rebuild advect` (needs python3, make and g++), or `npm run build:native` in a checkout.';
    return { backend: null, error: new Error(`${hint} Cause: ${e.message}`, { cause: e }) };
  }
}
