#!/usr/bin/env python3
"""Generate POT reference fixtures under tests/fixtures/pot/.

    pip install -r bench/pot/requirements.txt
    python3 bench/pot/make_fixtures.py            # all families
    python3 bench/pot/make_fixtures.py sinkhorn   # one family (others are left alone)

Layout (see bench/pot/README.md for the full key list):

    tests/fixtures/pot/index.json
    tests/fixtures/pot/<family>/<case>/meta.json
    tests/fixtures/pot/<family>/<case>/<array>.npy      (float64, or float32 for float32 cases)

Everything is deterministic: each case draws from numpy.random.default_rng(seed) with its own seed.
Integer arrays (EMD sparse indices) are stored as float64 so that the project's .npy reader
(float32/float64 only) can read them; they are exact.
"""

import json
import math
import os
import platform
import shutil
import sys
import warnings

import numpy as np
import scipy
import ot

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fixtures", "pot")

NUM_ITER_MAX = 1000
STOP_THR = 1e-9
DENSE_PLAN_MAX = 200 * 200  # store dense entropic plans up to this many entries
STORE_M_MAX = 500 * 500  # store M up to this many entries; above, "M": "recompute"
EMD_DENSE_MAX_N = 300  # EMD plans: dense when n < 300 and m < 300, sparse triplets otherwise

VERSIONS = {
    "pot": ot.__version__,
    "numpy": np.__version__,
    "scipy": scipy.__version__,
    "python": platform.python_version(),
}


# ------------------------------------------------------------------------------------------------
# helpers


def jnum(x):
    """A JSON-safe scalar: finite floats stay numbers, non-finite become strings."""
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def jlist(xs):
    return [jnum(x) for x in np.asarray(xs).ravel()]


class Case:
    def __init__(self, family, name):
        self.family = family
        self.name = name
        self.dir = os.path.join(OUT, family, name)
        if os.path.isdir(self.dir):
            shutil.rmtree(self.dir)
        os.makedirs(self.dir)
        self.arrays = {}

    def save(self, fname, arr):
        arr = np.asarray(arr)
        if arr.dtype not in (np.float64, np.float32):
            arr = arr.astype(np.float64)
        arr = np.ascontiguousarray(arr)
        assert arr.ndim in (1, 2), (fname, arr.shape)
        np.save(os.path.join(self.dir, fname), arr)
        self.arrays[fname] = {"shape": list(arr.shape), "dtype": str(arr.dtype)}
        return fname

    def write_meta(self, meta):
        meta = dict(meta)
        meta["family"] = self.family
        meta["case"] = self.name
        meta["versions"] = VERSIONS
        meta["arrays"] = self.arrays
        with open(os.path.join(self.dir, "meta.json"), "w") as fh:
            json.dump(meta, fh, indent=1, allow_nan=False)
            fh.write("\n")


def run_capturing(fn):
    """Run fn() and return (result, [warning messages])."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(all="warn"):
            res = fn()
    # unique messages in first-seen order, with how many times each was emitted
    msgs = {}
    for w in caught:
        key = "%s: %s" % (w.category.__name__, str(w.message))
        msgs[key] = msgs.get(key, 0) + 1
    return res, [{"message": k, "count": c} for k, c in msgs.items()]


def cloud(rng, n, d, kind="uniform", dtype=np.float64):
    if kind == "uniform":
        x = rng.random((n, d))
    elif kind == "normal":
        x = rng.standard_normal((n, d))
    elif kind == "grid":
        x = rng.integers(0, 4, size=(n, d)).astype(np.float64)
    else:
        raise ValueError(kind)
    return x.astype(dtype)


def weights(rng, n, kind, dtype=np.float64, zeros=()):
    if kind == "uniform":
        w = np.full(n, 1.0 / n)
    elif kind == "random":
        w = rng.random(n) + 0.05
    else:
        raise ValueError(kind)
    w = w.astype(np.float64)
    for z in zeros:
        w[z] = 0.0
    w = w / w.sum()
    return w.astype(dtype)


def cost_matrix(x, y, metric, p=None):
    if metric == "minkowski":
        return ot.dist(x, y, metric="minkowski", p=p)
    return ot.dist(x, y, metric=metric)


def kl_value(M, P, a, b, reg):
    """<M,P> + reg * sum_{ij} P_ij log(P_ij / (a_i b_j)), with 0 log 0 = 0 (computed in float64)."""
    M = M.astype(np.float64)
    P = P.astype(np.float64)
    q = np.outer(a.astype(np.float64), b.astype(np.float64))
    lin = float(np.sum(M * P))
    mask = P > 0
    with np.errstate(all="ignore"):
        kl = float(np.sum(P[mask] * np.log(P[mask] / q[mask])))
    return lin + reg * kl, lin, kl


def pot_solve_value(M, P, a, b, reg):
    """The value ot.solve(M, a, b, reg=reg) computes from a sinkhorn_log plan P (same dtype as M)."""
    nx = ot.backend.get_backend(M)
    value_linear = nx.sum(M * P)
    if np.any(a == 0) or np.any(b == 0):
        a = a + 1e-15 * np.min(a)
        b = b + 1e-15 * np.min(b)
    with np.errstate(all="ignore"):
        return value_linear + reg * nx.kl_div(P, a[:, None] * b[None, :] + 1e-15)


# ------------------------------------------------------------------------------------------------
# a) sinkhorn


SINKHORN_CASES = [
    # name, n, m, d, metric, minkowski p, reg_rel, weights a, weights b, dtype, extra
    dict(name="s01_1x1", n=1, m=1, d=2, metric="sqeuclidean", reg_rel=0.1),
    dict(name="s02_1x5", n=1, m=5, d=2, metric="sqeuclidean", reg_rel=0.1),
    dict(name="s03_6x1", n=6, m=1, d=3, metric="euclidean", reg_rel=0.1),
    dict(name="s04_3x7_d1", n=3, m=7, d=1, metric="sqeuclidean", reg_rel=0.05),
    dict(name="s05_20x30_d2_sqeuc", n=20, m=30, d=2, metric="sqeuclidean", reg_rel=0.1),
    dict(name="s06_20x30_d2_euclid", n=20, m=30, d=2, metric="euclidean", reg_rel=0.05),
    dict(name="s07_25x15_d3_cityblock", n=25, m=15, d=3, metric="cityblock", reg_rel=0.1),
    dict(name="s08_25x15_d3_minkowski3", n=25, m=15, d=3, metric="minkowski", p=3, reg_rel=0.1),
    dict(name="s09_30x40_d5_cosine", n=30, m=40, d=5, metric="cosine", reg_rel=0.05, cloud="normal"),
    dict(name="s10_40x40_d10_reg1e-3", n=40, m=40, d=10, metric="sqeuclidean", reg_rel=1e-3),
    dict(name="s11_40x50_d7_reg1e-2", n=40, m=50, d=7, metric="sqeuclidean", reg_rel=1e-2),
    dict(name="s12_30x30_d2_reg0.5", n=30, m=30, d=2, metric="sqeuclidean", reg_rel=0.5),
    dict(name="s13_30x20_d2_reg1", n=30, m=20, d=2, metric="sqeuclidean", reg_rel=1.0),
    dict(name="s14_30x20_d2_reg10", n=30, m=20, d=2, metric="sqeuclidean", reg_rel=10.0),
    dict(name="s15_50x70_d3_nonuniform", n=50, m=70, d=3, metric="sqeuclidean", reg_rel=0.05,
         wa="random", wb="random"),
    dict(name="s16_30x40_zero_a", n=30, m=40, d=2, metric="sqeuclidean", reg_rel=0.05,
         wa="random", za=(0, 7, 29)),
    dict(name="s17_30x40_zero_b", n=30, m=40, d=2, metric="euclidean", reg_rel=0.05,
         wb="random", zb=(3, 39)),
    dict(name="s18_25x25_zero_ab", n=25, m=25, d=3, metric="sqeuclidean", reg_rel=0.1,
         wa="random", wb="random", za=(1, 2), zb=(0, 24)),
    dict(name="s19_20x30_f32", n=20, m=30, d=2, metric="sqeuclidean", reg_rel=0.1, dtype="float32"),
    dict(name="s20_40x60_f32_nonuniform", n=40, m=60, d=3, metric="sqeuclidean", reg_rel=0.05,
         dtype="float32", wa="random", wb="random"),
    dict(name="s21_30x30_f32_reg1e-2", n=30, m=30, d=2, metric="euclidean", reg_rel=1e-2,
         dtype="float32"),
    dict(name="s22_50x50_underflow", n=50, m=50, d=2, metric="sqeuclidean", reg=0.01,
         shift=(3.0, 0.0), seed_override=2200),
    dict(name="s23_100x100_d2_reg5e-3", n=100, m=100, d=2, metric="sqeuclidean", reg_rel=5e-3),
    dict(name="s24_200x150_d3", n=200, m=150, d=3, metric="sqeuclidean", reg_rel=0.05,
         wa="random"),
    dict(name="s25_1x300", n=1, m=300, d=4, metric="sqeuclidean", reg_rel=0.05, wb="random"),
    dict(name="s26_400x500_d2", n=400, m=500, d=2, metric="sqeuclidean", reg_rel=0.02),
    dict(name="s27_1000x1000_d2", n=1000, m=1000, d=2, metric="sqeuclidean", reg_rel=0.01),
    dict(name="s28_1000x1500_d5_nonuniform", n=1000, m=1500, d=5, metric="sqeuclidean",
         reg_rel=0.05, wa="random", wb="random"),
    dict(name="s29_2000x2000_d3", n=2000, m=2000, d=3, metric="sqeuclidean", reg_rel=0.02),
]

STABILIZED_MAX = 500 * 500  # run sinkhorn_stabilized on cases up to this size


def sinkhorn_method_record(case, prefix, M, a, b, reg, P, log, msgs, store_plan, kind):
    """Common record for one method's output; saves arrays with `prefix.` file names."""
    rec = {}
    if kind == "stabilized":
        niter = int(log["n_iter"])
        rec["n_iter"] = niter
        rec["iterations"] = niter + 1
    else:
        niter = int(log["niter"])
        rec["niter"] = niter
        rec["iterations"] = niter + 1
    rec["err"] = jlist(log["err"])
    rec["warnings"] = msgs
    rec["numerical_warning"] = any("umerical error" in w["message"] for w in msgs)
    rec["not_converged_warning"] = any("did not converge" in w["message"] for w in msgs)
    rec["plan_has_nan"] = bool(np.isnan(P).any())
    rec["plan_has_inf"] = bool(np.isinf(P).any())
    cost = np.sum(M * P)  # what sinkhorn2 returns (native dtype)
    rec["cost"] = jnum(cost)
    rec["cost_f64"] = jnum(np.sum(M.astype(np.float64) * P.astype(np.float64)))
    value, lin, kl = kl_value(M, P, a, b, reg)
    rec["value"] = jnum(value)
    rec["kl"] = jnum(kl)
    rec["plan_sum"] = jnum(np.sum(P.astype(np.float64)))
    rows = P.sum(axis=1)
    cols = P.sum(axis=0)
    rec["marginal_err_l2_col"] = jnum(np.linalg.norm(cols.astype(np.float64) - b))
    rec["marginal_err_l2_row"] = jnum(np.linalg.norm(rows.astype(np.float64) - a))
    files = {}
    if store_plan:
        files["plan"] = case.save(prefix + ".plan.npy", P)
    files["row_sums"] = case.save(prefix + ".row_sums.npy", rows)
    files["col_sums"] = case.save(prefix + ".col_sums.npy", cols)
    with np.errstate(all="ignore"):
        if kind == "sinkhorn":
            u, v = log["u"], log["v"]
            files["u"] = case.save(prefix + ".u.npy", u)
            files["v"] = case.save(prefix + ".v.npy", v)
            log_u, log_v = np.log(u), np.log(v)
        elif kind == "sinkhorn_log":
            log_u, log_v = log["log_u"], log["log_v"]
        else:
            log_u, log_v = log["logu"], log["logv"]
        files["log_u"] = case.save(prefix + ".log_u.npy", log_u)
        files["log_v"] = case.save(prefix + ".log_v.npy", log_v)
        files["f"] = case.save(prefix + ".f.npy", reg * log_u)
        files["g"] = case.save(prefix + ".g.npy", reg * log_v)
    rec["files"] = files
    return rec


def make_sinkhorn(spec, idx):
    name = spec["name"]
    seed = spec.get("seed_override", 1000 + idx)
    rng = np.random.default_rng(seed)
    dtype = np.float32 if spec.get("dtype") == "float32" else np.float64
    n, m, d = spec["n"], spec["m"], spec["d"]
    kind = spec.get("cloud", "uniform")
    x = cloud(rng, n, d, kind).astype(np.float64)
    y = cloud(rng, m, d, kind).astype(np.float64)
    if "shift" in spec:
        y = y + np.asarray(spec["shift"])[None, :]
    x, y = x.astype(dtype), y.astype(dtype)
    a = weights(rng, n, spec.get("wa", "uniform"), dtype, spec.get("za", ()))
    b = weights(rng, m, spec.get("wb", "uniform"), dtype, spec.get("zb", ()))
    metric = spec["metric"]
    M = cost_matrix(x, y, metric, spec.get("p"))
    assert M.dtype == dtype
    M_max = float(M.max())
    if "reg" in spec:
        reg = float(spec["reg"])
        reg_rel = reg / M_max
    else:
        reg_rel = spec["reg_rel"]
        reg = float(reg_rel * M_max)
        if dtype == np.float32:
            reg = float(np.float32(reg))  # exactly representable in the case dtype

    case = Case("sinkhorn", name)
    inputs = {
        "x": case.save("x.npy", x),
        "y": case.save("y.npy", y),
        "a": case.save("a.npy", a),
        "b": case.save("b.npy", b),
    }
    store_M = n * m <= STORE_M_MAX
    if store_M:
        inputs["M"] = case.save("M.npy", M)
    else:
        assert metric == "sqeuclidean"
        inputs["M"] = "recompute"
    store_plan = n * m <= DENSE_PLAN_MAX

    methods = {}
    P, msgs = run_capturing(
        lambda: ot.sinkhorn(a, b, M, reg, method="sinkhorn", numItermax=NUM_ITER_MAX,
                            stopThr=STOP_THR, log=True)
    )
    P, log = P
    assert P.dtype == dtype, (P.dtype, dtype)
    methods["sinkhorn"] = sinkhorn_method_record(case, "sinkhorn", M, a, b, reg, P, log, msgs,
                                                 store_plan, "sinkhorn")
    (P, log), msgs = run_capturing(
        lambda: ot.sinkhorn(a, b, M, reg, method="sinkhorn_log", numItermax=NUM_ITER_MAX,
                            stopThr=STOP_THR, log=True)
    )
    assert P.dtype == dtype, (P.dtype, dtype)
    methods["sinkhorn_log"] = sinkhorn_method_record(case, "sinkhorn_log", M, a, b, reg, P, log,
                                                     msgs, store_plan, "sinkhorn_log")
    P_log = P
    if n * m <= STABILIZED_MAX:
        (P, log), msgs = run_capturing(
            lambda: ot.bregman.sinkhorn_stabilized(a, b, M, reg, numItermax=NUM_ITER_MAX,
                                                   stopThr=STOP_THR, log=True)
        )
        methods["sinkhorn_stabilized"] = sinkhorn_method_record(
            case, "sinkhorn_stabilized", M, a, b, reg, P, log, msgs, store_plan, "stabilized")

    # ot.solve(M, a, b, reg) runs sinkhorn_log with the same defaults; record its value exactly.
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()) as printed:
        res, msgs = run_capturing(lambda: ot.solve(M, a, b, reg=reg))
    solve_rec = {
        "value": jnum(res.value),
        "value_linear": jnum(res.value_linear),
        "value_from_sinkhorn_log_plan": jnum(pot_solve_value(M, P_log, a, b, reg)),
        "warnings": msgs,
        "printed": printed.getvalue().strip(),
    }

    meta = {
        "description": spec.get("description", ""),
        "seed": seed,
        "n": n,
        "m": m,
        "d": d,
        "metric": metric,
        "metric_p": spec.get("p"),
        "cloud": kind,
        "shift": list(spec["shift"]) if "shift" in spec else None,
        "dtype": str(np.dtype(dtype)),
        "weights_a": spec.get("wa", "uniform"),
        "weights_b": spec.get("wb", "uniform"),
        "zero_a": list(spec.get("za", ())),
        "zero_b": list(spec.get("zb", ())),
        "reg": reg,
        "reg_rel": reg_rel,
        "numItermax": NUM_ITER_MAX,
        "stopThr": STOP_THR,
        "M": "stored" if store_M else "recompute",
        "M_stats": {"max": M_max, "min": jnum(M.min()), "sum_f64": jnum(M.astype(np.float64).sum())},
        "plan_stored": store_plan,
        "inputs": inputs,
        "methods": methods,
        "ot_solve": solve_rec,
    }
    case.write_meta(meta)
    s = methods["sinkhorn"]
    sl = methods["sinkhorn_log"]
    print("  %-32s sinkhorn it=%4d warn=%s nan=%s | log it=%4d cost=%.6g / %.6g" % (
        name, s["iterations"], s["numerical_warning"], s["plan_has_nan"], sl["iterations"],
        float(s["cost_f64"]) if not isinstance(s["cost_f64"], str) else float("nan"),
        float(sl["cost_f64"])), flush=True)
    return name


# ------------------------------------------------------------------------------------------------
# b) emd

EMD_CASES = [
    dict(name="e01_1x1", n=1, m=1, d=2, metric="sqeuclidean"),
    dict(name="e02_1x6", n=1, m=6, d=2, metric="euclidean", wb="random"),
    dict(name="e03_5x1", n=5, m=1, d=3, metric="sqeuclidean", wa="random"),
    dict(name="e04_7x11_sqeuc", n=7, m=11, d=2, metric="sqeuclidean", wa="random", wb="random"),
    dict(name="e05_12x9_euclid", n=12, m=9, d=3, metric="euclidean", wa="random", wb="random"),
    dict(name="e06_15x20_cityblock", n=15, m=20, d=4, metric="cityblock"),
    dict(name="e07_15x20_minkowski3", n=15, m=20, d=4, metric="minkowski", p=3),
    dict(name="e08_20x25_cosine", n=20, m=25, d=5, metric="cosine", cloud="normal"),
    dict(name="e09_20x20_zero_a", n=20, m=20, d=2, metric="sqeuclidean", wa="random",
         za=(0, 5, 19)),
    dict(name="e10_20x30_zero_b", n=20, m=30, d=2, metric="sqeuclidean", wb="random", zb=(2, 29)),
    dict(name="e11_16x16_grid_ties", n=16, m=16, d=2, metric="sqeuclidean", cloud="grid"),
    dict(name="e12_25x25_equal_costs", n=25, m=25, d=2, metric="constant"),
    dict(name="e13_30x30_permutation", n=30, m=30, d=3, metric="sqeuclidean", permutation=True),
    dict(name="e14_40x40_grid_cityblock_ties", n=40, m=40, d=2, metric="cityblock",
         cloud="grid", wa="random", wb="random"),
    dict(name="e15_100x80_d10", n=100, m=80, d=10, metric="sqeuclidean", wa="random",
         wb="random"),
    dict(name="e16_30x40_mass_rescale", n=30, m=40, d=2, metric="sqeuclidean", wa="random",
         wb="random", b_scale=1.0 + 3e-8),
    dict(name="e17_300x300_d2", n=300, m=300, d=2, metric="sqeuclidean"),
    dict(name="e18_500x400_d3", n=500, m=400, d=3, metric="euclidean", wa="random", wb="random"),
    dict(name="e19_1000x1000_d2", n=1000, m=1000, d=2, metric="sqeuclidean"),
]


def make_emd(spec, idx):
    name = spec["name"]
    seed = 2000 + idx
    rng = np.random.default_rng(seed)
    n, m, d = spec["n"], spec["m"], spec["d"]
    kind = spec.get("cloud", "uniform")
    x = cloud(rng, n, d, kind)
    if spec.get("permutation"):
        perm = rng.permutation(m)
        y = x[perm] + 0.01 * rng.standard_normal((m, d))
    else:
        y = cloud(rng, m, d, kind)
    a = weights(rng, n, spec.get("wa", "uniform"), np.float64, spec.get("za", ()))
    b = weights(rng, m, spec.get("wb", "uniform"), np.float64, spec.get("zb", ()))
    if "b_scale" in spec:
        b = b * spec["b_scale"]
    metric = spec["metric"]
    if metric == "constant":
        M = np.ones((n, m))
    else:
        M = cost_matrix(x, y, metric, spec.get("p"))

    case = Case("emd", name)
    inputs = {
        "x": case.save("x.npy", x),
        "y": case.save("y.npy", y),
        "a": case.save("a.npy", a),
        "b": case.save("b.npy", b),
    }
    store_M = n * m <= STORE_M_MAX
    if store_M:
        inputs["M"] = case.save("M.npy", M)
    else:
        assert metric == "sqeuclidean"
        inputs["M"] = "recompute"

    (G, log), msgs = run_capturing(lambda: ot.emd(a, b, M, log=True))
    val, msgs2 = run_capturing(lambda: ot.emd2(a, b, M))
    dense = n < EMD_DENSE_MAX_N and m < EMD_DENSE_MAX_N
    files = {}
    if dense:
        files["plan"] = case.save("plan.npy", G)
    ii, jj = np.nonzero(G)
    files["plan_i"] = case.save("plan_i.npy", ii.astype(np.float64))
    files["plan_j"] = case.save("plan_j.npy", jj.astype(np.float64))
    files["plan_val"] = case.save("plan_val.npy", G[ii, jj])
    files["u"] = case.save("u.npy", log["u"])
    files["v"] = case.save("v.npy", log["v"])
    files["row_sums"] = case.save("row_sums.npy", G.sum(axis=1))
    files["col_sums"] = case.save("col_sums.npy", G.sum(axis=0))
    u, v = log["u"], log["v"]
    reduced = M - u[:, None] - v[None, :]
    meta = {
        "seed": seed,
        "n": n,
        "m": m,
        "d": d,
        "metric": metric,
        "metric_p": spec.get("p"),
        "cloud": kind,
        "dtype": "float64",
        "weights_a": spec.get("wa", "uniform"),
        "weights_b": spec.get("wb", "uniform"),
        "zero_a": list(spec.get("za", ())),
        "zero_b": list(spec.get("zb", ())),
        "b_scale": spec.get("b_scale"),
        "M": "stored" if store_M else "recompute",
        "M_stats": {"max": jnum(M.max()), "min": jnum(M.min()), "sum_f64": jnum(M.sum())},
        "inputs": inputs,
        "plan_dense_stored": dense,
        "nnz": int(len(ii)),
        "cost": jnum(log["cost"]),
        "cost_from_plan": jnum(np.sum(M * G)),
        "emd2": jnum(val),
        "result_code": int(log["result_code"]),
        "warning": log["warning"],
        "warnings": msgs + msgs2,
        "dual_objective": jnum(np.dot(a, u) + np.dot(b, v)),
        "dual_min_reduced_cost": jnum(reduced.min()),
        "plan_unique": not (metric == "constant" or kind == "grid"),
        "files": files,
    }
    case.write_meta(meta)
    print("  %-32s cost=%.10g nnz=%d code=%d" % (name, log["cost"], len(ii), log["result_code"]),
          flush=True)
    return name


# ------------------------------------------------------------------------------------------------
# c) 1-D


W1D_CASES = [
    dict(name="w01_10x10_unweighted", n=10, m=10),
    dict(name="w02_7x13_weighted", n=7, m=13, weighted=True, emd_1d=True),
    dict(name="w03_50x30_weighted", n=50, m=30, weighted=True),
    dict(name="w04_12x8_ties", n=12, m=8, ties=True, weighted=True, emd_1d=True),
    dict(name="w05_1x5", n=1, m=5, weighted=True),
    dict(name="w06_20x20_identical", n=20, m=20, identical=True),
    dict(name="w07_9x6_ties_unweighted", n=9, m=6, ties=True),
    dict(name="w08_1000x700_weighted", n=1000, m=700, weighted=True),
]
W1D_PS = [1.0, 2.0, 1.5]


def make_w1d(spec, idx):
    name = spec["name"]
    seed = 3000 + idx
    rng = np.random.default_rng(seed)
    n, m = spec["n"], spec["m"]
    if spec.get("ties"):
        u = rng.integers(0, 5, n).astype(np.float64)
        v = rng.integers(1, 6, m).astype(np.float64)
    else:
        u = rng.standard_normal(n)
        v = rng.standard_normal(m) * 1.5 + 0.3
    if spec.get("identical"):
        v = u[rng.permutation(n)]
    if spec.get("weighted"):
        uw = weights(rng, n, "random")
        vw = weights(rng, m, "random")
    else:
        uw = vw = None

    case = Case("w1d", name)
    inputs = {"u_values": case.save("u_values.npy", u), "v_values": case.save("v_values.npy", v)}
    if uw is not None:
        inputs["u_weights"] = case.save("u_weights.npy", uw)
        inputs["v_weights"] = case.save("v_weights.npy", vw)
    results = {}
    for p in W1D_PS:
        r = ot.wasserstein_1d(u, v, uw, vw, p=p)
        results[repr(p)] = jnum(r)
    emd1d = None
    if spec.get("emd_1d"):
        emd1d = {}
        a = uw if uw is not None else np.full(n, 1.0 / n)
        b = vw if vw is not None else np.full(m, 1.0 / m)
        for metric, p in [("sqeuclidean", 1.0), ("cityblock", 1.0), ("minkowski", 1.5)]:
            key = metric if metric != "minkowski" else "minkowski_p1.5"
            G, log = ot.emd_1d(u, v, a, b, metric=metric, p=p, dense=True, log=True)
            c2 = ot.emd2_1d(u, v, a, b, metric=metric, p=p)
            emd1d[key] = {
                "metric": metric,
                "p": p,
                "cost": jnum(log["cost"]),
                "emd2_1d": jnum(c2),
                "plan": case.save("emd_1d.%s.plan.npy" % key, G),
            }
    meta = {
        "seed": seed,
        "n": n,
        "m": m,
        "weighted": bool(spec.get("weighted")),
        "ties": bool(spec.get("ties")),
        "inputs": inputs,
        "wasserstein_1d": results,
        "wasserstein_1d_returns": "W_p^p (not W_p)",
        "emd_1d": emd1d,
    }
    case.write_meta(meta)
    print("  %-32s %s" % (name, results), flush=True)
    return name


# ------------------------------------------------------------------------------------------------
# d) sliced


SLICED_CASES = [
    dict(name="sl01_50x50_d2_K20_p2", n=50, m=50, d=2, K=20, p=2),
    dict(name="sl02_40x60_d5_K50_p1_weighted", n=40, m=60, d=5, K=50, p=1, weighted=True),
    dict(name="sl03_100x80_d10_K100_p2_weighted", n=100, m=80, d=10, K=100, p=2, weighted=True),
    dict(name="sl04_30x30_d3_K10_p1.5", n=30, m=30, d=3, K=10, p=1.5),
]


def make_sliced(spec, idx):
    name = spec["name"]
    seed = 4000 + idx
    rng = np.random.default_rng(seed)
    n, m, d, K, p = spec["n"], spec["m"], spec["d"], spec["K"], spec["p"]
    Xs = rng.standard_normal((n, d))
    Xt = rng.standard_normal((m, d)) * 0.8 + 0.5
    P = rng.standard_normal((d, K))
    P = P / np.linalg.norm(P, axis=0, keepdims=True)
    if spec.get("weighted"):
        a = weights(rng, n, "random")
        b = weights(rng, m, "random")
    else:
        a = np.full(n, 1.0 / n)
        b = np.full(m, 1.0 / m)
    case = Case("sliced", name)
    inputs = {
        "X_s": case.save("X_s.npy", Xs),
        "X_t": case.save("X_t.npy", Xt),
        "a": case.save("a.npy", a),
        "b": case.save("b.npy", b),
        "projections": case.save("projections.npy", P),
    }
    sw, log = ot.sliced_wasserstein_distance(Xs, Xt, a, b, n_projections=K, p=p, projections=P,
                                             log=True)
    msw, mlog = ot.max_sliced_wasserstein_distance(Xs, Xt, a, b, n_projections=K, p=p,
                                                   projections=P, log=True)
    files = {"projected_emds": case.save("projected_emds.npy", log["projected_emds"])}
    meta = {
        "seed": seed,
        "n": n,
        "m": m,
        "d": d,
        "n_projections": K,
        "p": p,
        "weighted": bool(spec.get("weighted")),
        "projections_layout": "shape (d, n_projections); column k is unit direction k",
        "inputs": inputs,
        "sliced_wasserstein_distance": jnum(sw),
        "max_sliced_wasserstein_distance": jnum(msw),
        "formula": "sw = (mean_k W_p^p(proj_k))^(1/p); max-sw = (max_k W_p^p(proj_k))^(1/p); "
                   "projected_emds[k] = W_p^p on projection k (ot.wasserstein_1d)",
        "files": files,
    }
    case.write_meta(meta)
    print("  %-32s sw=%.10g msw=%.10g" % (name, sw, msw), flush=True)
    return name


# ------------------------------------------------------------------------------------------------
# e) gaussian


GAUSS_CASES = [
    dict(name="g01_d2", d=2),
    dict(name="g02_d5", d=5),
    dict(name="g03_d10_illcond", d=10, illcond=True),
]


def spd(rng, d, illcond=False):
    A = rng.standard_normal((d, d))
    C = A @ A.T / d + 0.1 * np.eye(d)
    if illcond:
        Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
        C = Q @ np.diag(np.logspace(-3, 2, d)) @ Q.T
    return (C + C.T) / 2


def make_gaussian(spec, idx):
    name = spec["name"]
    seed = 5000 + idx
    rng = np.random.default_rng(seed)
    d = spec["d"]
    ms = rng.standard_normal(d)
    mt = rng.standard_normal(d) + 1.0
    Cs = spd(rng, d, spec.get("illcond", False))
    Ct = spd(rng, d)
    case = Case("gaussian", name)
    inputs = {
        "ms": case.save("ms.npy", ms),
        "mt": case.save("mt.npy", mt),
        "Cs": case.save("Cs.npy", Cs),
        "Ct": case.save("Ct.npy", Ct),
    }
    A, bvec = ot.gaussian.bures_wasserstein_mapping(ms, mt, Cs, Ct)
    W = ot.gaussian.bures_wasserstein_distance(ms, mt, Cs, Ct)
    B = ot.gaussian.bures_distance(Cs, Ct)
    files = {"A": case.save("A.npy", A), "b": case.save("b.npy", bvec)}
    # independent check that the distance is W2 (not W2^2)
    from scipy.linalg import sqrtm

    Cs12 = np.real(sqrtm(Cs))
    w2sq = float(np.sum((ms - mt) ** 2) + np.trace(Cs + Ct - 2 * np.real(sqrtm(Cs12 @ Ct @ Cs12))))
    meta = {
        "seed": seed,
        "d": d,
        "inputs": inputs,
        "mapping": "T(x) = x @ A + b  (POT convention: A is symmetric here, A Cs A = Ct)",
        "bures_wasserstein_distance": jnum(W),
        "bures_wasserstein_distance_returns": "W2 (the square root), i.e. "
                                              "sqrt(|ms-mt|^2 + B(Cs,Ct)^2)",
        "bures_distance": jnum(B),
        "w2_squared_scipy": w2sq,
        "files": files,
    }
    assert abs(float(W) ** 2 - w2sq) <= 1e-8 * max(1.0, w2sq), (float(W) ** 2, w2sq)
    case.write_meta(meta)
    print("  %-32s W=%.10g" % (name, W), flush=True)
    return name


# ------------------------------------------------------------------------------------------------


FAMILIES = {
    "sinkhorn": (SINKHORN_CASES, make_sinkhorn),
    "emd": (EMD_CASES, make_emd),
    "w1d": (W1D_CASES, make_w1d),
    "sliced": (SLICED_CASES, make_sliced),
    "gaussian": (GAUSS_CASES, make_gaussian),
}


def write_index():
    index = {"versions": VERSIONS, "families": {}}
    for fam in FAMILIES:
        d = os.path.join(OUT, fam)
        if os.path.isdir(d):
            index["families"][fam] = sorted(
                c for c in os.listdir(d) if os.path.isfile(os.path.join(d, c, "meta.json")))
    with open(os.path.join(OUT, "index.json"), "w") as fh:
        json.dump(index, fh, indent=1)
        fh.write("\n")


def main(argv):
    wanted = argv[1:] or list(FAMILIES)
    only_cases = set()
    fams = []
    for w in wanted:
        if w in FAMILIES:
            fams.append(w)
        else:
            only_cases.add(w)
    if not fams:
        fams = list(FAMILIES)
    os.makedirs(OUT, exist_ok=True)
    for fam in fams:
        cases, fn = FAMILIES[fam]
        print("%s:" % fam, flush=True)
        if not only_cases and os.path.isdir(os.path.join(OUT, fam)):
            shutil.rmtree(os.path.join(OUT, fam))
        for idx, spec in enumerate(cases):
            if only_cases and spec["name"] not in only_cases:
                continue
            fn(spec, idx)
    write_index()


if __name__ == "__main__":
    main(sys.argv)
