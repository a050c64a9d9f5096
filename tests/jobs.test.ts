/**
 * Async jobs own their inputs: detaching (transferring) or overwriting the caller's buffers while
 * a job runs must neither crash the process nor change the result (DESIGN §4).
 */
import { describe, expect, it } from 'vitest';
import { dist, emd, emdAsync, simulate, simulateAsync, sinkhorn, sinkhornAsync } from '../src/index.js';
import { uniform } from './helpers/random.js';

const detach = (buf: ArrayBufferLike) => structuredClone(buf, { transfer: [buf as ArrayBuffer] });

describe('async inputs are copied', () => {
  const n = 60;
  const x = { data: uniform(1, n * 2), rows: n, cols: 2 }, y = { data: uniform(2, n * 2), rows: n, cols: 2 };

  it('sinkhornAsync and emdAsync survive a detached cost matrix', async () => {
    const ref = sinkhorn(null, null, dist(x, y), 0.05);
    const refEmd = emd(null, null, dist(x, y));
    const C1 = dist(x, y), C2 = dist(x, y);
    const p1 = sinkhornAsync(null, null, C1, 0.05);
    const p2 = emdAsync(null, null, C2);
    detach(C1.data.buffer);
    C2.data.fill(0);
    const [s, e] = await Promise.all([p1, p2]);
    expect(C1.data.length).toBe(0); // really detached
    expect(s.cost).toBe(ref.cost);
    expect(s.iterations).toBe(ref.iterations);
    expect(e.cost).toBe(refEmd.cost);
  });

  it('simulateAsync survives a detached initial state', async () => {
    const field = { type: 'langevin', potential: { type: 'quadratic', A: [[1, 0], [0, 2]] }, temperature: 0.3 } as const;
    const opts = { field, integrator: 'euler-maruyama', dt: 0.01, steps: 50, seed: 4 } as const;
    const ref = simulate({ ...opts, x0: { data: x.data.slice(), rows: n, cols: 2 } });
    const x0 = { data: x.data.slice(), rows: n, cols: 2 };
    const p = simulateAsync({ ...opts, x0 });
    detach(x0.data.buffer);
    const r = await p;
    expect(Array.from(r.x.data)).toEqual(Array.from(ref.x.data));
  });
});
