// One-dimensional exact OT and sliced Wasserstein (POT's wasserstein_1d / sliced_wasserstein_distance).
//
// w1d: W_p^p between weighted samples, ∫_0^1 |F⁻¹(q) − G⁻¹(q)|^p dq evaluated exactly on the merged
// breakpoints of the two cumulative weight functions (left-sided quantiles), O((n+m) log(n+m)).
// Samples are sorted by (value, index), so the result does not depend on how ties are ordered in
// memory. Weights null = uniform 1/n. float64 throughout.
// sliced: the same per direction θ_k (column k of the d×K matrix P), directions split over
// parallel_for (one direction per chunk: identical results for every thread count).
#pragma once
#include <cstddef>

#include "advect/status.h"

namespace advect {

double w1d(const double* u, std::size_t n, const double* uw, const double* v, std::size_t m, const double* vw, double p);

template <class T>
Status sliced_emds(const T* xs, std::size_t n, const T* xt, std::size_t m, std::size_t d, const double* P, std::size_t K,
                   const double* a, const double* b, double p, double* out);

}  // namespace advect
