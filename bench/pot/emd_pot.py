"""Side-by-side exact-OT benchmark: POT (ot.emd network simplex, wasserstein_1d, sliced) and advect
(node bench/emd.bench.mjs, same data via .npy) in one run; prints times, memory and ratios.

EMD problems: n = m points uniform on the unit square, uniform weights, squared Euclidean cost
(ot.dist), numItermax = 1e8 for POT and no limit for advect (both solve to optimality).
Memory: growth of the peak RSS (VmHWM, reset through /proc/self/clear_refs) during the solve call
only, in each process (the cost matrix is built before).

Usage: npm run build:ts && python3 bench/pot/emd_pot.py [--sizes 3000,5000]
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import ot


def mem_kb(key):
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(key + ':'):
                return int(line.split()[1])
    return float('nan')


def measure(fn):
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
    except OSError:
        pass
    rss0 = mem_kb('VmRSS')
    t0 = time.perf_counter()
    r = fn()
    s = time.perf_counter() - t0
    return r, s, (mem_kb('VmHWM') - rss0) / 1024


def best(fn, reps):
    b, r = float('inf'), None
    for _ in range(reps):
        t0 = time.perf_counter()
        r = fn()
        b = min(b, time.perf_counter() - t0)
    return r, b


def main():
    sizes = [3000, 5000]
    if '--sizes' in sys.argv:
        sizes = [int(s) for s in sys.argv[sys.argv.index('--sizes') + 1].split(',')]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    tmp = tempfile.mkdtemp(prefix='advect-emd-bench-')
    rng = np.random.default_rng(2026)
    pot = {}
    for n in sizes + [64, 128, 256, 512]:
        x, y = rng.random((n, 2)), rng.random((n, 2))
        np.save(f'{tmp}/x_{n}.npy', x)
        np.save(f'{tmp}/y_{n}.npy', y)
        M = ot.dist(x, y)
        a = np.full(n, 1.0 / n)
        if n >= 1000:
            (G, log), s, mb = measure(lambda: ot.emd(a, a, M, numItermax=100_000_000, log=True))
            pot[f'emd dense n={n}'] = dict(seconds=s, cost=float(log['cost']), peakExtraMB=mb, warning=log['warning'])
            print(f'POT emd n=m={n}: {s:.3f} s, cost {log["cost"]!r}, +{mb:.1f} MB', flush=True)
            del G
            r, s, mb = measure(lambda: ot.lp.emd2_lazy(x, y, numItermax=100_000_000))
            c = r if np.isscalar(r) else r[0]
            pot[f'emd lazy n={n}'] = dict(seconds=s, cost=float(c), peakExtraMB=mb)
            print(f'POT emd2_lazy n=m={n}: {s:.3f} s, +{mb:.1f} MB', flush=True)
        else:
            reps = max(5, round(2e6 / (n * n)))
            c, s = best(lambda: ot.emd2(a, a, M), reps)
            pot[f'emd small n={n}'] = dict(seconds=s, cost=float(c))
    n1 = 1_000_000
    u, v = rng.normal(size=n1), rng.normal(size=n1) * 2 + 1
    uw, vw = rng.random(n1), rng.random(n1)
    uw, vw = uw / uw.sum(), vw / vw.sum()
    for k, arr in dict(u1d=u, v1d=v, uw1d=uw, vw1d=vw).items():
        np.save(f'{tmp}/{k}.npy', arr)
    r, s = best(lambda: ot.wasserstein_1d(u, v, p=2), 3)
    pot['w1d uniform'] = dict(seconds=s, value=float(r))
    r, s = best(lambda: ot.wasserstein_1d(u, v, uw, vw, p=2), 3)
    pot['w1d weighted'] = dict(seconds=s, value=float(r))
    ns, d, K = 20000, 5, 200
    xs, xt = rng.random((ns, d)), rng.normal(size=(ns, d))
    P = rng.normal(size=(d, K))
    P /= np.linalg.norm(P, axis=0, keepdims=True)
    np.save(f'{tmp}/xs_sliced.npy', xs)
    np.save(f'{tmp}/xt_sliced.npy', xt)
    np.save(f'{tmp}/proj_sliced.npy', P)
    r, s = best(lambda: ot.sliced_wasserstein_distance(xs, xt, projections=P), 3)
    pot['sliced'] = dict(seconds=s, value=float(r))

    out = subprocess.run(['node', '--expose-gc', 'bench/emd.bench.mjs', '--json', '--data', tmp, '--sizes', ','.join(map(str, sizes))],
                         cwd=root, capture_output=True, text=True, check=True).stdout
    adv = json.loads(out.strip().split('\n')[-1])
    print(f"\nadvect backend {adv['backend']} ({adv['simd']}); POT {ot.__version__}\n")
    print('| case | POT s | advect s | POT/advect | POT +MB | advect +MB | cost rel. diff |')
    print('|---|---|---|---|---|---|---|')
    for k, p in pot.items():
        a = adv['cases'].get(k)
        if a is None:
            continue
        val_p = p.get('cost', p.get('value'))
        val_a = a.get('cost', a.get('value'))
        rel = abs(val_a - val_p) / max(abs(val_p), 1e-300)
        mp = f"{p['peakExtraMB']:.1f}" if 'peakExtraMB' in p else '-'
        ma = f"{a['peakExtraMB']:.1f}" if 'peakExtraMB' in a else '-'
        print(f"| {k} | {p['seconds']:.4f} | {a['seconds']:.4f} | {p['seconds'] / a['seconds']:.2f}x | {mp} | {ma} | {rel:.1e} |")


if __name__ == '__main__':
    main()
