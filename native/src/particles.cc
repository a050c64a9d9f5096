// Particle engine: the time loop (euler, heun, rk4, euler–maruyama), recording, energies and the
// counter-based noise (Philox4x32-10 + Box–Muller). Mirrors src/backend/js/particles.ts.
//
// Determinism: the noise of element e at step s is a pure function of (seed, s, e), so paths do
// not depend on the thread count; field kernels split rows over parallel_for.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "advect/parallel.h"
#include "advect/particles.h"

namespace advect {

void philox4x32(std::uint32_t c[4], std::uint32_t key[2]) {
  std::uint32_t k0 = key[0], k1 = key[1];
  for (int r = 0; r < 10; ++r) {
    const std::uint64_t p0 = std::uint64_t(0xD2511F53u) * c[0];
    const std::uint64_t p1 = std::uint64_t(0xCD9E8D57u) * c[2];
    const std::uint32_t hi0 = std::uint32_t(p0 >> 32), lo0 = std::uint32_t(p0);
    const std::uint32_t hi1 = std::uint32_t(p1 >> 32), lo1 = std::uint32_t(p1);
    const std::uint32_t n0 = hi1 ^ c[1] ^ k0, n2 = hi0 ^ c[3] ^ k1;
    c[0] = n0; c[1] = lo1; c[2] = n2; c[3] = lo0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
}

namespace {
// Uniform in (0, 1) from two words: 53 bits, offset by half an ulp (never 0 or 1).
inline double u53(std::uint32_t a, std::uint32_t b) {
  return (double(a >> 5) * 67108864.0 + double(b >> 6) + 0.5) * (1.0 / 9007199254740992.0);
}
constexpr double kTwoPi = 6.283185307179586;

// The pair (2p, 2p+1) of normals of step s.
inline void normal_pair(std::uint64_t seed, std::uint64_t step, std::uint64_t p, double& z0, double& z1) {
  std::uint32_t c[4] = {std::uint32_t(p), std::uint32_t(p >> 32), std::uint32_t(step), std::uint32_t(step >> 32)};
  std::uint32_t key[2] = {std::uint32_t(seed), std::uint32_t(seed >> 32)};
  philox4x32(c, key);
  const double u1 = u53(c[0], c[1]), u2 = u53(c[2], c[3]);
  const double rr = std::sqrt(-2.0 * std::log(u1));
  z0 = rr * std::cos(kTwoPi * u2);
  z1 = rr * std::sin(kTwoPi * u2);
}
}  // namespace

double philox_normal(std::uint64_t seed, std::uint64_t step, std::uint64_t e) {
  double z0, z1;
  normal_pair(seed, step, e >> 1, z0, z1);
  return (e & 1) ? z1 : z0;
}

namespace {

template <class T> void fill_noise(std::uint64_t seed, std::uint64_t step, std::size_t len, double* out) {
  const std::size_t pairs = (len + 1) / 2;
  parallel_for(pairs, 16384, [&](std::size_t, std::size_t lo, std::size_t hi) {
    for (std::size_t p = lo; p < hi; ++p) {
      double z0, z1;
      normal_pair(seed, step, p, z0, z1);
      out[2 * p] = z0;
      if (2 * p + 1 < len) out[2 * p + 1] = z1;
    }
  });
}

template <class T> bool all_finite(const T* x, std::size_t len) {
  for (std::size_t i = 0; i < len; ++i)
    if (!std::isfinite(x[i])) return false;
  return true;
}

// g(t) for stochastic fields (0 for ODE fields).
template <class T> double diffusion_coef(const FieldDesc<T>& f, double t) {
  if (f.type == int(FieldType::langevin)) return std::sqrt(2 * f.params[1]);
  if (f.type == int(FieldType::diffusion) && f.params[0] == 1) {
    const double horizon = f.params[1], bmin = f.params[2], bmax = f.params[3];
    const double tau = horizon - t;
    return std::sqrt(bmin + (bmax - bmin) * tau / horizon);
  }
  return 0;
}

template <class T> bool is_stochastic(const FieldDesc<T>& f) {
  return (f.type == int(FieldType::langevin) && f.params[1] > 0) ||
         (f.type == int(FieldType::diffusion) && f.params[0] == 1);
}

// Sphere model: renormalise each particle after a step.
template <class T> void post_step(const FieldDesc<T>& f, T* x, std::size_t n, std::size_t d) {
  if (f.type != int(FieldType::attention) || f.params[3] == 0) return;
  for (std::size_t i = 0; i < n; ++i) {
    double s = 0;
    for (std::size_t k = 0; k < d; ++k) s += double(x[i * d + k]) * double(x[i * d + k]);
    if (s > 0) {
      const double inv = 1 / std::sqrt(s);
      for (std::size_t k = 0; k < d; ++k) x[i * d + k] = T(double(x[i * d + k]) * inv);
    }
  }
}

}  // namespace

template <class T>
Status simulate(const T* x0, std::size_t n, std::size_t d, const T* weights, const FieldDesc<T>& field,
                const SimSpec& sim, T* traj, double* times, double* energy, const std::atomic<bool>* cancel,
                const std::function<void(double, double, double)>& progress) {
  Status st = check_field(field, n, d);
  if (!st.ok()) return st;
  field.cancel = cancel;
  const bool stoch = is_stochastic(field);
  if (stoch && sim.integrator != Integrator::euler_maruyama)
    return Status::Error(Code::invalid_argument,
                         "Expected integrator 'euler-maruyama' for a stochastic field but received another integrator");
  const std::size_t len = n * d;
  const std::size_t k = sim.record == 0 ? (sim.steps == 0 ? 1 : sim.steps) : sim.record;
  const bool has_energy = energy != nullptr && field_has_energy(field);
  std::vector<T> x(x0, x0 + len), k1(len), k2, k3, k4, tmp;
  if (sim.integrator == Integrator::heun || sim.integrator == Integrator::rk4) { k2.resize(len); tmp.resize(len); }
  if (sim.integrator == Integrator::rk4) { k3.resize(len); k4.resize(len); }
  std::vector<double> noise;
  if (sim.integrator == Integrator::euler_maruyama && stoch) noise.resize(len);
  std::size_t rec = 0;
  auto record = [&](double t) -> Status {
    if (!all_finite(x.data(), len))
      return Status::Error(Code::numeric, "The particle state became non-finite (NaN or Inf); reduce dt");
    std::memcpy(traj + rec * len, x.data(), len * sizeof(T));
    times[rec] = t;
    if (energy) energy[rec] = has_energy ? field_energy(field, t, x.data(), n, d, weights)
                                         : std::numeric_limits<double>::quiet_NaN();
    ++rec;
    return Status::Ok();
  };
  st = record(sim.t0);
  if (!st.ok()) return st;
  const T dt = T(sim.dt);
  for (std::size_t s = 0; s < sim.steps; ++s) {
    if (cancel && cancel->load(std::memory_order_relaxed)) return Status::Error(Code::aborted, "The simulation was aborted");
    const double t = sim.t0 + double(s) * sim.dt;
    switch (sim.integrator) {
      case Integrator::euler:
      case Integrator::euler_maruyama: {
        if ((st = field_velocity(field, t, x.data(), n, d, weights, k1.data()), !st.ok())) return st;
        if (!noise.empty()) {
          fill_noise<T>(sim.seed, s, len, noise.data());
          const double g = diffusion_coef(field, t) * std::sqrt(sim.dt);
          for (std::size_t e = 0; e < len; ++e) x[e] = T(x[e] + dt * k1[e] + T(g * noise[e]));
        } else {
          for (std::size_t e = 0; e < len; ++e) x[e] = x[e] + dt * k1[e];
        }
        break;
      }
      case Integrator::heun: {
        if ((st = field_velocity(field, t, x.data(), n, d, weights, k1.data()), !st.ok())) return st;
        for (std::size_t e = 0; e < len; ++e) tmp[e] = x[e] + dt * k1[e];
        if ((st = field_velocity(field, t + sim.dt, tmp.data(), n, d, weights, k2.data()), !st.ok())) return st;
        const T h = T(sim.dt / 2);
        for (std::size_t e = 0; e < len; ++e) x[e] = x[e] + h * (k1[e] + k2[e]);
        break;
      }
      case Integrator::rk4: {
        const T h = T(sim.dt / 2);
        if ((st = field_velocity(field, t, x.data(), n, d, weights, k1.data()), !st.ok())) return st;
        for (std::size_t e = 0; e < len; ++e) tmp[e] = x[e] + h * k1[e];
        if ((st = field_velocity(field, t + sim.dt / 2, tmp.data(), n, d, weights, k2.data()), !st.ok())) return st;
        for (std::size_t e = 0; e < len; ++e) tmp[e] = x[e] + h * k2[e];
        if ((st = field_velocity(field, t + sim.dt / 2, tmp.data(), n, d, weights, k3.data()), !st.ok())) return st;
        for (std::size_t e = 0; e < len; ++e) tmp[e] = x[e] + dt * k3[e];
        if ((st = field_velocity(field, t + sim.dt, tmp.data(), n, d, weights, k4.data()), !st.ok())) return st;
        const T s6 = T(sim.dt / 6);
        for (std::size_t e = 0; e < len; ++e) x[e] = x[e] + s6 * (k1[e] + T(2) * k2[e] + T(2) * k3[e] + k4[e]);
        break;
      }
    }
    post_step(field, x.data(), n, d);
    if ((s + 1) % k == 0 || s + 1 == sim.steps) {
      st = record(sim.t0 + double(s + 1) * sim.dt);
      if (!st.ok()) return st;
    }
    if (progress) progress(double(s + 1), double(sim.steps), sim.t0 + double(s + 1) * sim.dt);
  }
  return Status::Ok();
}

template Status simulate<float>(const float*, std::size_t, std::size_t, const float*, const FieldDesc<float>&,
                                const SimSpec&, float*, double*, double*, const std::atomic<bool>*,
                                const std::function<void(double, double, double)>&);
template Status simulate<double>(const double*, std::size_t, std::size_t, const double*, const FieldDesc<double>&,
                                 const SimSpec&, double*, double*, double*, const std::atomic<bool>*,
                                 const std::function<void(double, double, double)>&);

}  // namespace advect
