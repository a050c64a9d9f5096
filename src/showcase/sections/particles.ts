/**
 * Showcase section: particle flows (issue 5).
 * - MMD (energy distance) Wasserstein flow between two clouds (paper notebook set-up);
 * - tokens clustering on the sphere under attention dynamics;
 * - flow-matching paths from noise to atoms; diffusion (VP probability-flow) map vs the OT map;
 * - mean-field training risk of a two-layer ReLU network.
 */
import { emd } from '../../ot/emd.js';
import { dist } from '../../kernels.js';
import { attentionGaussianOde, moments, simulate, otCoupling } from '../../particles/index.js';
import { Figure, ramp } from '../../plot/svg.js';
import type { Matrix } from '../../types.js';
import { gaussian, mulberry32 } from '../../util/random.js';
import type { Report } from '../report.js';

function cloud(n: number, mean: number[], s: number, rng: () => number): Float64Array {
  const g = gaussian(rng);
  const d = mean.length;
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) x[i * d + k] = mean[k] + s * g();
  return x;
}

/** Segments joining consecutive recorded positions of each particle (first two coordinates). */
function paths(traj: { data: ArrayLike<number>; records: number; rows: number; cols: number }, every = 1) {
  const seg: Array<[number, number, number, number]> = [];
  const { records, rows, cols } = traj;
  for (let r = every; r < records; r += every)
    for (let i = 0; i < rows; i++) {
      const a = ((r - every) * rows + i) * cols, b = (r * rows + i) * cols;
      seg.push([traj.data[a], traj.data[a + 1], traj.data[b], traj.data[b + 1]]);
    }
  return seg;
}
const xy = (m: Matrix) => m.data;

export function particlesSection(report: Report): void {
  report.heading('Particle flows');
  const rng = mulberry32(7);

  // 1. MMD / energy-distance flow (paper §3 item 1): 60 sources, 2-component target.
  {
    const src = cloud(60, [-4, 0], 1, rng);
    const tgt = new Float64Array([...cloud(40, [4, 3], 0.8, rng), ...cloud(40, [4, -3], 0.6, rng)]);
    const t0 = performance.now();
    const res = simulate({
      x0: { data: src, rows: 60, cols: 2 },
      field: { type: 'mmd', kernel: 'energy', p: 1, target: { data: tgt, rows: 80, cols: 2 } },
      dt: 2.5 / 60, steps: 4000, record: 20,
    });
    const ms = performance.now() - t0;
    const E = res.energy!;
    const fig = new Figure({ title: 'MMD (energy distance, p = 1) flow: 60 particles, 4000 steps', width: 560, height: 420 });
    fig.segments(paths(res.trajectory), { color: '#000', width: 0.6 });
    fig.points(tgt, { color: '#1f4fd0', r: 3, label: 'target' }).points(src, { color: '#d01f1f', r: 3, label: 'source' });
    fig.points(xy(res.x), { color: '#222', r: 1.8 });
    report.figure('particles-mmd-flow.svg', fig.toSVG(), 'MMD flow trajectories (red: source, blue: target, black: paths)');
    report.summary(`MMD flow: MMD² ${E[0].toFixed(3)} → ${E[E.length - 1].toExponential(2)} in ${ms.toFixed(0)} ms (4000 steps, energy monotone: ${E.every((e, k) => k === 0 || e <= E[k - 1] + 1e-12)})`);
  }

  // 2. Tokens on the sphere (layer-norm attention model, Q = K = V = I).
  {
    const n = 64, d = 3;
    const x = cloud(n, [0, 0, 0], 1, rng);
    for (let i = 0; i < n; i++) {
      const r = Math.hypot(x[3 * i], x[3 * i + 1], x[3 * i + 2]);
      for (let k = 0; k < 3; k++) x[3 * i + k] /= r;
    }
    const I = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    const figs: string[] = [];
    for (const beta of [1, 9]) {
      const res = simulate({ x0: { data: x, rows: n, cols: d }, field: { type: 'attention', Q: I, K: I, V: I, beta, sphere: true }, integrator: 'rk4', dt: 0.1, steps: 300, record: 3 });
      const fig = new Figure({ title: `tokens on the sphere, β = ${beta} (x–y projection)`, width: 400, height: 400, bounds: [-1.05, 1.05, -1.05, 1.05] });
      const circle: number[] = [];
      for (let k = 0; k <= 100; k++) circle.push(Math.cos((2 * Math.PI * k) / 100), Math.sin((2 * Math.PI * k) / 100));
      fig.line(circle.filter((_, k) => k % 2 === 0), circle.filter((_, k) => k % 2 === 1), { color: '#bbb' });
      const T = res.trajectory;
      for (let i = 0; i < n; i++) {
        const seg: Array<[number, number, number, number]> = [];
        for (let r = 1; r < T.records; r++) {
          const a = ((r - 1) * n + i) * d, b = (r * n + i) * d;
          seg.push([T.data[a], T.data[a + 1], T.data[b], T.data[b + 1]]);
        }
        fig.segments(seg, { color: ramp(i / n), width: 0.8 });
      }
      fig.points(Float64Array.from({ length: 2 * n }, (_, e) => x[3 * (e >> 1) + (e & 1)]), { color: '#999', r: 2 });
      fig.points(Float64Array.from({ length: 2 * n }, (_, e) => res.x.data[3 * (e >> 1) + (e & 1)]), { color: '#000', r: 3 });
      figs.push(fig.toSVG());
      const lab = new Array<number>(n).fill(-1);
      let clusters = 0;
      const X = res.x.data;
      for (let i = 0; i < n; i++) {
        if (lab[i] >= 0) continue;
        lab[i] = clusters;
        for (let j = i + 1; j < n; j++) if (lab[j] < 0 && Math.hypot(X[3 * i] - X[3 * j], X[3 * i + 1] - X[3 * j + 1], X[3 * i + 2] - X[3 * j + 2]) < 0.05) lab[j] = clusters;
        clusters++;
      }
      report.summary(`sphere attention β = ${beta}: ${clusters} cluster(s) of ${n} tokens at t = 30`);
    }
    report.figure('particles-sphere-beta1.svg', figs[0], 'Attention on the sphere, β = 1: one cluster');
    report.figure('particles-sphere-beta9.svg', figs[1], 'Attention on the sphere, β = 9: metastable clusters');
  }

  // 2b. Gaussian closure of attention (paper Eq. 30): particle covariance vs the ODE.
  {
    const n = 2000;
    const Q = [[0.6, 0.2], [-0.1, 0.5]], K = [[0.4, 0], [0.3, 0.7]], V = [[0.5, -0.2], [0.1, 0.3]];
    const g = gaussian(rng);
    const x = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) { const z0 = g(), z1 = g(); x[2 * i] = 0.3 + z0; x[2 * i + 1] = -0.2 + 0.4 * z0 + 0.6 * z1; }
    const res = simulate({ x0: { data: x, rows: n, cols: 2 }, field: { type: 'attention', Q, K, V }, integrator: 'rk4', dt: 0.1, steps: 15, record: 1 });
    const m0 = moments(x, n, 2);
    const fig = new Figure({ title: 'attention on Gaussian tokens: covariance vs Eq. 30', axes: true, xLabel: 't', yLabel: 'Σ entries', width: 520, height: 360 });
    const T = res.trajectory;
    const entries: Array<[number, number, string]> = [[0, 0, '#d01f1f'], [0, 1, '#208040'], [1, 1, '#1f4fd0']];
    for (const [a, c, color] of entries) {
      const ode: number[] = [], emp: number[] = [];
      for (let r = 0; r < T.records; r++) {
        ode.push(attentionGaussianOde(m0.mean, m0.cov, [{ Q, K, V }], res.times[r] || 1e-9, { steps: 50 }).cov[a][c]);
        emp.push(res.times[r], moments(T.data.subarray(r * 2 * n, (r + 1) * 2 * n), n, 2).cov[a][c]);
      }
      fig.line(res.times, ode, { color, width: 2, label: `Σ${a + 1}${c + 1} ODE` });
      fig.points(emp, { color, r: 3 });
    }
    report.figure('particles-attention-gaussian.svg', fig.toSVG(), 'Gaussian closure of attention dynamics: 2000 tokens (dots) vs the covariance ODE (lines)');
  }

  // 3. Flow matching noise → atoms, and diffusion (VP probability-flow) map vs the OT map (paper §3 item 2).
  {
    const means = [[-3, -2.3], [0, 2], [5, -0.3]], w = [0.3, 0.4, 0.3];
    const n = 240;
    const x0 = { data: cloud(n, [0, 0], 1, rng), rows: n, cols: 2 };
    const fm = simulate({ x0, field: { type: 'flow-matching', target: means, weights: w }, integrator: 'rk4', dt: 0.999 / 100, steps: 100, record: 4 });
    const fig = new Figure({ title: 'flow matching N(0, I) → 3 atoms (weights 0.3, 0.4, 0.3)', width: 520, height: 420 });
    fig.segments(paths(fm.trajectory), { color: '#6a8', width: 0.5 });
    fig.points(x0.data, { color: '#d01f1f', r: 2, label: 'noise' }).points(means.flat(), { color: '#1f4fd0', r: 5, label: 'atoms' });
    report.figure('particles-flow-matching.svg', fig.toSVG(), 'Exact empirical flow-matching paths from noise to the atoms');

    // VP path q_r = Σ w N(r m_j, (1 − r² + σ² r²) I): the cosine schedule, i.e. the diffusion ODE.
    const sigma = 0.3;
    const df = simulate({ x0, field: { type: 'flow-matching', gmm: { means, weights: w, sigma }, schedule: 'cosine' }, integrator: 'rk4', dt: 0.01, steps: 100 });
    const C = dist(x0, df.x);
    const ot = emd(null, null, C);
    let costDiff = 0, costOt = 0;
    for (let i = 0; i < n; i++) costDiff += C.data[i * n + i] / n;
    for (let k = 0; k < ot.plan.values.length; k++) costOt += ot.plan.values[k] * C.data[ot.plan.rows[k] * n + ot.plan.cols[k]];
    const segD: Array<[number, number, number, number]> = [], segO: Array<[number, number, number, number]> = [];
    for (let i = 0; i < n; i++) segD.push([x0.data[2 * i], x0.data[2 * i + 1], df.x.data[2 * i], df.x.data[2 * i + 1]]);
    for (let k = 0; k < ot.plan.values.length; k++) {
      const i = ot.plan.rows[k], j = ot.plan.cols[k];
      segO.push([x0.data[2 * i], x0.data[2 * i + 1], df.x.data[2 * j], df.x.data[2 * j + 1]]);
    }
    const f1 = new Figure({ title: `diffusion ODE map (mean cost ${costDiff.toFixed(2)})`, width: 420, height: 360 });
    f1.segments(segD, { color: '#c07020', width: 0.6 }).points(x0.data, { color: '#d01f1f', r: 2 }).points(df.x.data, { color: '#1f4fd0', r: 2 });
    const f2 = new Figure({ title: `OT map to the same endpoints (mean cost ${costOt.toFixed(2)})`, width: 420, height: 360 });
    f2.segments(segO, { color: '#208040', width: 0.6 }).points(x0.data, { color: '#d01f1f', r: 2 }).points(df.x.data, { color: '#1f4fd0', r: 2 });
    report.figure('particles-diffusion-map.svg', f1.toSVG(), 'Probability-flow (VP) map from N(0, I) to a 3-component mixture (σ = 0.3)');
    report.figure('particles-ot-map.svg', f2.toSVG(), 'Exact OT (network simplex) between the same sources and endpoints');
    report.summary(`diffusion ODE map mean cost ${costDiff.toFixed(3)} ≥ OT mean cost ${costOt.toFixed(3)} (${n} points)`);

    // Minibatch OT-coupled flow matching: straight paths along the OT pairs.
    const tgt = { data: new Float64Array(n * 2), rows: n, cols: 2 };
    const g = gaussian(rng);
    for (let i = 0; i < n; i++) {
      const u = rng(), k = u < 0.3 ? 0 : u < 0.7 ? 1 : 2;
      tgt.data[2 * i] = means[k][0] + sigma * g();
      tgt.data[2 * i + 1] = means[k][1] + sigma * g();
    }
    const cpl = otCoupling(x0, tgt, { method: 'emd', replace: false });
    const cf = simulate({ x0: cpl.x0, field: { type: 'coupled-flow-matching', x0: cpl.x0, x1: cpl.x1, sigma: 0.05 }, integrator: 'rk4', dt: 0.02, steps: 50, record: 5 });
    const f3 = new Figure({ title: 'minibatch-OT coupled flow matching (straight paths)', width: 420, height: 360 });
    f3.segments(paths(cf.trajectory), { color: '#208040', width: 0.5 }).points(cpl.x0.data, { color: '#d01f1f', r: 2 }).points(tgt.data, { color: '#1f4fd0', r: 2 });
    report.figure('particles-ot-cfm.svg', f3.toSVG(), 'OT-CFM: the coupled field along exact minibatch OT pairs');
  }

  // 4. Mean-field two-layer ReLU network (teacher–student): risk vs time.
  {
    const N = 200, din = 3, n = 200;
    const U = cloud(N, [0, 0, 0], 1, rng);
    for (let k = 0; k < N; k++) U[k * din + 2] = 1; // bias input
    const teacher = [[1, 0.5, 0.2], [-0.7, 1, -0.1], [0.3, -1, 0.4]];
    const y = Array.from({ length: N }, (_, k) => teacher.reduce((s, t) => s + Math.max(0, t[0] * U[k * din] + t[1] * U[k * din + 1] + t[2] * U[k * din + 2]), 0) / 3);
    const x0 = cloud(n, [0, 0, 0, 0], 0.3, rng);
    const t0 = performance.now();
    const res = simulate({ x0: { data: x0, rows: n, cols: din + 1 }, field: { type: 'mean-field-mlp', data: { data: U, rows: N, cols: din }, labels: y }, integrator: 'rk4', dt: 0.05, steps: 2000, record: 10 });
    const ms = performance.now() - t0;
    const E = res.energy!;
    const fig = new Figure({ title: 'mean-field ReLU network: training risk', axes: true, logY: true, xLabel: 'time (scaled by n)', yLabel: 'risk', width: 520, height: 360 });
    fig.line(res.times, E, { color: '#1f4fd0', width: 2 });
    report.figure('particles-mean-field-risk.svg', fig.toSVG(), 'Risk of a 200-neuron two-layer ReLU network (Wasserstein gradient flow of the neurons)');
    report.summary(`mean-field MLP: risk ${E[0].toExponential(2)} → ${E[E.length - 1].toExponential(2)} in ${ms.toFixed(0)} ms (${n} neurons, ${N} samples, 2000 RK4 steps)`);
  }
}
