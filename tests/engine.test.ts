/** Engine introspection, environment caps (in child processes) and the module formats. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engine, AdvectError, dist } from '../src/index.js';
import { VERSION } from '../src/version.js';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'advect.js');

function info(env: Record<string, string | undefined>) {
  const e = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete e[k];
  const out = execFileSync(process.execPath, [BIN, 'info', '--json'], { cwd: ROOT, env: e, stdio: 'pipe' }).toString().trim().split('\n');
  return JSON.parse(out[out.length - 1]);
}

describe('engine', () => {
  it('reports a consistent introspection', () => {
    expect(['native', 'js']).toContain(engine.backend);
    expect(engine.versions.package).toBe(VERSION);
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version).toBe(VERSION);
    if (engine.backend === 'native') {
      expect(['scalar', 'avx2', 'avx512']).toContain(engine.simd);
      expect(engine.simdCompiled).toContain('scalar');
      expect(engine.loadError).toBeNull();
      expect(typeof engine.openmp).toBe('boolean');
    } else {
      expect(engine.simd).toBe('none');
      expect(engine.loadError).toBeInstanceOf(Error);
    }
    expect(engine.threads).toBeGreaterThanOrEqual(1);
  });

  it('setThreads changes and resets the thread count', () => {
    if (engine.backend === 'native') {
      expect(engine.setThreads(1)).toBe(1);
      expect(engine.threads).toBe(1);
      expect(engine.setThreads(0)).toBeGreaterThanOrEqual(1);
    } else {
      expect(engine.setThreads(3)).toBe(1);
    }
    expect(() => engine.setThreads(-1)).toThrow(new RangeError('Expected an integer from 0 to 1024 for threads but received -1'));
    expect(() => engine.setThreads('2' as unknown as number)).toThrow(new TypeError('Expected an integer from 0 to 1024 for threads but received "2"'));
  });

  it('the memory budget guards dense allocations with ADVECT_TOO_LARGE', () => {
    const saved = engine.memoryBudget;
    engine.setMemoryBudget(1000);
    try {
      const x = { data: new Float64Array(2 * 100), rows: 100, cols: 2 };
      let err: unknown;
      try {
        dist(x, x);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AdvectError);
      expect((err as AdvectError).code).toBe('ADVECT_TOO_LARGE');
      expect((err as Error).message).toMatch(/100x100 cost matrix needs 78\.1 KiB, over the memory budget of 1000 B/);
      expect((err as Error).message).toMatch(/online/);
    } finally {
      engine.setMemoryBudget(saved);
    }
    expect(() => engine.setMemoryBudget(0)).toThrow(RangeError);
  });
});

describe('environment variables (child processes through bin/advect.js)', () => {
  it('dist/ is built (npm install runs the prepare script)', () => {
    expect(existsSync(join(ROOT, 'dist', 'esm', 'cli', 'main.js'))).toBe(true);
  });

  it('reports the native backend and the best SIMD level by default', () => {
    const i = info({ ADVECT_BACKEND: undefined, ADVECT_SIMD: undefined });
    expect(i.backend).toBe('native');
    expect(i.simd).toBe(i.simdDetected);
    expect(Object.keys(i).sort()).toEqual(['backend', 'openmp', 'simd', 'simdCompiled', 'simdDetected', 'threads', 'version'].sort());
  });

  it('ADVECT_SIMD caps the level; ADVECT_BACKEND=js forces the fallback; ADVECT_THREADS sets threads', () => {
    expect(info({ ADVECT_BACKEND: undefined, ADVECT_SIMD: 'avx2' }).simd).toBe('avx2');
    expect(info({ ADVECT_BACKEND: undefined, ADVECT_SIMD: 'scalar' }).simd).toBe('scalar');
    expect(info({ ADVECT_BACKEND: 'js' }).backend).toBe('js');
    expect(info({ ADVECT_BACKEND: undefined, ADVECT_THREADS: '1' }).threads).toBe(1);
  });

  it('an invalid ADVECT_SIMD value is a clear error', () => {
    let msg = '';
    try {
      info({ ADVECT_SIMD: 'sse9' });
    } catch (e) {
      msg = String((e as { stderr?: Buffer }).stderr);
    }
    expect(msg).toContain('Expected one of scalar, avx2, avx512 for ADVECT_SIMD but received "sse9"');
  });

  it('ESM import and CommonJS require both work from the project root', () => {
    const req = createRequire(join(ROOT, 'package.json'));
    const cjs = req(ROOT);
    expect(typeof cjs.engine.backend).toBe('string');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', "import { engine } from 'advect'; console.log(engine.backend)"], { cwd: ROOT });
    expect(['native', 'js']).toContain(out.toString().trim());
  });
});
