#!/usr/bin/env python3
"""Particle fields side by side: numpy implementations of the same step and advect, one run.

Usage (from the repository root, after `npm run build:ts`; numpy's OpenBLAS settings unset for
this command only):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/pot/particles_numpy.py [--quick] [--sd-steps 100 (0: skip C)]

Cases:
  A  attention field, n = 4096 tokens, d = 64, float32, one head with Q, K, V (d×d):
     numpy softmax(QKᵀ)V with OpenBLAS (n×n scores in memory) vs advect's blocked online kernel
     (O(n·d) memory). Reports GFLOP/s counted as 4·n²·d (the two n×n×d products).
  B  MMD step (velocity of the flow toward a target), n = m = 10 000, d = 2, gaussian (σ = 1) and
     energy (p = 1) kernels, float64 and float32: numpy in row blocks of 500 (broadcast
     differences, kernel, einsum) vs advect. Target: advect ≥ 10× numpy.
  C  Sinkhorn-divergence flow, GeomLoss 2-D demo size: n = m = 10 000, 100 steps, reg 0.01
     (cost |x−y|²), tol 1e-3, warm-started online Sinkhorn: advect time only (a dense numpy
     Sinkhorn at this size needs 800 MB per kernel matrix and minutes per step).
Prints times, ratios and agreement of the first outputs.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QUICK = '--quick' in sys.argv
SD_STEPS = int(sys.argv[sys.argv.index('--sd-steps') + 1]) if '--sd-steps' in sys.argv else 100
REPS = 2 if QUICK else 5


def best(fn, reps=REPS):
    t, r = float('inf'), None
    for _ in range(reps):
        t0 = time.perf_counter()
        r = fn()
        t = min(t, time.perf_counter() - t0)
    return r, t


def attention_numpy(x, Q, K, V):
    q, k, v = x @ Q.T, x @ K.T, x @ V.T
    s = q @ k.T
    s -= s.max(axis=1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(axis=1, keepdims=True)
    return s @ v


def mmd_numpy(x, y, kernel, block=500):
    """v_i = −2[Σ_j a_j ∇₁k(x_i, x_j) − Σ_j b_j ∇₁k(x_i, y_j)], ∇₁k = φ(r²)(x − y)."""
    n, m = len(x), len(y)
    v = np.empty_like(x)
    for s in range(0, n, block):
        xs = x[s:s + block]
        g = np.zeros_like(xs)
        for Z, w, sign in ((x, 1.0 / n, 1.0), (y, 1.0 / m, -1.0)):
            D = xs[:, None, :] - Z[None, :, :]
            r2 = np.einsum('ijk,ijk->ij', D, D)
            if kernel == 'gaussian':
                phi = -np.exp(-0.5 * r2)
            else:
                phi = -1.0 / np.sqrt(r2 + 1e-8)
            g += (sign * w) * np.einsum('ij,ijk->ik', phi, D)
        v[s:s + block] = -2.0 * g
    return v


def main():
    rng = np.random.default_rng(0)
    tmp = tempfile.mkdtemp(prefix='advect-particles-bench-')
    n, d = 4096, 64
    x = rng.standard_normal((n, d)).astype(np.float32)
    Q, K, V = [(rng.standard_normal((d, d)) / np.sqrt(d)).astype(np.float32) for _ in range(3)]
    for name, arr in (('attn_x', x), ('attn_Q', Q), ('attn_K', K), ('attn_V', V)):
        np.save(os.path.join(tmp, name + '.npy'), arr)
    nm = 10000
    mx = rng.standard_normal((nm, 2))
    my = rng.standard_normal((nm, 2)) * 0.5 + np.array([2.0, 0.0])
    np.save(os.path.join(tmp, 'mmd_x.npy'), mx)
    np.save(os.path.join(tmp, 'mmd_y.npy'), my)
    # GeomLoss 2-D demo shape: a source blob and a ring-shaped target
    th = rng.uniform(0, 2 * np.pi, nm)
    sx = rng.standard_normal((nm, 2)) * 0.1 + np.array([0.25, 0.5])
    sy = np.stack([0.7 + 0.2 * np.cos(th), 0.5 + 0.2 * np.sin(th)], 1) + rng.standard_normal((nm, 2)) * 0.01
    np.save(os.path.join(tmp, 'sd_x.npy'), sx)
    np.save(os.path.join(tmp, 'sd_y.npy'), sy)

    cmd = ['node', os.path.join(ROOT, 'bench', 'particles.bench.mjs'), '--json', '--data', tmp, '--sd-steps', str(SD_STEPS)]
    if QUICK:
        cmd.append('--quick')
    adv = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT).stdout.strip().splitlines()[-1])
    cases = adv['cases']
    print(f"advect backend {adv['backend']} simd {adv['simd']} threads {adv['threads']}; numpy {np.__version__}")
    print()
    print('| case | numpy (s) | advect (s) | ratio numpy/advect | note |')
    print('|---|---|---|---|---|')

    ref, t_np = best(lambda: attention_numpy(x, Q, K, V))
    key = f'attention n={n} d={d} float32'
    a = cases[key]
    agree = float(np.max(np.abs(np.array(a['out']) - ref.ravel()[:4])))
    print(f"| A {key} | {t_np:.4f} | {a['seconds']:.4f} | {t_np / a['seconds']:.2f}x | "
          f"numpy {4 * n * n * d / t_np / 1e9:.1f} GFLOP/s, advect {a['gflops']:.1f} GFLOP/s; "
          f"numpy scores {n * n * 4 / 2**20:.0f} MiB, advect O(n·d); |Δ| {agree:.1e} |")

    for kernel in ('gaussian', 'energy'):
        for dtype in ('float64', 'float32'):
            xx, yy = mx.astype(dtype), my.astype(dtype)
            reps = 1 if QUICK else 2
            ref, t_np = best(lambda: mmd_numpy(xx, yy, kernel), reps)
            key = f'mmd {kernel} n={nm} d=2 {dtype}'
            a = cases[key]
            agree = float(np.max(np.abs(np.array(a['out']) - ref.ravel()[:4])))
            print(f"| B {key} | {t_np:.3f} | {a['seconds']:.4f} | {t_np / a['seconds']:.1f}x | "
                  f"{a['GpairsPerS']:.2f} G pairs/s; |Δ| {agree:.1e} |")

    keys = [k for k in cases if k.startswith('sinkhorn-divergence')]
    if not keys:
        return
    key = keys[0]
    c = cases[key]
    e = c['energy']
    print(f"| C {key} | - | {c['seconds']:.2f} | - | {c['perStep'] * 1e3:.0f} ms/step; S_eps {e[0]:.3e} -> {e[-1]:.3e} |")


if __name__ == '__main__':
    main()
