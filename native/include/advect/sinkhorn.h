// Entropic OT (Sinkhorn), dense and online, float and double (DESIGN §2.2, §6).
//
// Conventions (POT's): the plan is P_ij = exp((f_i + g_j − C_ij) / reg), f and g in cost units
// (POT's log_u = f / reg, log_v = g / reg; its scalings u = exp(f/reg), v = exp(g/reg)).
// One iteration updates v (g) first, then u (f). The error is the column-marginal violation
// ‖Pᵀ1 − b‖ (L2 by default, L1 as an option), checked when the 0-based iteration index is a
// multiple of check_every; the solve stops when err < tol (strict) or err <= tol.
// `iterations` counts (v, u) updates, i.e. POT's log['niter'] + 1.
//
// Methods:
//   scaling     dense scaling domain, one fused sweep over K per iteration (sinkhorn-inl.h)
//   stabilized  scaling with absorption into (alpha, beta) when max u or max v > tau (POT's
//               sinkhorn_stabilized; u, v reset to 1/n, 1/m after an absorption)
//   log         dense log domain: one sweep over C per iteration for both half-steps, with the
//               just-updated potential as stabiliser (sinkhorn-inl.h log_fused_rows; a row or
//               column out of range is redone with a max-shifted LSE)
//   online      log domain on point clouds, costs recomputed per tile, O(n + m) memory
//   auto        scaling when exp(−(max C − min C)/reg) cannot underflow and K fits the budget,
//               else stabilized from a c-transform start; any numeric failure falls back to
//               the log domain, so auto never returns NaN where the log domain succeeds.
#pragma once
#include <atomic>
#include <cstddef>
#include <functional>

#include "advect/kernels.h"
#include "advect/status.h"

namespace advect {

enum class SinkhornMethod : int { automatic = 0, scaling = 1, stabilized = 2, log = 3, online = 4 };

struct SinkhornOptions {
  SinkhornMethod method = SinkhornMethod::automatic;
  double reg = 1;
  double tol = 1e-9;
  std::size_t max_iter = 1000;
  std::size_t check_every = 10;
  bool strict = true;  // err < tol; false: err <= tol (POT's stabilized)
  int norm = 2;        // 2 or 1
  double tau = 1e3;    // absorption threshold (stabilized)
  // eps scaling: stages eps_k = eps0 · decay^k while > reg, stage_iter log-domain iterations
  // each, warm-started; then the method runs at reg. eps0 <= reg disables it.
  double eps0 = 0;
  double eps_decay = 0.5;
  std::size_t stage_iter = 10;
  bool warm = false;               // f and g hold initial potentials (cost units)
  double budget_bytes = 0;         // dense allocations allowed (auto); 0 = unlimited
};

struct SinkhornInfo {
  std::size_t iterations = 0;
  double err = 0;         // marginal error of the returned potentials (the chosen norm)
  bool converged = false;
  SinkhornMethod used = SinkhornMethod::automatic;
  bool fell_back = false;  // auto: a numeric failure sent it to the log domain
  double cost = 0;         // <C, P>
  double value = 0;        // <C, P> + reg·KL(P | a⊗b)
  double plan_sum = 0;
};

// progress(iteration, last checked error, current eps)
using SinkhornProgress = std::function<void(std::size_t, double, double)>;

// Dense: C is n×m. f (n), g (m) are outputs (inputs too when opt.warm). plan (n×m) may be null.
template <class T>
Status sinkhorn_dense(const T* C, std::size_t n, std::size_t m, const T* a, const T* b, const SinkhornOptions& opt,
                      T* f, T* g, T* plan, SinkhornInfo* info, const std::atomic<bool>* cancel,
                      const SinkhornProgress& progress);

// Online: x is n×d, y is m×d; method must be online (or automatic, which means online here).
template <class T>
Status sinkhorn_online(const T* x, std::size_t n, const T* y, std::size_t m, std::size_t d, MetricSpec metric,
                       const T* a, const T* b, const SinkhornOptions& opt, T* f, T* g, SinkhornInfo* info,
                       const std::atomic<bool>* cancel, const SinkhornProgress& progress);

}  // namespace advect
