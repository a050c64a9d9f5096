// Engine-level kernels: pairwise costs, log-sum-exp reductions (dense and online) and the online
// softmax-weighted sum. Each function picks the active SIMD level's copy (simd_level.h) and
// splits rows or columns over parallel_for; results do not depend on the thread count.
//
// Conventions: matrices are row-major; x is n×d, y is m×d; C is n×m. eps > 0.
//   lse rows:  out_i = log Σ_j exp((alpha_i + beta_j − C_ij) / eps)
//   lse cols:  out_j = log Σ_i exp((alpha_i + beta_j − C_ij) / eps)
// alpha/beta may be null (zeros). -inf entries are allowed (zero weights); a row whose terms are
// all -inf gives -inf; NaN propagates to the affected outputs.
#pragma once
#include <cstddef>

namespace advect {

enum class Metric : int { sqeuclidean = 0, euclidean = 1, cityblock = 2, minkowski = 3, cosine = 4 };

struct MetricSpec {
  Metric metric = Metric::sqeuclidean;
  double p = 2;  // minkowski exponent
};

// Score used by the online softmax sum.
//   cost: s_ij = (beta_j − c(x_i, y_j)) / eps
//   dot:  s_ij = beta_j + scale · <x_i, y_j>
struct ScoreSpec {
  enum Kind : int { cost = 0, dot = 1 } kind = cost;
  MetricSpec metric;
  double eps = 1;
  double scale = 1;
};

template <class T> void exp_array(const T* x, std::size_t n, T* out);

// Σ x_i in double, deterministic (fixed chunks reduced in order).
template <class T> double sum(const T* x, std::size_t n);

// Index of the first NaN or ±inf in x, or n when every entry is finite.
template <class T> std::size_t first_non_finite(const T* x, std::size_t n);

// POT's ot.dist semantics; sqeuclidean = max(|x|² + |y|² − 2<x,y>, 0), euclidean = its sqrt.
template <class T>
void dist(const T* x, std::size_t n, const T* y, std::size_t m, std::size_t d, MetricSpec metric, T* out);

template <class T>
void lse_dense_rows(const T* C, std::size_t n, std::size_t m, const T* alpha, const T* beta, double eps, T* out);
template <class T>
void lse_dense_cols(const T* C, std::size_t n, std::size_t m, const T* alpha, const T* beta, double eps, T* out);

// Online (point clouds): costs recomputed tile by tile, O(n + m) extra memory.
// The direct form Σ(x−y)² is used for sqeuclidean here (no cancellation).
template <class T>
void lse_online_rows(const T* x, std::size_t n, const T* y, std::size_t m, std::size_t d, MetricSpec metric,
                     const T* alpha, const T* beta, double eps, T* out);
template <class T>
void lse_online_cols(const T* x, std::size_t n, const T* y, std::size_t m, std::size_t d, MetricSpec metric,
                     const T* alpha, const T* beta, double eps, T* out);

// out_i = Σ_j softmax_j(s_ij) V_j (V is m×dv, out n×dv); lse_out_i = log Σ_j exp(s_ij) if non-null.
template <class T>
void softmax_sum_online(const T* x, std::size_t n, const T* y, std::size_t m, std::size_t d, ScoreSpec score,
                        const T* beta, const T* V, std::size_t dv, T* out, T* lse_out);

}  // namespace advect
