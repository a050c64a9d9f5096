/** Small helpers shared by CLI commands: typed flag access, .npy input, JSON output. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readNpy } from '../io/npy.js';
import type { DType, FloatArray, Matrix } from '../types.js';
import { castTo } from '../validate.js';

export class UsageError extends Error {}

export type Flags = Record<string, string | boolean | undefined>;

export function parseFlags(argv: string[], spec: NonNullable<ParseArgsConfig['options']>): Flags {
  try {
    const { values } = parseArgs({ args: argv, options: spec, allowPositionals: false, strict: true });
    return values as Flags;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function str(flags: Flags, key: string): string | undefined {
  const v = flags[key];
  return typeof v === 'string' ? v : undefined;
}

export function num(flags: Flags, key: string, fallback?: number): number | undefined {
  const v = str(flags, key);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${key} expects a number, got ${JSON.stringify(v)}`);
  return n;
}

export function requireStr(flags: Flags, key: string): string {
  const v = str(flags, key);
  if (v === undefined) throw new UsageError(`--${key} is required`);
  return v;
}

export function loadNpy(path: string): { data: FloatArray; shape: number[] } {
  return readNpy(path);
}

/** A 2-D .npy array as a Matrix, optionally cast to `dtype` and required to have `cols` columns. */
export function loadMatrix(path: string, flag: string, opts: { dtype?: DType; cols?: number } = {}): Matrix {
  const { data, shape } = readNpy(path);
  if (shape.length !== 2 || (opts.cols !== undefined && shape[1] !== opts.cols)) {
    throw new UsageError(`--${flag} expects a 2-D array${opts.cols ? ` with ${opts.cols} columns` : ''}, got shape [${shape.join(', ')}]`);
  }
  return { data: opts.dtype ? castTo(data, opts.dtype) : data, rows: shape[0], cols: shape[1] };
}

/** A 1-D .npy array (also an (n, 1) column with `allowColumn`), or null when no path was given. */
export function loadVector(path: string | undefined, flag: string, opts: { dtype?: DType; allowColumn?: boolean } = {}): FloatArray | null {
  if (path === undefined) return null;
  const { data, shape } = readNpy(path);
  if (shape.length !== 1 && !(opts.allowColumn && shape.length === 2 && shape[1] === 1)) {
    throw new UsageError(`--${flag} expects a 1-D array, got shape [${shape.join(', ')}]`);
  }
  return opts.dtype ? castTo(data, opts.dtype) : data;
}

/** Prints `obj` as one JSON line (the last line of output under --json). */
export function printJson(obj: unknown): void {
  process.stdout.write(JSON.stringify(obj, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) + '\n');
}

/** A progress bar on stderr, only when stderr is a terminal. */
export function progressBar(label: string): { update(fraction: number, text?: string): void; done(): void } {
  const tty = process.stderr.isTTY;
  let last = 0;
  return {
    update(fraction, text = '') {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 80) return;
      last = now;
      const width = 30;
      const f = Math.max(0, Math.min(1, fraction));
      const filled = Math.round(f * width);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}   `);
    },
    done() {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}
