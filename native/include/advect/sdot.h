// Semi-discrete optimal transport (issue 6).
//
// Damped Newton (Kitagawa–Mérigot–Thibert 2019) for the weights w of the Laguerre cells with
// μ(Lag_i(w)) = b_i, in 2-D on a convex polygon:
//   - G(w) = masses, DG = the graph Laplacian L with L_ij = −(∫_facet ρ)/(2|y_i − y_j|);
//   - direction: L δ = b − G(w), by CG preconditioned with an aggregation multigrid V-cycle, on
//     the mean-zero subspace (the constant null space is projected out of the right-hand side and
//     of the solution; L's columns sum to zero so the residual stays mean-zero);
//   - step: t = 1, 1/2, ... until min_i G_i(w + tδ) >= ε0 and
//     |G(w + tδ) − b|_2 <= (1 − t/2) |G(w) − b|_2, with ε0 = min(min b, min G(w0)) / 2;
//   - stop when max_i |G_i − b_i| / b_i <= tol. Weights are returned with mean zero.
// Sites whose initial cell has no mass are re-seeded first: their weight is raised until the
// nearest point of the density's support falls in their cell.
//
// Stochastic semi-dual (Genevay et al. 2016), any dimension: averaged SGD on
//   F(w) = Σ b_j w_j + E_x[ min_j (|x − y_j|² − w_j) ]            (eps = 0)
//   F(w) = Σ b_j w_j − eps E_x[ log Σ_j b_j exp((w_j − |x − y_j|²)/eps) ]   (eps > 0)
// step C/sqrt(k), gradient b − π(x) averaged over a batch; the returned weights are the running
// average of the iterates, with mean zero.
//
// Lloyd (capacity-constrained Voronoi / blue noise): alternate a Newton solve (warm started) with
// moving each site to its cell's centroid.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "advect/power_diagram.h"
#include "advect/status.h"

namespace advect {

struct NewtonOptions {
  double tol = 1e-9;
  int max_iter = 50;
  double cg_tol = 1e-2;  // largest relative residual of the inner CG solve (inexact Newton)
  int cg_max_iter = 0;   // 0: 20·sqrt(N) + 100
};

struct NewtonResult {
  std::vector<double> weights;
  std::vector<double> history;  // max relative mass error before step 1, after each step
  int iterations = 0;
  int cg_iterations = 0;
  double max_rel_error = 0;
  bool converged = false;
  std::string reason;  // why not converged ("" when converged)
  PowerDiagramResult diagram;  // at the returned weights
  double cost = 0;             // Σ_i ∫_{Lag_i} |x − y_i|² dμ
};

// progress(iteration, maxRelError, step, cgIterations)
using SdotProgress = std::function<void(double, double, double, double)>;

// b: N positive target masses summing to 1. w0 may be null (zeros).
Status sdot_newton(const PowerDiagram& pd, const double* b, const double* w0, const NewtonOptions& opt,
                   const std::atomic<bool>* cancel, const SdotProgress& progress, NewtonResult& out);

// Checks for sites at identical positions (the Laguerre formulation cannot split their mass).
Status check_distinct_sites(const double* sites, std::size_t n, std::size_t d);

struct SamplerSpec {
  enum Kind : int { uniform_box = 0, gaussian = 1, samples = 2 } kind = uniform_box;
  std::vector<double> a, b;          // box: low, high; gaussian: mean, std (length d each)
  const double* data = nullptr;      // user samples, ns × d
  std::size_t ns = 0;
};

struct SgdOptions {
  double eps = 0;
  int iterations = 10000;
  int batch = 16;
  double step = 0;  // C; 0 = automatic (mean squared distance of the sites to their mean)
  uint32_t seed = 1;
};

struct SgdResult {
  std::vector<double> weights;  // averaged iterate, mean zero
  std::vector<double> last;     // last iterate, mean zero
  std::vector<double> masses;   // running estimate of π's average over the last half of the run
  int iterations = 0;
  double step = 0;
};

Status sdot_sgd(const double* sites, std::size_t n, std::size_t d, const double* b, const SamplerSpec& sampler,
                const SgdOptions& opt, const std::atomic<bool>* cancel, const SdotProgress& progress, SgdResult& out);

struct LloydOptions {
  int iterations = 20;
  NewtonOptions newton;
};

struct LloydResult {
  std::vector<double> sites;   // final sites (2N)
  std::vector<double> weights;
  std::vector<double> movement;  // max site displacement per iteration
  int iterations = 0;
  NewtonResult last;  // the final solve, at the final sites
};

Status sdot_lloyd(const double* sites0, std::size_t n, const double* b, const double* domain, std::size_t nv,
                  const Density2D& density, const LloydOptions& opt, const std::atomic<bool>* cancel,
                  const SdotProgress& progress, LloydResult& out);

// 32-bit generator shared bit-for-bit with src/util/random.ts (mulberry32).
struct Mulberry32 {
  uint32_t a;
  explicit Mulberry32(uint32_t seed) : a(seed) {}
  double next() {
    a += 0x6d2b79f5u;
    uint32_t t = a;
    t = (t ^ (t >> 15)) * (t | 1u);
    t ^= t + (t ^ (t >> 7)) * (t | 61u);
    return static_cast<double>(t ^ (t >> 14)) / 4294967296.0;
  }
};

}  // namespace advect
