/**
 * Reads the committed POT fixtures (bench/pot/make_fixtures.py; layout in bench/pot/README.md).
 * Non-finite scalars are stored as strings and decoded here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../../src/io/npy.js';
import type { FloatArray } from '../../src/types.js';

export const FIXTURE_ROOT = join(__dirname, '..', 'fixtures', 'pot');

export interface Fixture {
  dir: string;
  meta: Record<string, any>;
  has(file: string): boolean;
  /** Loads `<file>.npy` (the name without extension). */
  array(file: string): { data: FloatArray; shape: number[] };
}

function decode(v: unknown): unknown {
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  return v;
}

export function fixtureCases(family: string): string[] {
  const index = JSON.parse(readFileSync(join(FIXTURE_ROOT, 'index.json'), 'utf8'));
  return index.families[family] as string[];
}

export function loadFixture(family: string, name: string): Fixture {
  const dir = join(FIXTURE_ROOT, family, name);
  const meta = decode(JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'))) as Record<string, any>;
  return {
    dir,
    meta,
    has: (file) => existsSync(join(dir, `${file}.npy`)),
    array: (file) => readNpy(join(dir, `${file}.npy`)),
  };
}
