#!/usr/bin/env python3
"""Sinkhorn side by side: POT and advect on identical problems, same stopping rule, one run.

Usage (from the repository root, after `npm run build:ts`; numpy's OpenBLAS settings unset for
this command only, see bench/RESULTS.md):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=passive python3 bench/pot/sinkhorn_pot.py [--quick]

Problems (M = ot.dist(x, y), sqeuclidean, uniform weights; the same M.npy goes to advect):
  A  n = m = 4000, d = 2, unit square, reg 0.01, float64: ot.sinkhorn vs advect 'scaling'
  B  the same in float32, exactly 300 iterations on both (tol 0: POT's float32 error stalls above 1e-9)
  C  n = m = 1000, d = 2, reg 0.01: sinkhorn / sinkhorn_log / sinkhorn_stabilized vs advect
     scaling / log / stabilized / auto
  D  underflow: x on the unit square, y shifted by (3, 0), reg 0.01, n = 2000: POT sinkhorn_log
     vs advect's default method (auto) at the same tolerance
  E  advect online float32, n = m = 100 000, d = 3 (no POT counterpart that fits in memory)
Prints a table of times, ratios, iteration counts and cost differences.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import ot

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QUICK = '--quick' in sys.argv
warnings.filterwarnings('ignore')


def advect(args):
    out = subprocess.run(['node', os.path.join(ROOT, 'bench', 'sinkhorn.bench.mjs'), '--json', *map(str, args)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def pot(fn, *args, **kw):
    """Best of two runs when one takes under 10 s (the machine is shared), else one run."""
    dt = float('inf')
    for rep in range(2):
        t = time.perf_counter()
        P, log = fn(*args, log=True, **kw)
        dt = min(dt, time.perf_counter() - t)
        if dt > 10:
            break
    it = (log['niter'] if 'niter' in log else log['n_iter']) + 1
    return dt, it, float(np.sum(P.astype(np.float64) * args[2].astype(np.float64)))


rows = []


def row(problem, pot_name, pot_res, adv_name, adv):
    pt, pit, pcost = pot_res if pot_res else (None, None, None)
    ratio = pt / adv['seconds'] if pt else None
    dcost = abs(adv['cost'] - pcost) / abs(pcost) if pcost else None
    rows.append((problem, pot_name, pt, pit, adv_name, adv['seconds'], adv['iterations'], ratio, dcost, adv))
    print(f"{problem:28s} {pot_name:20s} {'' if pt is None else f'{pt:8.3f}s'} it {pit}   "
          f"advect {adv_name:10s} {adv['seconds']:8.3f}s it {adv['iterations']}"
          f"{'' if ratio is None else f'   ratio {ratio:6.1f}x'}{'' if dcost is None else f'   rel cost diff {dcost:.1e}'}",
          flush=True)


def problem(n, m, d, reg, shift=None, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    x = rng.random((n, d))
    y = rng.random((m, d))
    if shift is not None:
        y = y + np.asarray(shift)
    M = ot.dist(x, y).astype(dtype)
    tmp = tempfile.mkdtemp(prefix='advect-sinkhorn-bench-')
    np.save(os.path.join(tmp, 'M.npy'), M)
    a = np.full(n, 1 / n, dtype=dtype)
    b = np.full(m, 1 / m, dtype=dtype)
    return tmp, a, b, M


def main():
    try:
        from threadpoolctl import threadpool_info
        blas = [f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} threads={i.get('num_threads')}"
                for i in threadpool_info()]
    except Exception:  # threadpoolctl missing: ask numpy's bundled OpenBLAS for its kernel
        blas = ['(threadpoolctl not installed)']
        try:
            import ctypes
            import glob
            lib = glob.glob(os.path.join(os.path.dirname(np.__file__), '..', 'numpy.libs', '*openblas*'))[0]
            core = getattr(ctypes.CDLL(lib), 'scipy_openblas_get_corename64_')
            core.restype = ctypes.c_char_p
            blas = [f'OpenBLAS kernel {core().decode()}']
        except Exception:
            pass
    print(f"POT {ot.__version__}, numpy {np.__version__}; BLAS: {'; '.join(blas)}")
    print(f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')} OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}")

    n = 2000 if QUICK else 4000
    # A: float64 scaling
    tmp, a, b, M = problem(n, n, 2, 0.01)
    ra = pot(ot.sinkhorn, a, b, M, 0.01)
    adv = advect(['--problem', tmp, '--reg', 0.01, '--method', 'scaling'])
    row(f'A {n}x{n} d2 reg0.01 f64', 'ot.sinkhorn', ra, 'scaling', adv)
    # B: float32, exactly 300 iterations on both (tol 0)
    M32 = M.astype(np.float32)
    rb = pot(ot.sinkhorn, a.astype(np.float32), b.astype(np.float32), M32, 0.01, numItermax=300, stopThr=0)
    adv = advect(['--problem', tmp, '--reg', 0.01, '--method', 'scaling', '--dtype', 'float32', '--max-iter', 300,
                  '--tol', 0])
    row(f'B {n}x{n} d2 reg0.01 f32', 'ot.sinkhorn (300)', rb, 'scaling', adv)
    del M, M32

    # C: 1000x1000, every method
    tmp, a, b, M = problem(1000, 1000, 2, 0.01, seed=1)
    rc = {k: pot(fn, a, b, M, 0.01) for k, fn in [
        ('sinkhorn', ot.bregman.sinkhorn_knopp), ('sinkhorn_log', ot.bregman.sinkhorn_log),
        ('sinkhorn_stabilized', ot.bregman.sinkhorn_stabilized)]}
    for potk, advk in [('sinkhorn', 'scaling'), ('sinkhorn_log', 'log'), ('sinkhorn_stabilized', 'stabilized'),
                       ('sinkhorn', 'auto')]:
        extra = ['--tol', 1e-9]
        adv = advect(['--problem', tmp, '--reg', 0.01, '--method', advk, *extra])
        row('C 1000x1000 d2 reg0.01 f64', potk, rc[potk], advk, adv)

    # D: underflow
    nd = 500 if QUICK else 2000
    tmp, a, b, M = problem(nd, nd, 2, 0.01, shift=(3, 0), seed=2)
    rd = pot(ot.bregman.sinkhorn_log, a, b, M, 0.01)
    adv = advect(['--problem', tmp, '--reg', 0.01, '--method', 'auto', '--repeat', 1])
    row(f'D underflow {nd}x{nd} reg0.01', 'sinkhorn_log', rd, 'auto', adv)
    adv = advect(['--problem', tmp, '--reg', 0.01, '--method', 'log', '--repeat', 1])
    row(f'D underflow {nd}x{nd} reg0.01', 'sinkhorn_log', rd, 'log', adv)
    rk = pot(ot.sinkhorn, a, b, M, 0.01)
    print(f"   (POT ot.sinkhorn on D: {rk[1]} iterations, cost {rk[2]:.3e} -- the garbage advect's scaling refuses)")

    # E: online
    ne = 20000 if QUICK else 100000
    e = advect(['--online', ne, '--d', 3, '--iters', 3])
    print(f"E online f32 {ne}x{ne} d3: {e['iterations']} iterations in {e['seconds']:.2f} s, "
          f"{e['GpairsPerSecond']:.2f} G pairs/s ({e['GpairsPerSecondPerCore']:.2f} per core, {e['threads']} threads), "
          f"RSS growth {e['rssGrowthMiB']:.1f} MiB (a dense cost matrix would be {e['denseCostMatrixMiB']:.0f} MiB)")

    print('\n| problem | POT | POT s | POT it | advect | advect s | advect it | speed-up | rel. cost diff |')
    print('|---|---|---|---|---|---|---|---|---|')
    for p, pn, pt, pit, an, at, ait, ratio, dc, _ in rows:
        print(f"| {p} | {pn} | {pt:.3f} | {pit} | {an} | {at:.3f} | {ait} | {ratio:.1f}x | {dc:.1e} |")
    for p, pn, pt, pit, an, at, ait, ratio, dc, adv in rows:
        if adv.get('rooflineFraction') is not None and an == 'scaling':
            print(f"roofline {p} {an}: {adv['perIterationMs']:.2f} ms/iteration, K streamed at {adv['kernelGBs']:.1f} GB/s "
                  f"= {100 * adv['rooflineFraction']:.0f}% of the read bandwidth measured in the same run "
                  f"({adv['readBandwidthGBs']:.1f} GB/s, {adv['threads']} threads)")


if __name__ == '__main__':
    main()
