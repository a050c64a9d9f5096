// Network simplex for the transportation problem (see advect/emd.h for the contract).
//
// Written from the textbook description (Ahuja, Magnanti & Orlin, "Network Flows", ch. 11; Cunningham
// 1976 for strongly feasible trees; Bonneel et al. 2011 for block-search pricing on dense bipartite
// graphs). The pure-TS twin src/backend/js/emd.ts follows the same steps in the same order.
//
// Graph: supply nodes 0..n-1, demand nodes n..n+m-1, a root R = n+m. Real arcs i→j (every pair, never
// stored: the arc between a node and its tree parent is determined by the two endpoints). Artificial
// arcs i→R and R→j with cost ART = (cmax + 1)(n + m), which exceeds the cost of any simple path, start
// the tree (flows a_i and b_j: strongly feasible since all are positive).
// Direction rule: the arc joining v to its parent points up (v→parent) exactly when v is a supply node.
//
// Potentials P: the reduced cost of arc s→t is c + P[s] − P[t]; tree arcs have reduced cost 0. For
// a real arc rc_ij = (C_ij − P[n+j]) + P[i] (this evaluation order everywhere, both backends).
// Duals: u_i = −P[i], v_j = P[n+j]; at the end P is recomputed along the tree with ART taken as 0,
// which removes the ±ART offset exactly (all remaining artificial arcs carry no flow at optimality).
//
// Pivot: price blocks of B arcs (row-major, wrapping, resuming after the last block) and take the most
// negative reduced cost below −1e-14·(|P[i]| + cmax) in the first block that has one. The leaving arc
// is the last blocking arc met when the cycle is traversed from its apex in the entering arc's
// direction (strong feasibility). The tree is kept as parent/depth/child lists; the subtree cut off
// by the leaving arc is re-hung on the entering arc (path reversal) and its potentials shifted.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

#include "advect/emd.h"
#include "advect/simd_level.h"

namespace advect {
namespace emd_family {
#define ADVECT_KERNEL_BODY "kernels/emd-inl.h"
#include "simd/levels-inl.h"
#undef ADVECT_KERNEL_BODY
}  // namespace emd_family

namespace {

using namespace emd_family;

typedef double (*SegMinD)(const double*, const double*, std::size_t);
typedef double (*SegMinF)(const float*, const double*, std::size_t);
typedef double (*PointsSegMin)(const double*, const double*, std::size_t, std::size_t, std::size_t, std::size_t, int,
                               const double*);

template <class T> struct SegFn;
template <> struct SegFn<double> {
  static SegMinD get() { return ADVECT_PICK(seg_min_d); }
};
template <> struct SegFn<float> {
  static SegMinF get() { return ADVECT_PICK(seg_min_f); }
};

constexpr double kEpsRel = 1e-14;

// ---- cost sources -----------------------------------------------------------------------------
// seg(i, j0, len, pd): min_k c(i, j0+k) − pd[j0+k] over the compacted indices; at(i, j): one cost
// (compacted); full(i, j): one cost on the original indices (for the zero-weight duals).

template <class T> struct DenseCost {
  const T* C;
  std::size_t ld;
  const int32_t* rmap;
  const int32_t* cmap;  // null when no column was removed
  double (*segT)(const T*, const double*, std::size_t);
  SegMinD segD;
  std::vector<double> scratch;
  double at(std::size_t i, std::size_t j) const {
    return double(C[std::size_t(rmap[i]) * ld + (cmap ? std::size_t(cmap[j]) : j)]);
  }
  double full(std::size_t i, std::size_t j) const { return double(C[i * ld + j]); }
  double seg(std::size_t i, std::size_t j0, std::size_t len, const double* pd) {
    const T* row = C + std::size_t(rmap[i]) * ld;
    if (!cmap) return segT(row + j0, pd + j0, len);
    for (std::size_t k = 0; k < len; ++k) scratch[k] = double(row[cmap[j0 + k]]);
    return segD(scratch.data(), pd + j0, len);
  }
  std::size_t argmin(std::size_t i, std::size_t j0, std::size_t len, const double* pd, double smin) const {
    for (std::size_t k = 0; k < len; ++k)
      if (at(i, j0 + k) - pd[j0 + k] == smin) return j0 + k;
    return j0;  // unreachable: smin is one of the values
  }
};

// Point clouds: compacted float64 copies, y transposed (d × m') so a row segment is a lane loop.
struct PointsCost {
  std::size_t n, m, d;
  Metric metric;
  std::vector<double> xs, yT;
  const void* x0;
  const void* y0;
  bool f32;
  SegMinD segD;
  double pair(const double* xi, std::size_t j) const {
    double s = 0;
    if (metric == Metric::cityblock) {
      for (std::size_t k = 0; k < d; ++k) s += std::fabs(xi[k] - yT[k * m + j]);
      return s;
    }
    for (std::size_t k = 0; k < d; ++k) {
      const double t = xi[k] - yT[k * m + j];
      s += t * t;
    }
    return metric == Metric::euclidean ? std::sqrt(s) : s;
  }
  double at(std::size_t i, std::size_t j) const { return pair(xs.data() + i * d, j); }
  double full(std::size_t i, std::size_t j) const {
    double s = 0;
    for (std::size_t k = 0; k < d; ++k) {
      const double xv = f32 ? double(static_cast<const float*>(x0)[i * d + k]) : static_cast<const double*>(x0)[i * d + k];
      const double yv = f32 ? double(static_cast<const float*>(y0)[j * d + k]) : static_cast<const double*>(y0)[j * d + k];
      if (metric == Metric::cityblock) s += std::fabs(xv - yv);
      else s += (xv - yv) * (xv - yv);
    }
    return metric == Metric::euclidean ? std::sqrt(s) : s;
  }
  PointsSegMin segP;
  double seg(std::size_t i, std::size_t j0, std::size_t len, const double* pd) {
    return segP(xs.data() + i * d, yT.data(), m, j0, len, d, int(metric), pd);
  }
  std::size_t argmin(std::size_t i, std::size_t j0, std::size_t len, const double* pd, double smin) const {
    for (std::size_t k = 0; k < len; ++k)
      if (at(i, j0 + k) - pd[j0 + k] == smin) return j0 + k;
    return j0;
  }
};

// ---- the spanning tree ------------------------------------------------------------------------

struct Tree {
  int n = 0, m = 0, R = 0;
  std::vector<int32_t> parent, depth, fc, ns, ps;
  std::vector<double> flow, P;

  void init(int n_, int m_) {
    n = n_;
    m = m_;
    R = n + m;
    const std::size_t N = std::size_t(n) + m + 1;
    parent.assign(N, -1);
    depth.assign(N, 0);
    fc.assign(N, -1);
    ns.assign(N, -1);
    ps.assign(N, -1);
    flow.assign(N, 0.0);
    P.assign(N, 0.0);
  }
  void remove_child(int p, int v) {
    if (ps[v] >= 0) ns[ps[v]] = ns[v];
    else fc[p] = ns[v];
    if (ns[v] >= 0) ps[ns[v]] = ps[v];
    ns[v] = ps[v] = -1;
  }
  void add_child(int p, int v) {
    ns[v] = fc[p];
    ps[v] = -1;
    if (fc[p] >= 0) ps[fc[p]] = v;
    fc[p] = v;
  }
  // Potentials recomputed along the tree from the root (P[R] = 0), preorder.
  template <class Cost> void refresh(const Cost& cost, double art) {
    P[R] = 0;
    int v = fc[R];
    while (v >= 0) {
      const int p = parent[v];
      const double c = p == R ? art : (v < n ? cost.at(v, p - n) : cost.at(p, v - n));
      P[v] = v < n ? P[p] - c : P[p] + c;
      if (fc[v] >= 0) {
        v = fc[v];
        continue;
      }
      while (v != R && ns[v] < 0) v = parent[v];
      if (v == R) break;
      v = ns[v];
    }
  }
};

// One pivot on entering arc (i, j) with reduced cost rc < 0. Returns false when the cycle has no
// blocking arc (unbounded).
bool pivot(Tree& t, int i, int j, double rc) {
  const int n = t.n;
  int* parent = t.parent.data();
  int* depth = t.depth.data();
  double* flow = t.flow.data();
  const int A = i, B = n + j;
  int u1 = A, u2 = B, yi = -1, yj = -1;
  double di = std::numeric_limits<double>::infinity(), dj = di;
  while (u1 != u2) {
    if (depth[u1] >= depth[u2]) {
      if (u1 < n && flow[u1] < di) {
        di = flow[u1];
        yi = u1;
      }
      u1 = parent[u1];
    } else {
      if (u2 >= n && flow[u2] <= dj) {
        dj = flow[u2];
        yj = u2;
      }
      u2 = parent[u2];
    }
  }
  if (yi < 0 && yj < 0) return false;
  const int lca = u1;
  const bool jside = yj >= 0 && (yi < 0 || dj <= di);
  const double delta = jside ? dj : di;
  const int y = jside ? yj : yi;
  if (delta > 0) {
    for (int w = A; w != lca; w = parent[w]) flow[w] += w < n ? -delta : delta;
    for (int w = B; w != lca; w = parent[w]) flow[w] += w >= n ? -delta : delta;
  }
  const int q = jside ? B : A;
  const int pnew = jside ? A : B;
  const double sigma = jside ? rc : -rc;
  // Path reversal from q up to y; y's link to its old parent is the leaving arc.
  t.remove_child(parent[y], y);
  int prev = pnew, w = q;
  double prevFlow = delta;
  for (;;) {
    const int next = parent[w];
    const double f = flow[w];
    if (w != y) t.remove_child(next, w);
    parent[w] = prev;
    flow[w] = prevFlow;
    t.add_child(prev, w);
    if (w == y) break;
    prev = w;
    prevFlow = f;
    w = next;
  }
  // Shift potentials and recompute depths over the re-hung subtree (preorder from q).
  double* P = t.P.data();
  const int* fc = t.fc.data();
  const int* ns = t.ns.data();
  int v = q;
  P[v] += sigma;
  depth[v] = depth[pnew] + 1;
  for (;;) {
    if (fc[v] >= 0) {
      v = fc[v];
    } else {
      while (v != q && ns[v] < 0) v = parent[v];
      if (v == q) break;
      v = ns[v];
    }
    P[v] += sigma;
    depth[v] = depth[parent[v]] + 1;
  }
  return true;
}

template <class Cost>
Status run_simplex(Cost& cost, const double* a, std::size_t n0, const double* b, std::size_t m0,
                   const std::vector<int32_t>& rmap, const std::vector<int32_t>& cmap, double cmax,
                   const EmdOptions& opt, EmdResult& out) {
  const int n = int(rmap.size()), m = int(cmap.size());
  Tree t;
  t.init(n, m);
  const double art = (cmax + 1) * double(n + m);
  if (!std::isfinite(art)) return Status::Error(Code::numeric, "emd: costs too large (max |C| times n + m overflows)");
  double massA = 0;
  for (int i = 0; i < n; ++i) {
    t.parent[i] = t.R;
    t.flow[i] = a[rmap[i]];
    t.depth[i] = 1;
    t.P[i] = -art;
    massA += a[rmap[i]];
  }
  for (int j = 0; j < m; ++j) {
    t.parent[n + j] = t.R;
    t.flow[n + j] = b[cmap[j]];
    t.depth[n + j] = 1;
    t.P[n + j] = art;
  }
  for (int v = n + m - 1; v >= 0; --v) t.add_child(t.R, v);

  const std::size_t total = std::size_t(n) * std::size_t(m);
  std::size_t B = opt.block_size > 0 ? std::size_t(opt.block_size)
                                     : std::max<std::size_t>(10, std::size_t(std::sqrt(double(total))));
  if (B > total) B = total;
  std::size_t pos = 0;
  long long iters = 0;
  int refreshes = 0;
  EmdStatus status = EmdStatus::optimal;
  for (;;) {
    if (opt.cancel && opt.cancel->load(std::memory_order_relaxed))
      return Status::Error(Code::aborted, "emd: aborted");
    const double* pd = t.P.data() + n;
    std::size_t scanned = 0, cnt = B, i = pos / m, j = pos % m;
    double best = 0, bestSeg = 0;
    long long bi = -1;
    std::size_t bj0 = 0, blen = 0;
    while (scanned < total) {
      const std::size_t len = std::min(std::min(std::size_t(m) - j, cnt), total - scanned);
      const double s = cost.seg(i, j, len, pd);
      const double rc = s + t.P[i];
      const double thr = -kEpsRel * (std::fabs(t.P[i]) + cmax);
      if (rc < thr && rc < best) {
        best = rc;
        bestSeg = s;
        bi = (long long)i;
        bj0 = j;
        blen = len;
      }
      scanned += len;
      cnt -= len;
      j += len;
      if (j == std::size_t(m)) {
        j = 0;
        if (++i == std::size_t(n)) i = 0;
      }
      if (cnt == 0) {
        if (bi >= 0) break;
        cnt = B;
      }
    }
    if (bi < 0) break;
    pos = i * m + j;
    const int ei = int(bi);
    const int ej = int(cost.argmin(std::size_t(bi), bj0, blen, pd, bestSeg));
    if (t.parent[ei] == n + ej || t.parent[n + ej] == ei) {
      // A tree arc priced below the threshold: potentials drifted. Recompute them exactly once.
      if (++refreshes > 3) break;
      t.refresh(cost, art);
      continue;
    }
    refreshes = 0;
    if (opt.max_iter > 0 && iters >= opt.max_iter) {
      status = EmdStatus::max_iterations;
      break;
    }
    ++iters;
    if (!pivot(t, ei, ej, best)) {
      status = EmdStatus::unbounded;
      break;
    }
    if (opt.progress && (iters & 4095) == 0) opt.progress(iters);
  }

  // Artificial arcs that still carry flow mean the real arcs cannot carry the masses.
  const double tol = 1e-9 * massA;
  if (status == EmdStatus::optimal)
    for (int v = 0; v < n + m; ++v)
      if (t.parent[v] == t.R && t.flow[v] > tol) status = EmdStatus::infeasible;

  // Plan entries in row-major order of the original indices.
  struct Entry {
    int32_t i, j, ci, cj;
    double f;
  };
  std::vector<Entry> es;
  es.reserve(std::size_t(n + m));
  for (int v = 0; v < n + m; ++v) {
    const int p = t.parent[v];
    if (p == t.R || !(t.flow[v] > 0)) continue;
    const int si = v < n ? v : p, dj = (v < n ? p : v) - n;
    es.push_back({rmap[si], cmap[dj], si, dj, t.flow[v]});
  }
  std::sort(es.begin(), es.end(), [](const Entry& x, const Entry& y) { return x.i != y.i ? x.i < y.i : x.j < y.j; });
  out.rows.resize(es.size());
  out.cols.resize(es.size());
  out.values.resize(es.size());
  double c = 0;
  for (std::size_t k = 0; k < es.size(); ++k) {
    out.rows[k] = es[k].i;
    out.cols[k] = es[k].j;
    out.values[k] = es[k].f;
    c += cost.at(es[k].ci, es[k].cj) * es[k].f;
  }
  out.cost = c;
  out.status = status;
  out.iterations = iters;

  // Duals: potentials with ART = 0, then POT's centring and zero-weight re-estimation.
  t.refresh(cost, 0.0);
  out.u.assign(n0, 0.0);
  out.v.assign(m0, 0.0);
  for (int i = 0; i < n; ++i) out.u[rmap[i]] = -t.P[i];
  for (int j = 0; j < m; ++j) out.v[cmap[j]] = t.P[n + j];
  auto center = [&]() {
    double sa = 0, sb = 0, au = 0, bv = 0;
    for (std::size_t i = 0; i < n0; ++i) {
      sa += a[i];
      au += a[i] * out.u[i];
    }
    for (std::size_t j = 0; j < m0; ++j) {
      sb += b[j];
      bv += b[j] * out.v[j];
    }
    const double k = (bv - au) / (sa + sb);
    for (std::size_t i = 0; i < n0; ++i) out.u[i] += k;
    for (std::size_t j = 0; j < m0; ++j) out.v[j] -= k;
  };
  center();
  if (std::size_t(n) < n0 || std::size_t(m) < m0) {
    std::vector<double> du(n0, 0.0), dv(m0, 0.0);
    for (std::size_t i = 0; i < n0; ++i) {
      if (a[i] != 0) continue;
      double mx = -std::numeric_limits<double>::infinity();
      for (std::size_t j = 0; j < m0; ++j) mx = std::max(mx, out.u[i] + out.v[j] - cost.full(i, j));
      du[i] = -std::max(mx, 0.0);
    }
    for (std::size_t j = 0; j < m0; ++j) {
      if (b[j] != 0) continue;
      double mx = -std::numeric_limits<double>::infinity();
      for (std::size_t i = 0; i < n0; ++i) mx = std::max(mx, out.u[i] + out.v[j] - cost.full(i, j));
      dv[j] = -std::max(mx, 0.0);
    }
    for (std::size_t i = 0; i < n0; ++i) out.u[i] += du[i];
    for (std::size_t j = 0; j < m0; ++j) out.v[j] += dv[j];
    center();
  }
  return Status::Ok();
}

void compact(const double* w, std::size_t k, std::vector<int32_t>& map) {
  map.clear();
  for (std::size_t i = 0; i < k; ++i)
    if (w[i] > 0) map.push_back(int32_t(i));
}

Status check_sizes(std::size_t n, std::size_t m) {
  if (n == 0 || m == 0) return Status::Error(Code::invalid_argument, "emd: empty marginals");
  if (n + m >= std::size_t(std::numeric_limits<int32_t>::max()) - 2)
    return Status::Error(Code::too_large, "emd: too many nodes");
  return Status::Ok();
}

}  // namespace

template <class T>
Status emd_dense(const double* a, std::size_t n, const double* b, std::size_t m, const T* C,
                 const EmdOptions& opt, EmdResult& out) {
  Status st = check_sizes(n, m);
  if (!st.ok()) return st;
  std::vector<int32_t> rmap, cmap;
  compact(a, n, rmap);
  compact(b, m, cmap);
  if (rmap.empty() || cmap.empty()) return Status::Error(Code::invalid_argument, "emd: zero total mass");
  double cmax = 0;
  for (std::size_t r = 0; r < rmap.size(); ++r) {
    const T* row = C + std::size_t(rmap[r]) * m;
    for (std::size_t c = 0; c < cmap.size(); ++c) {
      const double v = std::fabs(double(row[cmap[c]]));
      if (v > cmax && v != std::numeric_limits<double>::infinity()) cmax = v;
    }
  }
  DenseCost<T> cost;
  cost.C = C;
  cost.ld = m;
  cost.rmap = rmap.data();
  const bool colsRemoved = cmap.size() < m;
  cost.cmap = colsRemoved ? cmap.data() : nullptr;
  cost.segT = SegFn<T>::get();
  cost.segD = SegFn<double>::get();
  if (colsRemoved) cost.scratch.assign(cmap.size(), 0.0);
  return run_simplex(cost, a, n, b, m, rmap, cmap, cmax, opt, out);
}

template <class T>
Status emd_points(const double* a, std::size_t n, const double* b, std::size_t m, const T* x, const T* y,
                  std::size_t d, Metric metric, const EmdOptions& opt, EmdResult& out) {
  Status st = check_sizes(n, m);
  if (!st.ok()) return st;
  if (metric != Metric::sqeuclidean && metric != Metric::euclidean && metric != Metric::cityblock)
    return Status::Error(Code::invalid_argument, "emd_points: metric must be sqeuclidean, euclidean or cityblock");
  std::vector<int32_t> rmap, cmap;
  compact(a, n, rmap);
  compact(b, m, cmap);
  if (rmap.empty() || cmap.empty()) return Status::Error(Code::invalid_argument, "emd: zero total mass");
  PointsCost cost;
  const std::size_t n1 = rmap.size(), m1 = cmap.size();
  cost.n = n1;
  cost.m = m1;
  cost.d = d;
  cost.metric = metric;
  cost.x0 = x;
  cost.y0 = y;
  cost.f32 = sizeof(T) == 4;
  cost.segD = SegFn<double>::get();
  cost.segP = ADVECT_PICK(points_seg_min);
  cost.xs.resize(n1 * d);
  cost.yT.resize(d * m1);
  // Cost bound from the bounding box of both clouds (only needs to be >= every cost).
  std::vector<double> lo(d, std::numeric_limits<double>::infinity()), hi(d, -std::numeric_limits<double>::infinity());
  for (std::size_t r = 0; r < n1; ++r)
    for (std::size_t k = 0; k < d; ++k) {
      const double v = double(x[std::size_t(rmap[r]) * d + k]);
      cost.xs[r * d + k] = v;
      lo[k] = std::min(lo[k], v);
      hi[k] = std::max(hi[k], v);
    }
  for (std::size_t c = 0; c < m1; ++c)
    for (std::size_t k = 0; k < d; ++k) {
      const double v = double(y[std::size_t(cmap[c]) * d + k]);
      cost.yT[k * m1 + c] = v;
      lo[k] = std::min(lo[k], v);
      hi[k] = std::max(hi[k], v);
    }
  double s2 = 0, s1 = 0;
  for (std::size_t k = 0; k < d; ++k) {
    const double r = hi[k] - lo[k];
    s2 += r * r;
    s1 += r;
  }
  const double cmax = metric == Metric::sqeuclidean ? s2 : metric == Metric::euclidean ? std::sqrt(s2) : s1;
  return run_simplex(cost, a, n, b, m, rmap, cmap, cmax, opt, out);
}

template Status emd_dense<double>(const double*, std::size_t, const double*, std::size_t, const double*,
                                  const EmdOptions&, EmdResult&);
template Status emd_dense<float>(const double*, std::size_t, const double*, std::size_t, const float*,
                                 const EmdOptions&, EmdResult&);
template Status emd_points<double>(const double*, std::size_t, const double*, std::size_t, const double*,
                                   const double*, std::size_t, Metric, const EmdOptions&, EmdResult&);
template Status emd_points<float>(const double*, std::size_t, const double*, std::size_t, const float*,
                                  const float*, std::size_t, Metric, const EmdOptions&, EmdResult&);

}  // namespace advect
