// Sinkhorn drivers: method choice, the iteration loops, the stopping rule (POT's by default),
// eps scaling, warm starts, absorption, and the plan statistics. Kernels: sinkhorn-inl.h
// (fused dense sweeps) and the engine's LSE kernels (advect/kernels.h) for the log domain.
// All reductions go through per-chunk partials reduced in chunk order: results are identical
// for every thread count.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif
#include <cstdlib>
#include <new>

#include "advect/kernels.h"
#include "advect/parallel.h"
#include "advect/simd_level.h"
#include "advect/sinkhorn.h"

namespace advect {
namespace sinkhorn_family {
#define ADVECT_KERNEL_BODY "kernels/sinkhorn-inl.h"
#include "simd/levels-inl.h"
#undef ADVECT_KERNEL_BODY
}  // namespace sinkhorn_family

namespace {

using namespace sinkhorn_family;

constexpr double kInf = std::numeric_limits<double>::infinity();

// The dense kernel K (n·m values, streamed every iteration): uninitialised (no memset; every
// entry is written by build_kernel, first touched in parallel), 2 MiB aligned and advised as
// transparent huge pages on Linux: 512× fewer page faults on allocation and far fewer TLB
// misses in the sweeps. Throws std::bad_alloc (→ ADVECT_TOO_LARGE) on failure.
template <class T> struct KernelBuffer {
  T* p = nullptr;
  explicit KernelBuffer(std::size_t count) {
    constexpr std::size_t kAlign = std::size_t(1) << 21;
    const std::size_t bytes = (count * sizeof(T) + kAlign - 1) / kAlign * kAlign;
    void* mem = std::aligned_alloc(kAlign, bytes);
    if (!mem) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    madvise(mem, bytes, MADV_HUGEPAGE);
#endif
    p = static_cast<T*>(mem);
  }
  ~KernelBuffer() { std::free(p); }
  KernelBuffer(const KernelBuffer&) = delete;
  KernelBuffer& operator=(const KernelBuffer&) = delete;
};

// Row chunking for the fused sweep: at most 64 chunks (so the column partials stay small),
// boundaries from (n) only.
inline std::size_t row_grain(std::size_t n) { return std::max<std::size_t>(8, (n + 63) / 64); }

struct Loop {
  const SinkhornOptions& o;
  const std::atomic<bool>* cancel;
  const SinkhornProgress& progress;
  std::size_t done = 0;  // iterations run by earlier stages
  bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
  bool stop(double err) const { return o.strict ? err < o.tol : err <= o.tol; }
  void report(std::size_t it, double err, double eps) const {
    if (progress) progress(done + it, err, eps);
  }
};

Status aborted() { return Status::Error(Code::aborted, "The Sinkhorn solve was aborted"); }

// Marginal error Σ|P_j − b_j|^p (p = 1, 2) over column sums given as marg_j.
inline double norm_err(const double* marg, const double* bb, std::size_t m, int norm) {
  double s = 0;
  for (std::size_t j = 0; j < m; ++j) {
    const double e = marg[j] - bb[j];
    s += norm == 1 ? std::fabs(e) : e * e;
  }
  return norm == 1 ? s : std::sqrt(s);
}

// ---- scaling / stabilized on a dense K ---------------------------------------------------
template <class T> struct Dense {
  const T* C;
  std::size_t n, m;
  const T* a;
  const T* b;
};

template <class T>
void reduce_parts(const std::vector<T>& part, std::size_t chunks, std::size_t m, double* out) {
  parallel_for(m, 2048, [&](std::size_t, std::size_t lo, std::size_t hi) {
    for (std::size_t j = lo; j < hi; ++j) out[j] = 0;
    for (std::size_t c = 0; c < chunks; ++c) {
      const T* p = part.data() + c * m;
      for (std::size_t j = lo; j < hi; ++j) out[j] += double(p[j]);
    }
  });
}

// K = exp((alpha + beta − C)/reg); colsum = Kᵀu.
template <class T>
void build_kernel(const Dense<T>& P, const T* alpha, const T* beta, double reg, const T* u, T* K,
                  std::vector<T>& part, double* colsum) {
  const std::size_t grain = row_grain(P.n), chunks = chunk_count(P.n, grain);
  auto fn = ADVECT_PICK(kernel_rows<T>);
  parallel_for(P.n, grain, [&](std::size_t c, std::size_t lo, std::size_t hi) {
    T* pc = part.data() + c * P.m;
    std::fill(pc, pc + P.m, T(0));
    fn(P.C, P.m, alpha, beta, reg, u, lo, hi, K, pc);
  });
  reduce_parts(part, chunks, P.m, colsum);
}

// Runs the scaling iterations at `reg` on K (which already includes alpha/beta when
// stabilized). u is the initial scaling; colsum must hold Kᵀu. On return u, v, alpha, beta hold
// the final state. tau <= 0: no absorption.
template <class T>
Status scaling_loop(const Dense<T>& P, double reg, T* K, std::vector<T>& part, std::vector<double>& colsum,
                    std::vector<T>& u, std::vector<T>& v, std::vector<T>* alpha, std::vector<T>* beta, double tau,
                    Loop& L, std::size_t* iters, double* err_out, bool* conv) {
  const std::size_t n = P.n, m = P.m;
  const std::size_t grain = row_grain(n), chunks = chunk_count(n, grain);
  auto sweep = ADVECT_PICK(fused_rows<T>);
  std::vector<int> bad(chunks);
  std::vector<double> marg(m), bb(m);
  for (std::size_t j = 0; j < m; ++j) bb[j] = double(P.b[j]);
  double err = kInf;
  const std::size_t check = std::max<std::size_t>(1, L.o.check_every);
  for (std::size_t ii = 0; ii < L.o.max_iter; ++ii) {
    if (L.cancelled()) return aborted();
    for (std::size_t j = 0; j < m; ++j) {
      const T bj = P.b[j];
      if (bj == T(0)) { v[j] = T(0); continue; }
      const T vj = T(double(bj) / colsum[j]);
      if (!(colsum[j] > 0) || !(vj - vj == T(0)))
        return Status::Error(Code::numeric, "Sinkhorn scaling: column " + std::to_string(j) + " of the kernel "
                             "exp(-C/reg) underflowed at iteration " + std::to_string(ii) +
                             " (reg too small for the scaling domain); use method 'log' or 'auto'");
      v[j] = vj;
    }
    std::fill(bad.begin(), bad.end(), 0);
    parallel_for(n, grain, [&](std::size_t c, std::size_t lo, std::size_t hi) {
      T* pc = part.data() + c * m;
      std::fill(pc, pc + m, T(0));
      sweep(K, m, v.data(), P.a, lo, hi, u.data(), pc, &bad[c]);
    });
    for (std::size_t c = 0; c < chunks; ++c)
      if (bad[c]) {
        std::size_t row = 0;
        for (std::size_t i = 0; i < n; ++i)
          if (!(u[i] - u[i] == T(0))) { row = i; break; }
        return Status::Error(Code::numeric, "Sinkhorn scaling: row " + std::to_string(row) + " of the kernel "
                             "exp(-C/reg) underflowed at iteration " + std::to_string(ii) +
                             " (reg too small for the scaling domain); use method 'log' or 'auto'");
      }
    reduce_parts(part, chunks, m, colsum.data());
    if (tau > 0) {
      T mu = 0, mv = 0;
      for (std::size_t i = 0; i < n; ++i) mu = std::max(mu, std::fabs(u[i]));
      for (std::size_t j = 0; j < m; ++j) mv = std::max(mv, std::fabs(v[j]));
      if (double(mu) > tau || double(mv) > tau) {
        for (std::size_t i = 0; i < n; ++i) {
          (*alpha)[i] = P.a[i] == T(0) ? T(-kInf) : T((*alpha)[i] + reg * std::log(u[i]));
          u[i] = P.a[i] == T(0) ? T(0) : T(1.0 / double(n));
        }
        for (std::size_t j = 0; j < m; ++j) {
          (*beta)[j] = P.b[j] == T(0) ? T(-kInf) : T((*beta)[j] + reg * std::log(v[j]));
          v[j] = P.b[j] == T(0) ? T(0) : T(1.0 / double(m));
        }
        build_kernel(P, alpha->data(), beta->data(), reg, u.data(), K, part, colsum.data());
      }
    }
    if (ii % check == 0) {
      for (std::size_t j = 0; j < m; ++j) marg[j] = double(v[j]) * colsum[j];
      err = norm_err(marg.data(), bb.data(), m, L.o.norm);
      if (!(err == err)) return Status::Error(Code::numeric, "Sinkhorn scaling: NaN marginal error");
      if (L.stop(err)) {
        *iters = ii + 1;
        *conv = true;
        *err_out = err;
        L.report(ii + 1, err, reg);
        return Status::Ok();
      }
    }
    L.report(ii + 1, err, reg);
  }
  *iters = L.o.max_iter;
  *conv = false;
  for (std::size_t j = 0; j < m; ++j) marg[j] = double(v[j]) * colsum[j];
  *err_out = norm_err(marg.data(), bb.data(), m, L.o.norm);
  return Status::Ok();
}

// ---- log domain (dense or online) ----------------------------------------------------------
template <class T> struct LogProblem {
  const T* C;  // dense when non-null
  const T* x;
  const T* y;
  std::size_t n, m, d;
  MetricSpec ms;
  const T* a;
  const T* b;
  // out_j = log Σ_i exp((f_i − C_ij)/eps)
  void cols(const T* f, double eps, T* out) const {
    if (C) lse_dense_cols(C, n, m, f, static_cast<const T*>(nullptr), eps, out);
    else lse_online_cols(x, n, y, m, d, ms, f, static_cast<const T*>(nullptr), eps, out);
  }
  void rows(const T* g, double eps, T* out) const {
    if (C) lse_dense_rows(C, n, m, static_cast<const T*>(nullptr), g, eps, out);
    else lse_online_rows(x, n, y, m, d, ms, static_cast<const T*>(nullptr), g, eps, out);
  }
};

// Log-domain iterations at eps, starting from f (g is recomputed first). The error of
// iteration ii is evaluated from the column LSE of iteration ii + 1 (the same LSE the v update
// needs), so a check costs no extra pass. On return f, g are the potentials of the last
// completed iteration and *err_out their marginal error.
template <class T>
Status log_loop(const LogProblem<T>& P, double eps, std::size_t max_iter, std::size_t check, bool use_rule,
                std::vector<T>& f, std::vector<T>& g, Loop& L, std::size_t* iters, double* err_out, bool* conv) {
  const std::size_t n = P.n, m = P.m;
  std::vector<T> lc(m), lr(n);
  std::vector<double> loga(n), logb(m), marg(m), bb(m);
  for (std::size_t i = 0; i < n; ++i) loga[i] = std::log(double(P.a[i]));
  for (std::size_t j = 0; j < m; ++j) { logb[j] = std::log(double(P.b[j])); bb[j] = double(P.b[j]); }
  check = std::max<std::size_t>(1, check);
  double err = kInf;
  auto eval = [&]() {  // marginal error of (f, g) from lc = cols(f)
    for (std::size_t j = 0; j < m; ++j) marg[j] = std::exp(double(g[j]) / eps + double(lc[j]));
    return norm_err(marg.data(), bb.data(), m, L.o.norm);
  };
  auto numeric = [](std::size_t ii) {
    return Status::Error(Code::numeric, "Sinkhorn log domain: non-finite potentials at iteration " + std::to_string(ii));
  };
  *conv = false;
  // Dense: both half-steps in one sweep over C (log_fused_rows); S_j = Σ_i exp((f_i + g_j − C_ij)/eps)
  // from the sweep gives the next column LSE as log S_j − g_j/eps. Online: the engine's kernels.
  const bool fused = P.C != nullptr;
  const std::size_t grain = row_grain(n), chunks = chunk_count(n, grain);
  std::vector<T> part(fused ? chunks * m : 0);
  std::vector<double> S(fused ? m : 0);
  std::vector<int> bad(chunks);
  bool have_s = false;
  const double tiny = sizeof(T) == 4 ? 1e-30 : 1e-280, huge = sizeof(T) == 4 ? 1e30 : 1e280;
  auto sweep = ADVECT_PICK(log_fused_rows<T>);
  for (std::size_t ii = 0; ii < max_iter; ++ii) {
    if (L.cancelled()) return aborted();
    bool from_s = have_s;
    if (have_s) {
      for (std::size_t j = 0; j < m && from_s; ++j) {
        if (!(bb[j] > 0)) { lc[j] = T(0); continue; }
        if (!(S[j] > tiny && S[j] < huge)) from_s = false;
        else lc[j] = T(std::log(S[j]) - double(g[j]) / eps);
      }
    }
    if (!from_s) P.cols(f.data(), eps, lc.data());
    if (ii > 0 && use_rule && (ii - 1) % check == 0) {
      err = eval();
      if (L.stop(err)) {
        *iters = ii;
        *conv = true;
        *err_out = err;
        return Status::Ok();
      }
    }
    for (std::size_t j = 0; j < m; ++j) {
      g[j] = T(eps * (logb[j] - double(lc[j])));
      if (bb[j] > 0 && !(g[j] - g[j] == T(0))) return numeric(ii);
    }
    if (fused) {
      std::fill(bad.begin(), bad.end(), 0);
      parallel_for(n, grain, [&](std::size_t c, std::size_t lo, std::size_t hi) {
        T* pc = part.data() + c * m;
        std::fill(pc, pc + m, T(0));
        sweep(P.C, m, g.data(), loga.data(), eps, lo, hi, f.data(), pc, &bad[c]);
      });
      for (std::size_t c = 0; c < chunks; ++c)
        if (bad[c]) return numeric(ii);
      reduce_parts(part, chunks, m, S.data());
      have_s = true;
    } else {
      P.rows(g.data(), eps, lr.data());
      for (std::size_t i = 0; i < n; ++i) {
        f[i] = T(eps * (loga[i] - double(lr[i])));
        if (P.a[i] > T(0) && !(f[i] - f[i] == T(0))) return numeric(ii);
      }
    }
    L.report(ii + 1, err, eps);
  }
  *iters = max_iter;
  P.cols(f.data(), eps, lc.data());
  err = eval();
  *err_out = err;
  if (use_rule && max_iter > 0 && (max_iter - 1) % check == 0 && L.stop(err)) *conv = true;
  return Status::Ok();
}

// eps scaling stages in the log domain (f, g updated in place, dual part carried across eps).
template <class T>
Status anneal(const LogProblem<T>& P, std::vector<T>& f, std::vector<T>& g, Loop& L) {
  const SinkhornOptions& o = L.o;
  if (!(o.eps0 > o.reg) || o.stage_iter == 0) return Status::Ok();
  double eps = o.eps0, prev = 0;
  const double decay = (o.eps_decay > 0 && o.eps_decay < 1) ? o.eps_decay : 0.5;
  for (int stage = 0; eps > o.reg && stage < 200; ++stage, eps *= decay) {
    if (prev > 0)
      for (std::size_t i = 0; i < P.n; ++i)
        if (P.a[i] > T(0)) f[i] = T(double(f[i]) + (eps - prev) * std::log(double(P.a[i])));
    std::size_t it = 0;
    double err = 0;
    bool conv = false;
    Status st = log_loop(P, eps, o.stage_iter, o.stage_iter, false, f, g, L, &it, &err, &conv);
    if (!st.ok()) return st;
    L.done += it;
    prev = eps;
  }
  for (std::size_t i = 0; i < P.n; ++i)
    if (P.a[i] > T(0)) f[i] = T(double(f[i]) + (o.reg - prev) * std::log(double(P.a[i])));
  return Status::Ok();
}

// value = Σ r_i f_i + Σ c_j g_j − reg(Σ r log a + Σ c log b), i.e. <C,P> + reg·KL(P | a⊗b).
template <class T>
double value_of(const T* f, const T* g, const double* r, const double* c, const T* a, const T* b, std::size_t n,
                std::size_t m, double reg) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (r[i] > 0) s += r[i] * (double(f[i]) - reg * std::log(double(a[i])));
  for (std::size_t j = 0; j < m; ++j)
    if (c[j] > 0) s += c[j] * (double(g[j]) - reg * std::log(double(b[j])));
  return s;
}

// Dense plan statistics; mode K (u, K, v) or potentials (f, g).
template <class T>
void dense_stats(const T* C, std::size_t n, std::size_t m, const T* K, const T* u, const T* v, const T* f,
                 const T* g, double reg, T* plan, std::vector<double>& rows, std::vector<double>& cols,
                 double* cost) {
  const std::size_t grain = row_grain(n), chunks = chunk_count(n, grain);
  std::vector<double> part(chunks * m, 0.0), costs(chunks, 0.0);
  auto fn = ADVECT_PICK(plan_rows<T>);
  rows.assign(n, 0.0);
  parallel_for(n, grain, [&](std::size_t c, std::size_t lo, std::size_t hi) {
    fn(C, m, K, u, v, f, g, reg, lo, hi, plan, &costs[c], rows.data(), part.data() + c * m);
  });
  cols.assign(m, 0.0);
  for (std::size_t c = 0; c < chunks; ++c)
    for (std::size_t j = 0; j < m; ++j) cols[j] += part[c * m + j];
  *cost = 0;
  for (std::size_t c = 0; c < chunks; ++c) *cost += costs[c];
}

template <class T>
double marginal_err(const std::vector<double>& cols, const T* b, std::size_t m, int norm) {
  std::vector<double> bb(m);
  for (std::size_t j = 0; j < m; ++j) bb[j] = double(b[j]);
  return norm_err(cols.data(), bb.data(), m, norm);
}

// c-transform start: alpha_i = min_j C_ij, beta_j = min_i (C_ij − alpha_i). Every row and
// column of exp((alpha + beta − C)/reg) then has max exactly 1: nothing underflows at start.
template <class T>
void ctransform_start(const T* C, std::size_t n, std::size_t m, const T* a, const T* b, std::vector<T>& alpha,
                      std::vector<T>& beta) {
  alpha.assign(n, T(0));
  beta.assign(m, T(kInf));
  parallel_for(n, 64, [&](std::size_t, std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i) {
      T mn = T(kInf);
      for (std::size_t j = 0; j < m; ++j)
        if (b[j] > T(0)) mn = std::min(mn, C[i * m + j]);
      alpha[i] = a[i] > T(0) ? mn : T(-kInf);
    }
  });
  for (std::size_t i = 0; i < n; ++i) {
    if (!(a[i] > T(0))) continue;
    for (std::size_t j = 0; j < m; ++j) beta[j] = std::min(beta[j], T(C[i * m + j] - alpha[i]));
  }
  for (std::size_t j = 0; j < m; ++j)
    if (!(b[j] > T(0))) beta[j] = T(-kInf);
}

template <class T> double underflow_range() {
  // |log| of the smallest normal, with margin: exp(−range) stays normal.
  return 0.9 * -std::log(double(std::numeric_limits<T>::min()));
}

}  // namespace

template <class T>
Status sinkhorn_dense(const T* C, std::size_t n, std::size_t m, const T* a, const T* b, const SinkhornOptions& opt,
                      T* f_out, T* g_out, T* plan, SinkhornInfo* info, const std::atomic<bool>* cancel,
                      const SinkhornProgress& progress) {
  if (n == 0 || m == 0) return Status::Error(Code::invalid_argument, "Expected non-empty marginals for a and b");
  if (opt.method == SinkhornMethod::online)
    return Status::Error(Code::invalid_argument, "Expected point clouds for method online");
  const double reg = opt.reg;
  Loop L{opt, cancel, progress};
  LogProblem<T> LP{C, nullptr, nullptr, n, m, 0, MetricSpec{}, a, b};
  std::vector<T> f(n, T(0)), g(m, T(0));
  if (opt.warm) {
    std::copy(f_out, f_out + n, f.begin());
    std::copy(g_out, g_out + m, g.begin());
  }
  const bool annealed = opt.eps0 > reg && opt.stage_iter > 0;
  if (annealed) {
    Status st = anneal(LP, f, g, L);
    if (!st.ok()) return st;
  }
  const bool warm = opt.warm || annealed;

  // Method choice.
  SinkhornMethod method = opt.method;
  if (method == SinkhornMethod::automatic) {
    double cmin = kInf, cmax = -kInf;
    for (std::size_t k = 0; k < n * m; ++k) {
      cmin = std::min(cmin, double(C[k]));
      cmax = std::max(cmax, double(C[k]));
    }
    const double kbytes = double(n) * double(m) * sizeof(T) * 1.05;
    const bool fits = opt.budget_bytes <= 0 || kbytes <= opt.budget_bytes;
    if (!fits) method = SinkhornMethod::log;
    else if ((cmax - cmin) / reg < underflow_range<T>() && !warm) method = SinkhornMethod::scaling;
    else method = SinkhornMethod::stabilized;
  }
  const bool automatic = opt.method == SinkhornMethod::automatic;

  std::size_t iters = 0;
  double err = kInf;
  bool conv = false;
  info->fell_back = false;
  std::vector<double> rows, cols;
  double cost = 0;

  if (method == SinkhornMethod::scaling || method == SinkhornMethod::stabilized) {
    KernelBuffer<T> Kbuf(n * m);
    T* K = Kbuf.p;
    const std::size_t grain = row_grain(n), chunks = chunk_count(n, grain);
    std::vector<T> part(chunks * m);
    std::vector<double> colsum(m);
    std::vector<T> u(n), v(m, T(0)), alpha, beta;
    const bool stab = method == SinkhornMethod::stabilized;
    double tau = 0;
    if (stab) {
      tau = automatic ? (sizeof(T) == 8 ? 1e50 : 1e8) : opt.tau;
      if (warm) {
        alpha = f;
        beta = g;
        for (std::size_t i = 0; i < n; ++i) u[i] = a[i] > T(0) ? T(1) : T(0);
      } else if (automatic) {
        ctransform_start(C, n, m, a, b, alpha, beta);
        for (std::size_t i = 0; i < n; ++i) u[i] = a[i] > T(0) ? T(1.0 / double(n)) : T(0);
      } else {
        alpha.assign(n, T(0));
        beta.assign(m, T(0));
        for (std::size_t i = 0; i < n; ++i) u[i] = T(1.0 / double(n));
      }
      build_kernel(Dense<T>{C, n, m, a, b}, alpha.data(), beta.data(), reg, u.data(), K, part, colsum.data());
    } else {
      for (std::size_t i = 0; i < n; ++i)
        u[i] = warm ? (a[i] > T(0) ? T(std::exp(double(f[i]) / reg)) : T(0)) : T(1.0 / double(n));
      build_kernel(Dense<T>{C, n, m, a, b}, static_cast<const T*>(nullptr), static_cast<const T*>(nullptr), reg,
                   u.data(), K, part, colsum.data());
    }
    Status st = scaling_loop(Dense<T>{C, n, m, a, b}, reg, K, part, colsum, u, v, stab ? &alpha : nullptr,
                             stab ? &beta : nullptr, tau, L, &iters, &err, &conv);
    if (st.ok()) {
      for (std::size_t i = 0; i < n; ++i)
        f[i] = T((stab ? double(alpha[i]) : 0.0) + (u[i] > T(0) ? reg * std::log(double(u[i])) : -kInf));
      for (std::size_t j = 0; j < m; ++j)
        g[j] = T((stab ? double(beta[j]) : 0.0) + (v[j] > T(0) ? reg * std::log(double(v[j])) : -kInf));
      for (std::size_t i = 0; i < n; ++i)
        if (stab && a[i] == T(0)) f[i] = T(-kInf);
      dense_stats<T>(C, n, m, K, u.data(), v.data(), nullptr, nullptr, reg, plan, rows, cols, &cost);
      err = marginal_err(cols, b, m, opt.norm);
      if (!(cost == cost) || !(err == err)) {
        if (!automatic) return Status::Error(Code::numeric, "Sinkhorn scaling: the plan has NaN entries; use method 'log' or 'auto'");
        st = Status::Error(Code::numeric, "nan plan");
      }
    }
    if (!st.ok()) {
      if (st.code != Code::numeric || !automatic) return st;
      // auto: restart in the log domain (cold; the failed iterates may be far off).
      info->fell_back = true;
      method = SinkhornMethod::log;
      L.done += iters;
      std::fill(f.begin(), f.end(), T(0));
      if (opt.warm) std::copy(f_out, f_out + n, f.begin());
    }
  }
  if (method == SinkhornMethod::log) {
    Status st = log_loop(LP, reg, opt.max_iter, opt.check_every, true, f, g, L, &iters, &err, &conv);
    if (!st.ok()) return st;
    dense_stats<T>(C, n, m, nullptr, nullptr, nullptr, f.data(), g.data(), reg, plan, rows, cols, &cost);
    err = marginal_err(cols, b, m, opt.norm);
  }
  // float32: the loop's check reads float32 partial sums; converged also requires the error of
  // the returned plan (summed in double) to meet the rule, so an unreachable tol is never reported.
  if (sizeof(T) == 4 && conv && !L.stop(err)) conv = false;
  std::copy(f.begin(), f.end(), f_out);
  std::copy(g.begin(), g.end(), g_out);
  info->iterations = L.done + iters;
  info->converged = conv;
  info->err = err;
  info->used = method;
  info->cost = cost;
  info->value = value_of(f.data(), g.data(), rows.data(), cols.data(), a, b, n, m, reg);
  double ps = 0;
  for (double r : rows) ps += r;
  info->plan_sum = ps;
  if (progress) progress(info->iterations, err, reg);
  return Status::Ok();
}

// ---- online statistics: <C,P> and row sums, costs recomputed per tile ---------------------
namespace {
template <class T>
void online_stats(const T* x, std::size_t n, const T* y, std::size_t m, std::size_t d, MetricSpec ms, const T* f,
                  const T* g, double reg, std::vector<double>& rows, double* cost) {
  constexpr std::size_t kPad = 16;
  const std::size_t ldy = (m + kPad - 1) / kPad * kPad;
  std::vector<T> yT(d * ldy, T(0)), gp(ldy, T(-kInf)), ynorm, xnorm;
  for (std::size_t j = 0; j < m; ++j)
    for (std::size_t k = 0; k < d; ++k) yT[k * ldy + j] = y[j * d + k];
  std::copy(g, g + m, gp.begin());
  if (ms.metric == Metric::cosine) {
    ynorm.assign(ldy, T(1));
    xnorm.assign(n, T(0));
    for (std::size_t j = 0; j < m; ++j) {
      double s = 0;
      for (std::size_t k = 0; k < d; ++k) s += double(y[j * d + k]) * y[j * d + k];
      ynorm[j] = T(std::sqrt(s));
    }
    for (std::size_t i = 0; i < n; ++i) {
      double s = 0;
      for (std::size_t k = 0; k < d; ++k) s += double(x[i * d + k]) * x[i * d + k];
      xnorm[i] = T(std::sqrt(s));
    }
  }
  const std::size_t grain = 16, chunks = chunk_count(n, grain);
  std::vector<double> costs(chunks, 0.0);
  rows.assign(n, 0.0);
  auto fn = ADVECT_PICK(online_stats_rows<T>);
  parallel_for(n, grain, [&](std::size_t c, std::size_t lo, std::size_t hi) {
    fn(x, yT.data(), ldy, m, d, ms, xnorm.empty() ? nullptr : xnorm.data(), ynorm.empty() ? nullptr : ynorm.data(),
       f, gp.data(), reg, lo, hi, rows.data(), &costs[c]);
  });
  *cost = 0;
  for (double c : costs) *cost += c;
}
}  // namespace

template <class T>
Status sinkhorn_online(const T* x, std::size_t n, const T* y, std::size_t m, std::size_t d, MetricSpec metric,
                       const T* a, const T* b, const SinkhornOptions& opt, T* f_out, T* g_out, SinkhornInfo* info,
                       const std::atomic<bool>* cancel, const SinkhornProgress& progress) {
  if (n == 0 || m == 0) return Status::Error(Code::invalid_argument, "Expected non-empty marginals for a and b");
  const double reg = opt.reg;
  Loop L{opt, cancel, progress};
  LogProblem<T> LP{nullptr, x, y, n, m, d, metric, a, b};
  std::vector<T> f(n, T(0)), g(m, T(0));
  if (opt.warm) {
    std::copy(f_out, f_out + n, f.begin());
    std::copy(g_out, g_out + m, g.begin());
  }
  Status st = anneal(LP, f, g, L);
  if (!st.ok()) return st;
  std::size_t iters = 0;
  double err = kInf;
  bool conv = false;
  st = log_loop(LP, reg, opt.max_iter, opt.check_every, true, f, g, L, &iters, &err, &conv);
  if (!st.ok()) return st;
  // Column sums from the column LSE of (f, g); row sums and cost from one online pass.
  std::vector<T> lc(m);
  lse_online_cols(x, n, y, m, d, metric, f.data(), g.data(), reg, lc.data());
  std::vector<double> cols(m), rows;
  for (std::size_t j = 0; j < m; ++j) cols[j] = std::exp(double(lc[j]));
  double cost = 0;
  online_stats(x, n, y, m, d, metric, f.data(), g.data(), reg, rows, &cost);
  const double final_err = marginal_err(cols, b, m, opt.norm);
  if (sizeof(T) == 4 && conv && !L.stop(final_err)) conv = false;
  std::copy(f.begin(), f.end(), f_out);
  std::copy(g.begin(), g.end(), g_out);
  info->iterations = L.done + iters;
  info->converged = conv;
  info->err = final_err;
  info->used = SinkhornMethod::online;
  info->fell_back = false;
  info->cost = cost;
  info->value = value_of(f.data(), g.data(), rows.data(), cols.data(), a, b, n, m, reg);
  double ps = 0;
  for (double r : rows) ps += r;
  info->plan_sum = ps;
  if (progress) progress(info->iterations, info->err, reg);
  return Status::Ok();
}

#define ADVECT_SINKHORN_INSTANTIATE(T)                                                                      \
  template Status sinkhorn_dense<T>(const T*, std::size_t, std::size_t, const T*, const T*,                 \
                                    const SinkhornOptions&, T*, T*, T*, SinkhornInfo*,                      \
                                    const std::atomic<bool>*, const SinkhornProgress&);                     \
  template Status sinkhorn_online<T>(const T*, std::size_t, const T*, std::size_t, std::size_t, MetricSpec, \
                                     const T*, const T*, const SinkhornOptions&, T*, T*, SinkhornInfo*,     \
                                     const std::atomic<bool>*, const SinkhornProgress&);
ADVECT_SINKHORN_INSTANTIATE(float)
ADVECT_SINKHORN_INSTANTIATE(double)

}  // namespace advect
