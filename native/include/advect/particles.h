// Particle dynamics (issue 5): one time loop over an n×d particle state, driven by a field
// evaluated for all particles at once. The whole loop runs inside one call (DESIGN §1).
//
// A field is described by a code, a vector of numeric parameters and a list of arrays in the
// state's dtype. The layout below is shared with src/particles/fields.ts (which builds it after
// validation) and the js twin src/backend/js/particles*.ts. Energies are computed in double.
//
// Field codes and layouts (params p[...], arrays a[...]):
//   0 attention       p = [heads, r, beta, sphere]            a = [Q (H·r·d), K (H·r·d), V (H·d·d)]
//   1 mmd             p = [kernel, sigma, p, smoothing, s, confinement, m]
//                     kernel: 0 gaussian, 1 energy, 2 laplacian, 3 riesz;  a = [y (m·d), b (m)] when m > 0
//   2 langevin        p = [potential, temperature, a, K]
//                     potential 0 quadratic: a = [A (d·d, symmetric), c (d)]
//                               1 double-well V = a(x_1²−1)² + ½Σ_{k≥2} x_k²: a = []
//                               2 gmm V = −log Σ w_k N(μ_k, s_k² I): a = [mu (K·d), logw (K), s2 (K)]
//   3 mean-field-mlp  p = [activation (0 relu, 1 linear), N, din, dout]   a = [U (N·din), Y (N·dout)]
//                     particle = (w ∈ ℝ^din, a ∈ ℝ^dout), d = din + dout
//   4 flow-matching   p = [target (0 empirical, 1 gmm, 2 gaussian), schedule (0 linear, 1 cosine), K]
//                     empirical/gmm: a = [mu (K·d), logw (K), s2 (K)] (s2 = 0 for atoms)
//                     gaussian:      a = [m0 (d), S0 (d·d), m1 (d), S1 (d·d)]
//   5 diffusion       p = [mode (0 ode, 1 sde), horizon, betaMin, betaMax, K]
//                     a = [mu (K·d), logw (K), s2 (K)]; forward VP time τ = horizon − t.
//   6 sinkhorn-divergence  p = [reg, tol, maxIter, m]   a = [y (m·d), b (m)]; cost |x − y|²,
//                     v_i = 2(ȳ_i − x̄_i) from the potentials of OT_ε(α, β) and OT_ε(α, α).
//   7 coupled-flow-matching  p = [sigma, K]   a = [x0 (K·d), x1 (K·d)]: pairs of a coupling;
//                     v_t(z) = Σ_k softmax_k(−|z − (1−t)x0_k − t x1_k|²/2σ²)(x1_k − x0_k).
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "advect/status.h"

namespace advect {

enum class FieldType : int {
  attention = 0, mmd = 1, langevin = 2, mean_field_mlp = 3, flow_matching = 4, diffusion = 5, sinkhorn_divergence = 6,
  coupled_flow_matching = 7,
};
enum class Integrator : int { euler = 0, heun = 1, rk4 = 2, euler_maruyama = 3 };

template <class T> struct FieldDesc {
  int type = 0;
  std::vector<double> params;
  std::vector<const T*> arrays;
  std::vector<std::size_t> lengths;
  // Per-simulation state (Sinkhorn potentials reused as warm starts from step to step).
  mutable std::vector<T> cache[4];
  mutable double cache_value = 0;
  mutable bool cache_valid = false;
  // Cancel flag of the running simulation, for fields with inner solvers (Sinkhorn).
  mutable const std::atomic<bool>* cancel = nullptr;
};

struct SimSpec {
  Integrator integrator = Integrator::euler;
  double dt = 0.01;
  std::size_t steps = 0;
  double t0 = 0;
  std::size_t record = 0;  // 0: initial and final only
  std::uint64_t seed = 0;
};

// Number of recorded states: steps 0, k, 2k, ... plus the final step when it is not a multiple.
inline std::size_t record_count(std::size_t steps, std::size_t record) {
  std::size_t k = record == 0 ? (steps == 0 ? 1 : steps) : record;
  return steps / k + 1 + (steps % k ? 1 : 0);
}

// Counter-based normal: the e-th standard normal of step `step` for `seed` (Philox4x32-10 +
// Box–Muller; identical to src/backend/js/particles-rng.ts).
double philox_normal(std::uint64_t seed, std::uint64_t step, std::uint64_t e);
void philox4x32(std::uint32_t ctr[4], std::uint32_t key[2]);

// Validates the descriptor against (n, d) (lengths, codes); returns invalid_argument on misuse.
template <class T> Status check_field(const FieldDesc<T>& f, std::size_t n, std::size_t d);

// Velocity of the field at time t (out: n×d), and its energy (NaN when the field has none).
template <class T>
Status field_velocity(const FieldDesc<T>& f, double t, const T* x, std::size_t n, std::size_t d, const T* weights,
                      T* out);
template <class T>
double field_energy(const FieldDesc<T>& f, double t, const T* x, std::size_t n, std::size_t d, const T* weights);
template <class T> bool field_has_energy(const FieldDesc<T>& f);

// traj: record_count × n × d; times: record_count; energy: record_count or null.
// progress(step, steps, t) is called once per step (may be empty).
template <class T>
Status simulate(const T* x0, std::size_t n, std::size_t d, const T* weights, const FieldDesc<T>& field,
                const SimSpec& sim, T* traj, double* times, double* energy, const std::atomic<bool>* cancel,
                const std::function<void(double, double, double)>& progress);

}  // namespace advect
