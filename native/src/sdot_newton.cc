// Damped Newton for semi-discrete OT and Lloyd iterations (see advect/sdot.h).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "advect/sdot.h"

namespace advect {
namespace {


// Symmetric graph Laplacian in CSR form (diagonal stored separately), with rows renumbered in
// the diagram's grid order so that neighbours are close in memory.
struct Laplacian {
  std::size_t n = 0;
  std::vector<int32_t> start, col, pos;
  std::vector<double> val, diag;

  void build(std::size_t nn, const PowerDiagramResult& D, const double* Y, const int32_t* order) {
    n = nn;
    pos.assign(n, 0);
    for (std::size_t r = 0; r < n; ++r) pos[order[r]] = static_cast<int32_t>(r);
    start.assign(n + 1, 0);
    diag.assign(n, 0);
    const std::size_t ne = D.ei.size();
    std::vector<double> c(ne);
    for (std::size_t e = 0; e < ne; ++e) {
      const int32_t i = pos[D.ei[e]], j = pos[D.ej[e]];
      const double dx = Y[2 * D.ei[e]] - Y[2 * D.ej[e]], dy = Y[2 * D.ei[e] + 1] - Y[2 * D.ej[e] + 1];
      c[e] = D.efacet[e] / (2 * std::sqrt(dx * dx + dy * dy));
      start[i + 1]++, start[j + 1]++;
    }
    for (std::size_t i = 0; i < n; ++i) start[i + 1] += start[i];
    col.assign(start[n], 0);
    val.assign(start[n], 0);
    std::vector<int32_t> fill(start.begin(), start.end() - 1);
    for (std::size_t e = 0; e < ne; ++e) {
      const int32_t i = pos[D.ei[e]], j = pos[D.ej[e]];
      col[fill[i]] = j, val[fill[i]++] = -c[e];
      col[fill[j]] = i, val[fill[j]++] = -c[e];
      diag[i] += c[e], diag[j] += c[e];
    }
  }

  // Serial on purpose: one CG iteration is ~1 ms at N = 1e5, too little to amortise a parallel
  // region (and OpenMP workers spinning between regions slow everything on a loaded machine).
  void apply(const double* x, double* y) const {
    for (std::size_t i = 0; i < n; ++i) {
      double s = diag[i] * x[i];
      for (int32_t t = start[i]; t < start[i + 1]; ++t) s += val[t] * x[col[t]];
      y[i] = s;
    }
  }
};

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

void remove_mean(std::vector<double>& v) {
  if (v.empty()) return;
  double s = 0;
  for (double x : v) s += x;
  s /= static_cast<double>(v.size());
  for (double& x : v) x -= s;
}

// Aggregation multigrid V-cycle for the mass Laplacian (used as a CG preconditioner):
// greedy plain aggregation in index order (grid order: aggregates are spatially compact),
// Galerkin coarse matrices (sums of fine entries), one forward Gauss–Seidel sweep before and one
// backward sweep after the coarse correction (so the cycle is symmetric), and a dense Cholesky
// of the coarsest matrix with a tiny diagonal shift (the Laplacians are singular on constants).
struct AmgLevel {
  std::size_t n = 0;
  std::vector<int32_t> start, col;
  std::vector<double> val, diag;
  std::vector<int32_t> agg;  // fine node -> coarse node (empty on the coarsest level)
  std::size_t nc = 0;
};

struct Amg {
  std::vector<AmgLevel> lv;
  std::vector<double> chol;  // coarsest dense factor (row-major lower)
  mutable std::vector<std::vector<double>> xs, bs, rs;

  void build(const Laplacian& L) {
    lv.clear();
    AmgLevel l0;
    l0.n = L.n, l0.start = L.start, l0.col = L.col, l0.val = L.val, l0.diag = L.diag;
    lv.push_back(std::move(l0));
    while (lv.back().n > 200 && lv.size() < 20) {
      AmgLevel& f = lv.back();
      const std::size_t n = f.n;
      f.agg.assign(n, -1);
      int32_t nc = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (f.agg[i] >= 0) continue;
        bool free = true;
        for (int32_t t = f.start[i]; t < f.start[i + 1] && free; ++t) free = f.agg[f.col[t]] < 0;
        if (!free) continue;
        f.agg[i] = nc;
        for (int32_t t = f.start[i]; t < f.start[i + 1]; ++t) f.agg[f.col[t]] = nc;
        ++nc;
      }
      for (std::size_t i = 0; i < n; ++i) {
        if (f.agg[i] >= 0) continue;
        for (int32_t t = f.start[i]; t < f.start[i + 1]; ++t)
          if (f.agg[f.col[t]] >= 0) {
            f.agg[i] = f.agg[f.col[t]];
            break;
          }
        if (f.agg[i] < 0) f.agg[i] = nc++;
      }
      f.nc = static_cast<std::size_t>(nc);
      if (f.nc >= n) {  // no coarsening possible
        f.agg.clear();
        break;
      }
      AmgLevel c;
      c.n = f.nc;
      c.diag.assign(c.n, 0);
      // Fine rows grouped by aggregate.
      std::vector<int32_t> gs(c.n + 1, 0), rows(n);
      for (std::size_t i = 0; i < n; ++i) gs[f.agg[i] + 1]++;
      for (std::size_t I = 0; I < c.n; ++I) gs[I + 1] += gs[I];
      {
        std::vector<int32_t> fill(gs.begin(), gs.end() - 1);
        for (std::size_t i = 0; i < n; ++i) rows[fill[f.agg[i]]++] = static_cast<int32_t>(i);
      }
      std::vector<int32_t> mark(c.n, -1);
      c.start.assign(c.n + 1, 0);
      for (std::size_t I = 0; I < c.n; ++I) {
        const int32_t row_begin = static_cast<int32_t>(c.col.size());
        for (int32_t q = gs[I]; q < gs[I + 1]; ++q) {
          const int32_t i = rows[q];
          c.diag[I] += f.diag[i];
          for (int32_t t = f.start[i]; t < f.start[i + 1]; ++t) {
            const int32_t J = f.agg[f.col[t]];
            if (J == static_cast<int32_t>(I)) {
              c.diag[I] += f.val[t];
              continue;
            }
            if (mark[J] < row_begin) {
              mark[J] = static_cast<int32_t>(c.col.size());
              c.col.push_back(J);
              c.val.push_back(f.val[t]);
            } else {
              c.val[mark[J]] += f.val[t];
            }
          }
        }
        c.start[I + 1] = static_cast<int32_t>(c.col.size());
      }
      lv.push_back(std::move(c));
    }
    // Coarsest: dense Cholesky of A + shift·I (symmetric Gauss–Seidel instead if it stayed large,
    // which only happens for a graph without edges).
    const AmgLevel& cl = lv.back();
    const std::size_t m = cl.n > 2000 ? 0 : cl.n;
    chol.assign(m * m, 0);
    double dmax = 0;
    for (std::size_t i = 0; i < m; ++i) dmax = std::max(dmax, cl.diag[i]);
    const double shift = 1e-10 * (dmax > 0 ? dmax : 1);
    for (std::size_t i = 0; i < m; ++i) {
      chol[i * m + i] = cl.diag[i] + shift;
      for (int32_t t = cl.start[i]; t < cl.start[i + 1]; ++t) chol[i * m + cl.col[t]] += cl.val[t];
    }
    for (std::size_t j = 0; j < m; ++j) {
      double d = chol[j * m + j];
      for (std::size_t k = 0; k < j; ++k) d -= chol[j * m + k] * chol[j * m + k];
      d = d > shift * 1e-3 ? std::sqrt(d) : std::sqrt(shift);
      chol[j * m + j] = d;
      for (std::size_t i = j + 1; i < m; ++i) {
        double s = chol[i * m + j];
        for (std::size_t k = 0; k < j; ++k) s -= chol[i * m + k] * chol[j * m + k];
        chol[i * m + j] = s / d;
      }
    }
    xs.assign(lv.size(), {}), bs.assign(lv.size(), {}), rs.assign(lv.size(), {});
    for (std::size_t l = 0; l < lv.size(); ++l) xs[l].assign(lv[l].n, 0), bs[l].assign(lv[l].n, 0), rs[l].assign(lv[l].n, 0);
  }

  static void gs_sweep(const AmgLevel& A, const std::vector<double>& b, std::vector<double>& x, bool forward) {
    const std::size_t n = A.n;
    for (std::size_t q = 0; q < n; ++q) {
      const std::size_t i = forward ? q : n - 1 - q;
      if (!(A.diag[i] > 0)) continue;
      double s = b[i];
      for (int32_t t = A.start[i]; t < A.start[i + 1]; ++t) s -= A.val[t] * x[A.col[t]];
      x[i] = s / A.diag[i];
    }
  }

  void cycle(std::size_t l) const {
    const AmgLevel& A = lv[l];
    std::vector<double>& x = xs[l];
    const std::vector<double>& b = bs[l];
    if (l + 1 == lv.size()) {
      if (A.n > 2000) {
        std::fill(x.begin(), x.end(), 0.0);
        gs_sweep(A, b, x, true);
        gs_sweep(A, b, x, false);
        return;
      }
      const std::size_t m = A.n;
      for (std::size_t i = 0; i < m; ++i) {
        double s = b[i];
        for (std::size_t k = 0; k < i; ++k) s -= chol[i * m + k] * x[k];
        x[i] = s / chol[i * m + i];
      }
      for (std::size_t i = m; i-- > 0;) {
        double s = x[i];
        for (std::size_t k = i + 1; k < m; ++k) s -= chol[k * m + i] * x[k];
        x[i] = s / chol[i * m + i];
      }
      return;
    }
    std::fill(x.begin(), x.end(), 0.0);
    gs_sweep(A, b, x, true);
    std::vector<double>& r = rs[l];
    for (std::size_t i = 0; i < A.n; ++i) {
      double s = A.diag[i] * x[i];
      for (int32_t t = A.start[i]; t < A.start[i + 1]; ++t) s += A.val[t] * x[A.col[t]];
      r[i] = b[i] - s;
    }
    std::vector<double>& bc = bs[l + 1];
    std::fill(bc.begin(), bc.end(), 0.0);
    for (std::size_t i = 0; i < A.n; ++i) bc[A.agg[i]] += r[i];
    cycle(l + 1);
    const std::vector<double>& xc = xs[l + 1];
    for (std::size_t i = 0; i < A.n; ++i) x[i] += xc[A.agg[i]];
    gs_sweep(A, b, x, false);
  }

  void solve(const std::vector<double>& r, std::vector<double>& z) const {
    bs[0] = r;
    cycle(0);
    z = xs[0];
  }
};

// Preconditioned CG for L x = r on the mean-zero subspace (the right-hand side is projected;
// L's columns sum to zero, so the residual stays mean-zero). Returns the iteration count.
template <class Precond>
int pcg(const Laplacian& L, const Precond& M, const std::vector<double>& rhs, double rtol, int max_iter,
        std::vector<double>& x) {
  const std::size_t n = L.n;
  x.assign(n, 0);
  std::vector<double> r = rhs, z(n), p(n), q(n);
  remove_mean(r);
  const double r0 = std::sqrt(dot(r, r));
  if (!(r0 > 0)) return 0;
  M.solve(r, z);
  p = z;
  double rz = dot(r, z);
  int it = 0;
  for (; it < max_iter; ++it) {
    L.apply(p.data(), q.data());
    const double pq = dot(p, q);
    if (!(pq > 0)) break;
    const double alpha = rz / pq;
    double rr = 0;
    for (std::size_t i = 0; i < n; ++i) {
      x[i] += alpha * p[i];
      r[i] -= alpha * q[i];
      rr += r[i] * r[i];
    }
    if (std::sqrt(rr) <= rtol * r0) {
      ++it;
      break;
    }
    M.solve(r, z);
    const double rz2 = dot(r, z);
    const double beta = rz2 / rz;
    rz = rz2;
    for (std::size_t i = 0; i < n; ++i) p[i] = z[i] + beta * p[i];
  }
  remove_mean(x);
  return it;
}

double max_rel_error(const std::vector<double>& m, const double* b) {
  double e = 0;
  for (std::size_t i = 0; i < m.size(); ++i) e = std::max(e, std::fabs(m[i] - b[i]) / b[i]);
  return e;
}

double l2_error(const std::vector<double>& m, const double* b) {
  double e = 0;
  for (std::size_t i = 0; i < m.size(); ++i) e += (m[i] - b[i]) * (m[i] - b[i]);
  return std::sqrt(e);
}

double min_of(const std::vector<double>& v) {
  double m = std::numeric_limits<double>::infinity();
  for (double x : v) m = std::min(m, x);
  return m;
}

}  // namespace

Status check_distinct_sites(const double* sites, std::size_t n, std::size_t d) {
  std::vector<int32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    for (std::size_t k = 0; k < d; ++k) {
      if (sites[a * d + k] != sites[b * d + k]) return sites[a * d + k] < sites[b * d + k];
    }
    return a < b;
  });
  for (std::size_t t = 1; t < n; ++t) {
    const int32_t a = order[t - 1], b = order[t];
    bool same = true;
    for (std::size_t k = 0; k < d && same; ++k) same = sites[a * d + k] == sites[b * d + k];
    if (same) {
      return Status::Error(Code::infeasible, "Sites " + std::to_string(std::min(a, b)) + " and " + std::to_string(std::max(a, b)) +
                                                 " coincide; Laguerre cells cannot split their mass (merge them and add their masses)");
    }
  }
  return Status::Ok();
}

namespace {

// Re-seeds cells without mass: raises w_i until the nearest support point is inside cell i.
Status reseed(const PowerDiagram& pd, const PowerDiagramOptions& po, std::vector<double>& w, PowerDiagramResult& D) {
  const std::size_t n = pd.size();
  const double* Y = pd.sites();
  const double margin = 0.1 * pd.domain_area() / static_cast<double>(n);
  for (int round = 0; round < 64 && n > 1; ++round) {
    bool any = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (D.masses[i] > 0) continue;
      any = true;
      double qx, qy;
      pd.support_point(Y[2 * i], Y[2 * i + 1], qx, qy, po.blend > 0);
      double v = std::numeric_limits<double>::infinity();
      for (std::size_t j = 0; j < n; ++j) {
        if (j == i) continue;
        const double dx = qx - Y[2 * j], dy = qy - Y[2 * j + 1];
        v = std::min(v, dx * dx + dy * dy - w[j]);
      }
      const double dx = qx - Y[2 * i], dy = qy - Y[2 * i + 1];
      w[i] = dx * dx + dy * dy - v + margin;
    }
    if (!any) break;
    remove_mean(w);
    Status st = pd.compute(w.data(), po, D);
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

// One damped-Newton run at a fixed density (blend); w and D are updated in place; out collects
// history, iterations and the stop reason. Returns converged.
Status newton_stage(const PowerDiagram& pd, const PowerDiagramOptions& po, const double* b, double tol, int max_iter,
                    const NewtonOptions& opt, const std::atomic<bool>* cancel, const SdotProgress& progress,
                    std::vector<double>& w, PowerDiagramResult& D, NewtonResult& out, bool& converged) {
  const std::size_t n = pd.size();
  const double* Y = pd.sites();
  converged = false;
  double minb = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n; ++i) minb = std::min(minb, b[i]);
  const double eps0 = 0.5 * std::min(minb, min_of(D.masses));
  double err = max_rel_error(D.masses, b);
  double l2 = l2_error(D.masses, b);
  if (out.history.empty()) out.history.push_back(err);
  out.max_rel_error = err;
  if (!(eps0 > 0)) {
    out.reason = "some cells have no mass at the initial weights";
    return Status::Ok();
  }
  const int cg_max = opt.cg_max_iter > 0 ? opt.cg_max_iter : static_cast<int>(20 * std::sqrt(static_cast<double>(n)) + 100);
  Laplacian L;
  Amg amg;
  std::vector<double> rhs(n), delta(n), dperm, wt(n);
  PowerDiagramResult Dt;
  for (int it = 0;; ++it) {
    if (err <= tol) {
      converged = true;
      out.reason.clear();
      return Status::Ok();
    }
    if (it >= max_iter) {
      out.reason = "maximum number of Newton iterations reached";
      return Status::Ok();
    }
    if (cancel && cancel->load(std::memory_order_relaxed)) return Status::Error(Code::aborted, "The operation was aborted");
    L.build(n, D, Y, pd.order());
    for (std::size_t i = 0; i < n; ++i) rhs[L.pos[i]] = b[i] - D.masses[i];
    amg.build(L);
    // Inexact Newton: a loose inner solve far from the solution, tighter near it.
    const double eta = std::min(opt.cg_tol, std::max(0.5 * tol / err, std::min(0.1, err)));
    out.cg_iterations += pcg(L, amg, rhs, eta, cg_max, dperm);
    for (std::size_t i = 0; i < n; ++i) delta[i] = dperm[L.pos[i]];
    double t = 1;
    bool accepted = false;
    for (int ls = 0; ls < 40; ++ls, t *= 0.5) {
      // Each trial is a whole power diagram: poll the cancel flag per trial, not per Newton step.
      if (cancel && cancel->load(std::memory_order_relaxed)) return Status::Error(Code::aborted, "The operation was aborted");
      for (std::size_t i = 0; i < n; ++i) wt[i] = w[i] + t * delta[i];
      Status st = pd.compute(wt.data(), po, Dt);
      if (!st.ok()) return st;
      if (min_of(Dt.masses) >= eps0 && l2_error(Dt.masses, b) <= (1 - t / 2) * l2) {
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      out.reason = "the line search found no acceptable step";
      return Status::Ok();
    }
    ++out.iterations;
    w = wt;
    remove_mean(w);
    std::swap(D, Dt);
    err = max_rel_error(D.masses, b);
    l2 = l2_error(D.masses, b);
    out.history.push_back(err);
    out.max_rel_error = err;
    if (progress) progress(out.iterations, err, t, out.cg_iterations);
  }
}

}  // namespace

Status sdot_newton(const PowerDiagram& pd, const double* b, const double* w0, const NewtonOptions& opt,
                   const std::atomic<bool>* cancel, const SdotProgress& progress, NewtonResult& out) {
  const std::size_t n = pd.size();
  Status st = check_distinct_sites(pd.sites(), n, 2);
  if (!st.ok()) return st;
  out = NewtonResult();
  std::vector<double> w(n, 0);
  if (w0) std::copy(w0, w0 + n, w.begin());
  remove_mean(w);
  PowerDiagramOptions po;
  PowerDiagramResult D;
  st = pd.compute(w.data(), po, D);
  if (!st.ok()) return st;
  bool converged = false;
  if (pd.has_image() && min_of(D.masses) <= 0) {
    // Homotopy from the uniform density (where every cell can be given mass) to the image:
    // ρ_t = (1 − t)ρ + t·uniform, t = 1, 1/2, 1/4, ..., 2⁻¹⁰, each solved loosely and warm-started
    // (halving t at most halves a cell's mass, so each stage starts within Newton's reach).
    for (int k = 0; k <= 10; ++k) {
      const double t = std::ldexp(1.0, -k);
      po.blend = t;
      st = pd.compute(w.data(), po, D);
      if (!st.ok()) return st;
      st = reseed(pd, po, w, D);
      if (!st.ok()) return st;
      st = newton_stage(pd, po, b, std::max(opt.tol, 1e-2), opt.max_iter, opt, cancel, progress, w, D, out, converged);
      if (!st.ok()) return st;
    }
    po.blend = 0;
    st = pd.compute(w.data(), po, D);
    if (!st.ok()) return st;
  }
  st = reseed(pd, po, w, D);
  if (!st.ok()) return st;
  st = newton_stage(pd, po, b, opt.tol, opt.max_iter, opt, cancel, progress, w, D, out, converged);
  if (!st.ok()) return st;
  out.converged = converged;
  out.max_rel_error = max_rel_error(D.masses, b);
  if (out.history.back() != out.max_rel_error) out.history.push_back(out.max_rel_error);
  out.weights = w;
  double cost = 0;
  for (double c : D.costs) cost += c;
  out.cost = cost;
  out.diagram = std::move(D);
  return Status::Ok();
}

Status sdot_lloyd(const double* sites0, std::size_t n, const double* b, const double* domain, std::size_t nv,
                  const Density2D& density, const LloydOptions& opt, const std::atomic<bool>* cancel,
                  const SdotProgress& progress, LloydResult& out) {
  out = LloydResult();
  out.sites.assign(sites0, sites0 + 2 * n);
  std::vector<double> w(n, 0);
  for (int it = 0;; ++it) {
    if (cancel && cancel->load(std::memory_order_relaxed)) return Status::Error(Code::aborted, "The operation was aborted");
    PowerDiagram pd;
    Status st = pd.init(out.sites.data(), n, domain, nv, density);
    if (!st.ok()) return st;
    NewtonResult nr;
    st = sdot_newton(pd, b, w.data(), opt.newton, cancel, SdotProgress(), nr);
    if (!st.ok()) return st;
    w = nr.weights;
    if (it >= opt.iterations) {
      out.iterations = it;
      out.weights = w;
      out.last = std::move(nr);
      return Status::Ok();
    }
    double move = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double dx = nr.diagram.centroids[2 * i] - out.sites[2 * i], dy = nr.diagram.centroids[2 * i + 1] - out.sites[2 * i + 1];
      move = std::max(move, std::sqrt(dx * dx + dy * dy));
    }
    out.movement.push_back(move);
    // Moving a site onto another one would make the problem degenerate: keep the old position then.
    std::vector<double> next(nr.diagram.centroids);
    out.sites.swap(next);
    if (!check_distinct_sites(out.sites.data(), n, 2).ok()) {
      out.sites.swap(next);
      out.iterations = it;
      out.weights = w;
      out.last = std::move(nr);
      return Status::Ok();
    }
    if (progress) progress(it + 1, nr.max_rel_error, move, nr.iterations);
  }
}

}  // namespace advect
