/**
 * Sinkhorn against the committed POT 0.9.7 fixtures (tests/fixtures/pot/sinkhorn, 29 cases;
 * bench/pot/README.md). For every case and for POT's sinkhorn (= method 'scaling'),
 * sinkhorn_log (= 'log') and sinkhorn_stabilized (= 'stabilized', checked every 20 with <=):
 * the iteration count must be equal, and cost, plan and potentials (up to a constant) must agree.
 *
 * Tolerances (from the numerics):
 * - float64, iterations equal: both sides run the same recurrence; rounding differs (fused
 *   sweep vs BLAS, exp kernels ~1 ulp) and Sinkhorn's map is a contraction, so results agree to
 *   ~1e-13 relative; we allow 1e-9 (cost) and 1e-9 · max|P| (plan).
 * - potentials: f is defined up to a constant shared with g; compared after removing the mean
 *   over finite entries, to 1e-6 · max(1, |f|) in cost units (log-domain vs scaling potentials
 *   differ by ~reg · 1e-12 per step; non-converged cases amplify it in flat directions).
 * - float32: POT and advect both round to float32 (2^-24 ≈ 6e-8) at every step; after 1000
 *   iterations the costs agree to 1e-4 relative, potentials to 1e-3.
 *
 * Cases POT gets wrong and advect must not (bench/pot/README.md):
 * - s18 (zeros in a and b): POT's Knopp stops at iteration 0 with NaN-free garbage; advect's
 *   scaling treats zero weights exactly and matches POT's sinkhorn_log (31 iterations).
 * - s22 (underflow): POT's Knopp returns a ~1e-195 plan and stabilized a NaN plan; advect's
 *   scaling and stabilized throw ADVECT_NUMERIC, auto converges to POT's sinkhorn_log answer.
 *
 * The js backend runs the cases up to 250 000 cost entries (s27–s29 are 1e6–4e6 entries and take
 * minutes in pure TypeScript); the native backend runs all 29.
 */
import { describe, expect, it } from 'vitest';
import { backend } from '../src/backend/index.js';
import { dist } from '../src/kernels.js';
import { AdvectError, sinkhorn } from '../src/index.js';
import type { FloatArray, Matrix } from '../src/types.js';
import { fixtureCases, loadFixture, type Fixture } from './helpers/fixtures.js';

const isJs = backend().name === 'js';

function costMatrix(fx: Fixture): Matrix {
  const { n, m } = fx.meta;
  if (fx.meta.M === 'stored') return { data: fx.array('M').data, rows: n, cols: m };
  const x = fx.array('x'), y = fx.array('y');
  const C = dist({ data: x.data, rows: n, cols: fx.meta.d }, { data: y.data, rows: m, cols: fx.meta.d });
  return C;
}

function centered(v: ArrayLike<number>): number[] {
  let s = 0, k = 0;
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i])) { s += v[i]; k++; }
  const mean = s / Math.max(k, 1);
  return Array.from(v, (t) => (Number.isFinite(t) ? t - mean : t));
}

function expectPotentials(ours: FloatArray, pot: FloatArray, tol: number): void {
  const a = centered(ours), b = centered(pot);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(b[i])) {
      expect(a[i]).toBe(-Infinity);
      continue;
    }
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  }
  expect(worst).toBeLessThan(tol);
}

function maxAbs(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s = Math.max(s, Math.abs(a[i]));
  return s;
}

const METHODS = [
  ['sinkhorn', 'scaling'],
  ['sinkhorn_log', 'log'],
  ['sinkhorn_stabilized', 'stabilized'],
] as const;

const cases = fixtureCases('sinkhorn');

describe('POT fixtures: sinkhorn', () => {
  it('has the 29 committed cases', () => {
    expect(cases.length).toBe(29);
  });

  for (const name of cases) {
    const fx = loadFixture('sinkhorn', name);
    if (isJs && fx.meta.n * fx.meta.m > 250_000) continue;
    describe(name, () => {
      const { n, m } = fx.meta;
      const f32 = fx.meta.dtype === 'float32';
      const a = fx.array('a').data, b = fx.array('b').data;
      const C = costMatrix(fx);
      for (const [potName, method] of METHODS) {
        const ref = fx.meta.methods[potName];
        if (!ref) continue;
        const potFailed = ref.numerical_warning || ref.plan_has_nan;
        it(`${method} vs POT ${potName}`, () => {
          if (name.startsWith('s22') && method !== 'log') {
            // POT returns garbage (Knopp: 1e-195 plan; stabilized: NaN); advect refuses.
            expect(() => sinkhorn(a, b, C, fx.meta.reg, { method })).toThrowError(AdvectError);
            try {
              sinkhorn(a, b, C, fx.meta.reg, { method });
            } catch (e) {
              expect((e as AdvectError).code).toBe('ADVECT_NUMERIC');
              expect((e as Error).message).toMatch(/underflowed/);
            }
            return;
          }
          const r = sinkhorn(a, b, C, fx.meta.reg, { method, plan: n * m <= 200 * 200 });
          // s18: POT's Knopp fails at iteration 0; compare with its sinkhorn_log instead.
          const want = potFailed ? fx.meta.methods.sinkhorn_log : ref;
          const wantPrefix = potFailed ? 'sinkhorn_log' : potName;
          expect(r.method).toBe(method);
          expect(r.iterations).toBe(want.iterations);
          expect(r.converged).toBe(!want.not_converged_warning);
          expect(r.f).toBeInstanceOf(f32 ? Float32Array : Float64Array);
          const tolCost = f32 ? 1e-4 : 1e-9;
          expect(Math.abs(r.cost - want.cost_f64)).toBeLessThanOrEqual(tolCost * Math.abs(want.cost_f64) + 1e-300);
          // value = <C,P> + reg·KL(P|a⊗b) (fixture: the same formula on POT's plan)
          expect(Math.abs(r.value - want.value)).toBeLessThanOrEqual((f32 ? 1e-4 : 1e-8) * Math.max(1, Math.abs(want.value)));
          expectPotentials(r.f, fx.array(`${wantPrefix}.f`).data, f32 ? 1e-3 : 1e-6);
          expectPotentials(r.g, fx.array(`${wantPrefix}.g`).data, f32 ? 1e-3 : 1e-6);
          if (r.plan && fx.has(`${wantPrefix}.plan`)) {
            const P = fx.array(`${wantPrefix}.plan`).data;
            let diff = 0;
            for (let k = 0; k < P.length; k++) diff = Math.max(diff, Math.abs(r.plan.data[k] - P[k]));
            expect(diff).toBeLessThanOrEqual((f32 ? 1e-4 : 1e-9) * maxAbs(P));
          }
          // The reported error is the actual column-marginal error of the returned plan.
          if (!f32 && r.converged) expect(r.marginalError).toBeLessThan(method === 'stabilized' ? 1.0000001e-9 : 1e-9);
        });
      }
      it('auto converges where POT sinkhorn_log does, never NaN', () => {
        const ref = fx.meta.methods.sinkhorn_log;
        const r = sinkhorn(a, b, C, fx.meta.reg);
        expect(Number.isFinite(r.cost)).toBe(true);
        expect(r.converged).toBe(!ref.not_converged_warning);
        if (r.converged) {
          expect(Math.abs(r.cost - ref.cost_f64)).toBeLessThanOrEqual((f32 ? 1e-4 : 1e-8) * Math.abs(ref.cost_f64));
        }
      });
    });
  }
});
