/**
 * Engine introspection and controls (DESIGN §4): backend, SIMD level, OpenMP, threads,
 * versions, the native load error, and the memory budget behind the ADVECT_TOO_LARGE guard.
 */
import { totalmem } from 'node:os';
import { backend, loadError } from './backend/index.js';
import { AdvectError, rangeError, typeError } from './errors.js';
import { VERSION } from './version.js';

const SIMD_LEVELS = ['scalar', 'avx2', 'avx512'] as const;

function validateEnv(): void {
  const simd = process.env.ADVECT_SIMD;
  if (simd && !(SIMD_LEVELS as readonly string[]).includes(simd)) {
    throw rangeError('one of scalar, avx2, avx512', 'ADVECT_SIMD', simd);
  }
  const be = process.env.ADVECT_BACKEND;
  if (be && !['js', 'native'].includes(be.trim().toLowerCase())) {
    throw rangeError('js or native', 'ADVECT_BACKEND', be);
  }
  const th = process.env.ADVECT_THREADS;
  if (th && !(Number.isInteger(Number(th)) && Number(th) > 0)) throw rangeError('a positive integer', 'ADVECT_THREADS', th);
}
validateEnv();

function defaultBudget(): number {
  const env = process.env.ADVECT_MEMORY_BUDGET;
  if (env !== undefined && env !== '') {
    const v = Number(env);
    if (!(v > 0)) throw rangeError('a positive number of bytes', 'ADVECT_MEMORY_BUDGET', env);
    return v;
  }
  // Half of physical memory, at most 16 GiB: a dense op beyond that should go online.
  return Math.min(totalmem() / 2, 16 * 2 ** 30);
}

let memoryBudget = defaultBudget();

export interface EngineVersions {
  package: string;
  node: string;
  napi: string;
  native: string | null;
}

export const engine = {
  /** 'native' when the addon is loaded, else 'js'. */
  get backend(): 'native' | 'js' {
    return backend().name;
  },
  /** SIMD level in use ('scalar' | 'avx2' | 'avx512'; 'none' for the js backend). */
  get simd(): string {
    return backend().info().simd;
  },
  /** Best SIMD level the CPU supports. */
  get simdDetected(): string {
    return backend().info().simdDetected;
  },
  /** SIMD levels compiled into the binary. */
  get simdCompiled(): string[] {
    return backend().info().simdCompiled;
  },
  get openmp(): boolean {
    return backend().info().openmp;
  },
  get threads(): number {
    return backend().info().threads;
  },
  /** Sets the native thread count (0 resets to ADVECT_THREADS or the core count). Returns it. */
  setThreads(n: number): number {
    if (typeof n !== 'number') throw typeError('an integer from 0 to 1024', 'threads', n);
    if (!Number.isInteger(n) || n < 0 || n > 1024) throw rangeError('an integer from 0 to 1024', 'threads', n);
    return backend().setThreads(n);
  },
  get versions(): EngineVersions {
    const i = backend().info();
    return {
      package: VERSION,
      node: process.versions.node,
      napi: process.versions.napi ?? '',
      native: backend().name === 'native' ? `${VERSION} (napi ${i.napi}${i.compiler ? ', ' + i.compiler : ''})` : null,
    };
  },
  /** Why the native backend is not in use (null when it is). */
  get loadError(): Error | null {
    return backend().name === 'native' ? null : loadError;
  },
  /** Bytes a single dense allocation may use before ADVECT_TOO_LARGE (ADVECT_MEMORY_BUDGET). */
  get memoryBudget(): number {
    return memoryBudget;
  },
  setMemoryBudget(bytes: number): void {
    if (typeof bytes !== 'number') throw typeError('a positive number of bytes', 'bytes', bytes);
    if (!(bytes > 0)) throw rangeError('a positive number of bytes', 'bytes', bytes);
    memoryBudget = bytes;
  },
  info() {
    return {
      version: VERSION,
      backend: this.backend,
      simd: this.simd,
      simdDetected: this.simdDetected,
      simdCompiled: this.simdCompiled,
      openmp: this.openmp,
      threads: this.threads,
      memoryBudget: this.memoryBudget,
      loadError: this.loadError ? this.loadError.message : null,
    };
  },
};

/**
 * Size guard: throws ADVECT_TOO_LARGE before allocating `elements` values of `bytesPer` bytes
 */
export function guardAllocation(elements: number, bytesPer: number, what: string, hint = ''): void {
  const bytes = elements * bytesPer;
  if (!Number.isFinite(bytes) || bytes > memoryBudget || elements > 2 ** 32) {
    throw new AdvectError(
      'ADVECT_TOO_LARGE',
      `${what} needs ${formatBytes(bytes)}, over the memory budget of ${formatBytes(memoryBudget)} ` +
        `(engine.setMemoryBudget or ADVECT_MEMORY_BUDGET)${hint ? '; ' + hint : ''}`,
    );
  }
}

export function formatBytes(b: number): string {
  if (!Number.isFinite(b)) return 'an unbounded amount of memory';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let k = 0;
  while (b >= 1024 && k < units.length - 1) {
    b /= 1024;
    k++;
  }
  return `${b.toFixed(k === 0 ? 0 : 1)} ${units[k]}`;
}
