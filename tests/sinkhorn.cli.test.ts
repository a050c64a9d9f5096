/**
 * `advect sinkhorn`: the --json contract (exact key set, last line), --plan output, --dtype,
 * point-cloud input, and usage errors. Runs the CLI entry in-process (src/cli/main.ts).
 */
import { describe, expect, it } from 'vitest';
import { lastJson, runCli, tempFiles } from './helpers/cli.js';
import { readNpy, writeNpy } from '../src/io/npy.js';
import { dist, sinkhorn } from '../src/index.js';
import { uniform } from './helpers/random.js';

const n = 30, m = 20;
const x = uniform(1, n * 2), y = uniform(2, m * 2);
const a = new Float64Array(n).fill(1 / n), b = new Float64Array(m).fill(1 / m);
const C = dist({ data: x, rows: n, cols: 2 }, { data: y, rows: m, cols: 2 });
const p = tempFiles('advect-sinkhorn-cli-');
writeNpy(p('x.npy'), x, [n, 2]);
writeNpy(p('y.npy'), y, [m, 2]);
writeNpy(p('a.npy'), a, [n]);
writeNpy(p('b.npy'), b, [m]);
writeNpy(p('M.npy'), C.data, [n, m]);

const run = (args: string[]) => runCli(['sinkhorn', ...args]);

function lastJson(out: string): Record<string, unknown> {
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

describe('advect sinkhorn', () => {
  it('--json prints exactly the contract keys on the last line; --plan writes the plan', async () => {
    const r = await run(['--a', p('a.npy'), '--b', p('b.npy'), '--cost', p('M.npy'), '--reg', '0.05', '--method', 'scaling',
      '--plan', p('P.npy'), '--json']);
    expect(r.code).toBe(0);
    const j = lastJson(r.out);
    expect(Object.keys(j).sort()).toEqual(
      ['backend', 'converged', 'cost', 'iterations', 'marginalError', 'method', 'seconds', 'simd', 'value'].sort());
    const ref = sinkhorn(a, b, C, 0.05, { method: 'scaling' });
    expect(j.cost).toBe(ref.cost);
    expect(j.iterations).toBe(ref.iterations);
    expect(j.converged).toBe(true);
    expect(j.method).toBe('scaling');
    expect(typeof j.seconds).toBe('number');
    const P = readNpy(p('P.npy'));
    expect(P.shape).toEqual([n, m]);
    expect(P.data).toBeInstanceOf(Float64Array);
  });
  it('point clouds with --dtype float32 and --metric; defaults to the input dtype', async () => {
    const r = await run(['--x', p('x.npy'), '--y', p('y.npy'), '--reg', '0.05', '--dtype', 'float32', '--metric', 'euclidean',
      '--tol', '1e-6', '--max-iter', '500', '--plan', p('P32.npy'), '--json']);
    expect(r.code).toBe(0);
    const j = lastJson(r.out);
    expect(j.converged).toBe(true);
    expect(readNpy(p('P32.npy')).data).toBeInstanceOf(Float32Array);
    const r2 = await run(['--x', p('x.npy'), '--y', p('y.npy'), '--reg', '0.05', '--method', 'online', '--json']);
    expect(lastJson(r2.out).method).toBe('online');
  });
  it('usage errors exit 2; bad input exits 1 with the message', async () => {
    expect((await run(['--cost', p('M.npy')])).code).toBe(2);
    expect((await run(['--cost', p('M.npy'), '--x', p('x.npy'), '--reg', '1'])).code).toBe(2);
    expect((await run(['--cost', p('M.npy'), '--reg', '1', '--method', 'bogus'])).code).toBe(2);
    expect((await run(['--cost', p('a.npy'), '--reg', '1'])).code).toBe(2);
    const bad = await run(['--cost', p('M.npy'), '--reg=-1']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/Expected a positive finite number for reg but received -1/);
    const mass = await run(['--cost', p('M.npy'), '--a', p('a.npy'), '--b', p('a.npy'), '--reg', '1']);
    expect(mass.code).toBe(1);
  });
});
