/** Runs the `advect` CLI entry in-process, capturing stdout/stderr, for the CLI contract tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const so = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  const lo = vi.spyOn(console, 'log').mockImplementation((...s: unknown[]) => { out.push(s.join(' ') + '\n'); });
  const le = vi.spyOn(console, 'error').mockImplementation((...s: unknown[]) => { err.push(s.join(' ') + '\n'); });
  try {
    const code = await main(args);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    so.mockRestore();
    lo.mockRestore();
    le.mockRestore();
  }
}

/** The JSON object on the last line of output (the --json contract). */
export const lastJson = (out: string) => JSON.parse(out.trim().split('\n').pop() as string);

/** A temporary directory removed after the file's tests; returns a path builder. */
export function tempFiles(prefix: string): (file: string) => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (file) => join(dir, file);
}
