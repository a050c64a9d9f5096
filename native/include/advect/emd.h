// Exact discrete optimal transport (earth mover's distance) by the primal network simplex on the
// complete bipartite graph, with block-search pivoting (Bonneel, van de Panne, Paris, Heidrich 2011)
// and a strongly feasible spanning tree (Cunningham 1976) to rule out cycling.
//
//   minimise Σ_ij C_ij P_ij  subject to  P ≥ 0, P 1 = a, Pᵀ 1 = b.
//
// Everything is float64 internally (a float32 cost matrix is widened on the fly, never copied).
// The solver works on the positive-weight rows/columns only; the returned duals cover every row and
// column and are centred and re-estimated as POT's `center_ot_dual` / `estimate_dual_null_weights`.
// Memory: O(n + m) beyond the caller's cost matrix (the points variant never forms it).
//
// The caller checks a, b (finite, ≥ 0, positive totals) and rescales b so that Σa = Σb (POT's rule).
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "advect/kernels.h"
#include "advect/status.h"

namespace advect {

enum class EmdStatus : int { optimal = 0, infeasible = 1, unbounded = 2, max_iterations = 3 };

struct EmdOptions {
  long long max_iter = 100000;  // pivots; <= 0 means no limit
  long long block_size = 0;     // arcs priced per block; 0 = max(sqrt(n·m), 10)
  const std::atomic<bool>* cancel = nullptr;
  std::function<void(long long iterations)> progress;  // called every 4096 pivots
};

struct EmdResult {
  EmdStatus status = EmdStatus::optimal;
  long long iterations = 0;
  double cost = 0;                 // Σ C_ij P_ij over the plan's entries (row-major order)
  std::vector<int32_t> rows, cols;  // plan entries with positive mass, row-major order
  std::vector<double> values;
  std::vector<double> u, v;        // centred duals, length n and m
};

// Dense cost matrix C (n×m row-major, finite or +inf = forbidden arc).
template <class T>
Status emd_dense(const double* a, std::size_t n, const double* b, std::size_t m, const T* C,
                 const EmdOptions& opt, EmdResult& out);

// Point clouds x (n×d), y (m×d); costs computed on the fly (sqeuclidean = Σ(x−y)², euclidean,
// cityblock), O(n + m) memory.
template <class T>
Status emd_points(const double* a, std::size_t n, const double* b, std::size_t m, const T* x, const T* y,
                  std::size_t d, Metric metric, const EmdOptions& opt, EmdResult& out);

}  // namespace advect
