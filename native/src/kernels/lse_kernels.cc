// Drivers for the cost / log-sum-exp family: pick the SIMD level, prepare padded transposed
// copies of y (O(m·d)), and split work over parallel_for. Rows (or column blocks) are
// independent, so results are identical for every thread count.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <vector>

#include "advect/kernels.h"
#include "advect/parallel.h"
#include "advect/simd_level.h"

namespace advect {
namespace lse_family {
#define ADVECT_KERNEL_BODY "kernels/lse-inl.h"
#include "simd/levels-inl.h"
#undef ADVECT_KERNEL_BODY
}  // namespace lse_family

namespace {

using namespace lse_family;

constexpr std::size_t kPad = 16;  // lanes of the widest vector (float, avx512)
inline std::size_t padded(std::size_t m) { return (m + kPad - 1) / kPad * kPad; }

// y (m×d row-major) → yT (d×ldy), zero padded; norms: |y_j|² (sq metrics) or |y_j| (cosine).
template <class T> struct Prepared {
  std::size_t ldy;
  std::vector<T> yT, ynorm, xnorm, beta;
};

template <class T>
Prepared<T> prepare(const T* x, std::size_t n, const T* y, std::size_t m, std::size_t d, Metric metric,
                    const T* beta) {
  Prepared<T> p;
  p.ldy = padded(m);
  p.yT.assign(d * p.ldy, T(0));
  for (std::size_t j = 0; j < m; ++j)
    for (std::size_t k = 0; k < d; ++k) p.yT[k * p.ldy + j] = y[j * d + k];
  const bool sq = metric == Metric::sqeuclidean || metric == Metric::euclidean;
  if (sq || metric == Metric::cosine) {
    p.ynorm.assign(p.ldy, T(1));
    p.xnorm.assign(n, T(0));
    for (std::size_t j = 0; j < m; ++j) {
      T s = 0;
      for (std::size_t k = 0; k < d; ++k) s += y[j * d + k] * y[j * d + k];
      p.ynorm[j] = metric == Metric::cosine ? std::sqrt(s) : s;
    }
    for (std::size_t i = 0; i < n; ++i) {
      T s = 0;
      for (std::size_t k = 0; k < d; ++k) s += x[i * d + k] * x[i * d + k];
      p.xnorm[i] = metric == Metric::cosine ? std::sqrt(s) : s;
    }
  }
  if (beta) {
    p.beta.assign(p.ldy, T(0));
    std::copy(beta, beta + m, p.beta.begin());
  }
  return p;
}

constexpr std::size_t kRowGrain = 16;

}  // namespace

template <class T> void exp_array(const T* x, std::size_t n, T* out) {
  auto fn = ADVECT_PICK(exp_range<T>);
  parallel_for(n, 1 << 14, [&](std::size_t, std::size_t lo, std::size_t hi) { fn(x, lo, hi, out); });
}

template <class T> double sum(const T* x, std::size_t n) {
  // Fixed 64K-element chunks, partials reduced in chunk order: thread-count independent.
  constexpr std::size_t grain = 1 << 16;
  std::vector<double> part(chunk_count(n, grain), 0.0);
  auto fn = ADVECT_PICK(sum_range<T>);
  parallel_for(n, grain, [&](std::size_t c, std::size_t lo, std::size_t hi) { part[c] = fn(x, lo, hi); });
  double s = 0;
  for (double p : part) s += p;
  return s;
}

template <class T> std::size_t first_non_finite(const T* x, std::size_t n) {
  constexpr std::size_t grain = 1 << 16;
  std::vector<std::size_t> first(chunk_count(n, grain), n);
  auto fn = ADVECT_PICK(first_non_finite_range<T>);
  parallel_for(n, grain, [&](std::size_t c, std::size_t lo, std::size_t hi) {
    std::size_t k = fn(x, lo, hi);
    first[c] = k < hi ? k : n;
  });
  for (std::size_t k : first)
    if (k < n) return k;
  return n;
}

template <class T>
void dist(const T* x, std::size_t n, const T* y, std::size_t m, std::size_t d, MetricSpec ms, T* out) {
  if (n == 0 || m == 0) return;
  Prepared<T> p = prepare(x, n, y, m, d, ms.metric, static_cast<const T*>(nullptr));
  auto fn = ADVECT_PICK(dist_rows<T>);
  const T* xn = p.xnorm.empty() ? nullptr : p.xnorm.data();
  const T* yn = p.ynorm.empty() ? nullptr : p.ynorm.data();
  parallel_for(n, kRowGrain, [&](std::size_t, std::size_t lo, std::size_t hi) {
    fn(x, p.yT.data(), p.ldy, m, d, ms, xn, yn, lo, hi, out);
  });
}

// beta·log2(e)/eps: the base-2 offsets the LSE bodies consume (see lse-inl.h).
template <class T> std::vector<T> scaled_offsets(const T* beta, std::size_t m, std::size_t padded_len, double eps) {
  std::vector<T> b(padded_len, T(0));
  if (beta) {
    const double k = 1.4426950408889634 / eps;
    for (std::size_t j = 0; j < m; ++j) b[j] = T(double(beta[j]) * k);
  }
  return b;
}

template <class T>
void lse_dense_rows(const T* C, std::size_t n, std::size_t m, const T* alpha, const T* beta, double eps, T* out) {
  auto fn = ADVECT_PICK(lse_dense_rows_range<T>);
  const std::vector<T> beta2 = scaled_offsets(beta, m, m, eps);
  const T* b2 = beta ? beta2.data() : nullptr;
  parallel_for(n, kRowGrain, [&](std::size_t, std::size_t lo, std::size_t hi) {
    fn(C, m, alpha, b2, eps, lo, hi, out);
  });
}

template <class T>
void lse_dense_cols(const T* C, std::size_t n, std::size_t m, const T* alpha, const T* beta, double eps, T* out) {
  if (m == 0) return;
  // Row chunks whose boundaries depend only on n (at most 16, multiples of the row group), each
  // producing per-column partials; merged below in chunk order, so any thread count gives the
  // same bits.
  constexpr std::size_t kMaxChunks = 16;
  std::size_t grain = std::max<std::size_t>(64, (n + kMaxChunks - 1) / kMaxChunks);
  grain = (grain + 7) / 8 * 8;
  const std::size_t chunks = std::max<std::size_t>(1, chunk_count(n, grain));
  std::vector<T> M(chunks * m), S(chunks * m);
  auto fn = ADVECT_PICK(lse_dense_cols_partial<T>);
  if (n == 0) {
    std::fill(M.begin(), M.end(), T(-INFINITY));
    std::fill(S.begin(), S.end(), T(0));
  }
  parallel_for(n, grain, [&](std::size_t c, std::size_t lo, std::size_t hi) {
    fn(C, m, alpha, eps, lo, hi, M.data() + c * m, S.data() + c * m);
  });
  parallel_for(m, 1024, [&](std::size_t, std::size_t lo, std::size_t hi) {
    for (std::size_t j = lo; j < hi; ++j) {
      double mx = -INFINITY;
      bool nan = false;
      for (std::size_t c = 0; c < chunks; ++c) {
        const double v = M[c * m + j], s = S[c * m + j];
        if (s != s) nan = true;
        if (v > mx) mx = v;
      }
      double r;
      if (nan) {
        r = NAN;
      } else if (mx == -INFINITY) {
        r = -INFINITY;
      } else {
        double s = 0;
        for (std::size_t c = 0; c < chunks; ++c) {
          const double v = M[c * m + j];
          if (v != -INFINITY) s += double(S[c * m + j]) * std::exp2(v - mx);
        }
        r = mx * 0.6931471805599453 + std::log(s);  // partials are in base 2
      }
      if (beta) r += double(beta[j]) / eps;
      out[j] = T(r);
    }
  });
}

template <class T>
void lse_online_rows(const T* x, std::size_t n, const T* y, std::size_t m, std::size_t d, MetricSpec ms,
                     const T* alpha, const T* beta, double eps, T* out) {
  if (n == 0) return;
  Prepared<T> p = prepare(x, n, y, m, d, ms.metric, beta);
  if (beta) p.beta = scaled_offsets(beta, m, p.ldy, eps);
  auto fn = ADVECT_PICK(lse_online_rows_range<T>);
  const T* xn = p.xnorm.empty() ? nullptr : p.xnorm.data();
  const T* yn = p.ynorm.empty() ? nullptr : p.ynorm.data();
  const T* bp = beta ? p.beta.data() : nullptr;
  parallel_for(n, kRowGrain, [&](std::size_t, std::size_t lo, std::size_t hi) {
    fn(x, p.yT.data(), p.ldy, m, d, ms, xn, yn, alpha, bp, eps, lo, hi, out);
  });
}

template <class T>
void lse_online_cols(const T* x, std::size_t n, const T* y, std::size_t m, std::size_t d, MetricSpec ms,
                     const T* alpha, const T* beta, double eps, T* out) {
  // Every supported metric is symmetric, so the column reduction is the row reduction of (y, x).
  lse_online_rows(y, m, x, n, d, ms, beta, alpha, eps, out);
}

template <class T>
void softmax_sum_online(const T* x, std::size_t n, const T* y, std::size_t m, std::size_t d, ScoreSpec sc,
                        const T* beta, const T* V, std::size_t dv, T* out, T* lse_out) {
  if (n == 0) return;
  const Metric metric = sc.kind == ScoreSpec::cost ? sc.metric.metric : Metric::cityblock;  // dot: no norms
  Prepared<T> p = prepare(x, n, y, m, d, metric, beta);
  auto fn = ADVECT_PICK(softmax_sum_range<T>);
  const T* xn = p.xnorm.empty() ? nullptr : p.xnorm.data();
  const T* yn = p.ynorm.empty() ? nullptr : p.ynorm.data();
  const T* bp = beta ? p.beta.data() : nullptr;
  parallel_for(n, kRowGrain, [&](std::size_t, std::size_t lo, std::size_t hi) {
    fn(x, p.yT.data(), p.ldy, m, d, sc, xn, yn, bp, V, dv, lo, hi, out, lse_out);
  });
}

#define ADVECT_INSTANTIATE(T)                                                                               \
  template void exp_array<T>(const T*, std::size_t, T*);                                                    \
  template double sum<T>(const T*, std::size_t);                                                            \
  template std::size_t first_non_finite<T>(const T*, std::size_t);                                         \
  template void dist<T>(const T*, std::size_t, const T*, std::size_t, std::size_t, MetricSpec, T*);         \
  template void lse_dense_rows<T>(const T*, std::size_t, std::size_t, const T*, const T*, double, T*);      \
  template void lse_dense_cols<T>(const T*, std::size_t, std::size_t, const T*, const T*, double, T*);      \
  template void lse_online_rows<T>(const T*, std::size_t, const T*, std::size_t, std::size_t, MetricSpec,   \
                                   const T*, const T*, double, T*);                                         \
  template void lse_online_cols<T>(const T*, std::size_t, const T*, std::size_t, std::size_t, MetricSpec,   \
                                   const T*, const T*, double, T*);                                         \
  template void softmax_sum_online<T>(const T*, std::size_t, const T*, std::size_t, std::size_t, ScoreSpec, \
                                      const T*, const T*, std::size_t, T*, T*);
ADVECT_INSTANTIATE(float)
ADVECT_INSTANTIATE(double)

}  // namespace advect
