"""Semi-discrete OT reference points. POT has no semi-discrete solver, so the side-by-side is with
scipy/Qhull: scipy.spatial.Voronoi (unweighted, unclipped Voronoi diagram) against advect's
powerDiagram with zero weights (the same Voronoi cells, clipped to the unit square, with areas,
centroids, second moments, neighbours and facet lengths), on the same points through .npy.
Also checks that both find the same neighbour pairs inside the square.

Usage: npm run build:ts && python3 bench/pot/sdot_pot.py [--sizes 10000,100000]
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy.spatial import Voronoi

sizes = [10000, 100000]
if '--sizes' in sys.argv:
    sizes = [int(s) for s in sys.argv[sys.argv.index('--sizes') + 1].split(',')]
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

NODE = r"""
import { powerDiagram, readNpy, engine } from './dist/esm/index.js';
const out = {};
for (const f of process.argv.slice(1)) {
  const a = readNpy(f);
  const n = a.shape[0];
  const X = { data: a.data, rows: n, cols: 2 };
  powerDiagram(X);  // warm-up
  let best = Infinity, d;
  for (let k = 0; k < 3; k++) { const t0 = performance.now(); d = powerDiagram(X); best = Math.min(best, (performance.now() - t0) / 1000); }
  const pairs = [];
  for (let e = 0; e < d.facets.i.length; e++) if (d.facets.length[e] > 1e-12) pairs.push(d.facets.i[e] * n + d.facets.j[e]);
  out[n] = { seconds: best, pairs, backend: engine.backend, threads: engine.threads };
}
console.log(JSON.stringify(out));
"""

with tempfile.TemporaryDirectory() as tmp:
    rng = np.random.default_rng(0)
    files, pts = [], {}
    for n in sizes:
        p = rng.random((n, 2))
        pts[n] = p
        f = os.path.join(tmp, f'y_{n}.npy')
        np.save(f, p)
        files.append(f)
    res = json.loads(subprocess.run(['node', '--input-type=module', '-e', NODE, *files], cwd=root, check=True,
                                    capture_output=True, text=True).stdout.strip().splitlines()[-1])
    print(f"{'N':>8} {'scipy Voronoi s':>16} {'advect diagram s':>17} {'scipy/advect':>13} {'pairs (scipy, in square)':>25} {'pairs advect':>13} {'common':>8}")
    for n in sizes:
        p = pts[n]
        best = float('inf')
        for _ in range(3):
            t0 = time.perf_counter()
            vor = Voronoi(p)
            best = min(best, time.perf_counter() - t0)
        # Ridges whose finite segment has a point inside the unit square (clipped cells keep those).
        sp = set()
        for (a, b), rv in zip(vor.ridge_points, vor.ridge_vertices):
            if -1 in rv:
                sp.add(int(min(a, b)) * n + int(max(a, b)))
                continue
            v = vor.vertices[rv]
            lo, hi = v.min(axis=0), v.max(axis=0)
            if hi[0] >= 0 and lo[0] <= 1 and hi[1] >= 0 and lo[1] <= 1:
                sp.add(int(min(a, b)) * n + int(max(a, b)))
        ap = set(res[str(n)]['pairs'])
        common = len(sp & ap)
        s = res[str(n)]['seconds']
        print(f"{n:>8} {best:>16.4f} {s:>17.4f} {best / s:>12.2f}x {len(sp):>25} {len(ap):>13} {common:>8}")
    print(f"advect backend {res[str(sizes[0])]['backend']}, {res[str(sizes[0])]['threads']} threads")
