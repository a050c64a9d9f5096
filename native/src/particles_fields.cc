// Particle fields (layouts in include/advect/particles.h): attention, MMD/interaction,
// Langevin potentials, mean-field two-layer networks, closed-form flow-matching and diffusion
// fields. Rows are split over parallel_for; reductions use per-chunk partials in chunk order.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "advect/kernels.h"
#include "advect/parallel.h"
#include "advect/particles.h"
#include "advect/simd_level.h"
#include "advect/sinkhorn.h"

namespace advect {
namespace particles_family {
struct MmdKernel {
  int kind = 0;  // 0 gaussian, 1 energy, 2 laplacian, 3 riesz
  double sigma = 1, p = 1, eps = 1e-8, s = 1;
};
#define ADVECT_KERNEL_BODY "kernels/particles-inl.h"
#include "simd/levels-inl.h"
#undef ADVECT_KERNEL_BODY
}  // namespace particles_family

namespace {

using namespace particles_family;

constexpr std::size_t kPad = 16;
inline std::size_t padded(std::size_t m) { return (m + kPad - 1) / kPad * kPad; }
constexpr std::size_t kGrain = 16;
// Rows per parallel chunk: about 2^21 flops each, so small problems run on one thread (a parallel
// region costs far more than a small step on a loaded machine). Depends only on sizes.
inline std::size_t grain_for(std::size_t work_per_row) {
  const std::size_t g = (std::size_t(1) << 21) / std::max<std::size_t>(work_per_row, 1);
  return std::max<std::size_t>(kGrain, (g + 3) / 4 * 4);
}
const double kNaN = std::numeric_limits<double>::quiet_NaN();

// y (m×d) → yT (d×ldy), zero padded.
template <class T> std::vector<T> transpose_pad(const T* y, std::size_t m, std::size_t d, std::size_t ldy) {
  std::vector<T> yT(d * ldy, T(0));
  for (std::size_t j = 0; j < m; ++j)
    for (std::size_t k = 0; k < d; ++k) yT[k * ldy + j] = y[j * d + k];
  return yT;
}

// Particle masses normalised to sum 1 (uniform when null).
template <class T> std::vector<T> masses(const T* w, std::size_t n) {
  std::vector<T> a(padded(n), T(0));
  double s = 0;
  if (w) for (std::size_t i = 0; i < n; ++i) s += w[i];
  for (std::size_t i = 0; i < n; ++i) a[i] = w ? T(w[i] / s) : T(1.0 / double(n));
  return a;
}

// ---- attention ---------------------------------------------------------------------------------
template <class T>
void attention_velocity(const FieldDesc<T>& f, const T* x, std::size_t n, std::size_t d, const T* w, T* out) {
  const std::size_t H = std::size_t(f.params[0]), r = std::size_t(f.params[1]);
  const T beta = T(f.params[2]);
  const bool sphere = f.params[3] != 0;
  const std::size_t ldk = padded(n);
  std::vector<T> q(n * r), kk(n * r), v(n * d), lw(ldk, T(-__builtin_inf()));
  double ws = 0;
  if (w) for (std::size_t j = 0; j < n; ++j) ws += w[j];
  for (std::size_t j = 0; j < n; ++j) lw[j] = w ? T(std::log(double(w[j]) / ws)) : T(0);
  std::fill(out, out + n * d, T(0));
  auto fn = ADVECT_PICK(attn_rows<T>);
  for (std::size_t h = 0; h < H; ++h) {
    const T* Q = f.arrays[0] + h * r * d;
    const T* K = f.arrays[1] + h * r * d;
    const T* Vm = f.arrays[2] + h * d * d;
    // Projections with the matrices transposed, so the inner loops are axpys over the output
    // (contiguous, vectorised) rather than dot-product reductions.
    std::vector<T> QT(d * r), KT(d * r), VT(d * d);
    for (std::size_t a = 0; a < r; ++a)
      for (std::size_t b = 0; b < d; ++b) { QT[b * r + a] = Q[a * d + b]; KT[b * r + a] = K[a * d + b]; }
    for (std::size_t a = 0; a < d; ++a)
      for (std::size_t b = 0; b < d; ++b) VT[b * d + a] = Vm[a * d + b];
    parallel_for(n, grain_for((2 * r + d) * d), [&](std::size_t, std::size_t lo, std::size_t hi) {
      for (std::size_t i = lo; i < hi; ++i) {
        const T* xi = x + i * d;
        T* qi = q.data() + i * r;
        T* ki = kk.data() + i * r;
        T* vi = v.data() + i * d;
        for (std::size_t a = 0; a < r; ++a) { qi[a] = 0; ki[a] = 0; }
        for (std::size_t a = 0; a < d; ++a) vi[a] = 0;
        for (std::size_t b = 0; b < d; ++b) {
          const T xb = xi[b];
          const T* qb = QT.data() + b * r;
          const T* kb = KT.data() + b * r;
          const T* vb = VT.data() + b * d;
          for (std::size_t a = 0; a < r; ++a) { qi[a] += xb * qb[a]; ki[a] += xb * kb[a]; }
          for (std::size_t a = 0; a < d; ++a) vi[a] += xb * vb[a];
        }
      }
    });
    std::vector<T> kT = transpose_pad(kk.data(), n, r, ldk);
    parallel_for(n, std::max<std::size_t>(48, grain_for(2 * n * (r + d))), [&](std::size_t, std::size_t lo, std::size_t hi) {
      fn(q.data(), r, kT.data(), ldk, n, lw.data(), v.data(), d, beta, lo, hi, out);
    });
  }
  if (sphere) {
    for (std::size_t i = 0; i < n; ++i) {
      double xx = 0, xg = 0;
      for (std::size_t k = 0; k < d; ++k) { xx += double(x[i * d + k]) * x[i * d + k]; xg += double(x[i * d + k]) * out[i * d + k]; }
      const double c = xx > 0 ? xg / xx : 0;
      for (std::size_t k = 0; k < d; ++k) out[i * d + k] = T(out[i * d + k] - c * x[i * d + k]);
    }
  }
}

// ---- mmd ---------------------------------------------------------------------------------------
template <class T> MmdKernel mmd_kernel(const FieldDesc<T>& f) {
  MmdKernel K;
  K.kind = int(f.params[0]);
  K.sigma = f.params[1];
  K.p = f.params[2];
  K.eps = f.params[3];
  K.s = f.params[4];
  return K;
}

template <class T>
void mmd_velocity(const FieldDesc<T>& f, const T* x, std::size_t n, std::size_t d, const T* w, T* out) {
  const MmdKernel K = mmd_kernel(f);
  const double lam = f.params[5];
  const std::size_t m = std::size_t(f.params[6]);
  const std::size_t ldx = padded(n), ldy = padded(m);
  std::vector<T> a = masses(w, n), xT = transpose_pad(x, n, d, ldx), yT, b;
  if (m) {
    yT = transpose_pad(f.arrays[0], m, d, ldy);
    b.assign(ldy, T(0));
    std::copy(f.arrays[1], f.arrays[1] + m, b.begin());
  }
  auto fn = ADVECT_PICK(mmd_row<T>);
  parallel_for(n, grain_for(4 * (n + m) * d), [&](std::size_t, std::size_t lo, std::size_t hi) {
    std::vector<double> S(d + 1), R(d + 1);
    for (std::size_t i = lo; i < hi; ++i) {
      const T* xi = x + i * d;
      fn(xi, xT.data(), ldx, n, d, a.data(), K, false, S.data());
      if (m) fn(xi, yT.data(), ldy, m, d, b.data(), K, false, R.data());
      for (std::size_t k = 0; k < d; ++k) {
        double g = double(xi[k]) * S[0] - S[k + 1];
        if (m) g -= double(xi[k]) * R[0] - R[k + 1];
        out[i * d + k] = T(-2 * g - lam * double(xi[k]));
      }
    }
  });
}

template <class T>
double mmd_energy(const FieldDesc<T>& f, const T* x, std::size_t n, std::size_t d, const T* w) {
  const MmdKernel K = mmd_kernel(f);
  const double lam = f.params[5];
  const std::size_t m = std::size_t(f.params[6]);
  const std::size_t ldx = padded(n), ldy = padded(m);
  std::vector<T> a = masses(w, n), xT = transpose_pad(x, n, d, ldx), yT, b;
  if (m) {
    yT = transpose_pad(f.arrays[0], m, d, ldy);
    b.assign(ldy, T(0));
    std::copy(f.arrays[1], f.arrays[1] + m, b.begin());
  }
  auto fn = ADVECT_PICK(mmd_row<T>);
  const std::size_t gx = grain_for(4 * (n + m) * d);
  std::vector<double> part(chunk_count(n, gx), 0.0);
  parallel_for(n, gx, [&](std::size_t c, std::size_t lo, std::size_t hi) {
    std::vector<double> S(d + 1);
    double acc = 0;
    for (std::size_t i = lo; i < hi; ++i) {
      const T* xi = x + i * d;
      fn(xi, xT.data(), ldx, n, d, a.data(), K, true, S.data());
      double e = S[0];
      if (m) { fn(xi, yT.data(), ldy, m, d, b.data(), K, true, S.data()); e -= 2 * S[0]; }
      double xx = 0;
      for (std::size_t k = 0; k < d; ++k) xx += double(xi[k]) * xi[k];
      acc += double(a[i]) * (e + 0.5 * lam * xx);
    }
    part[c] = acc;
  });
  double E = 0;
  for (double p : part) E += p;
  if (m && f.cache_valid) {
    E += f.cache_value;  // the target self-term, constant over a simulation
  } else if (m) {
    const std::size_t gy = grain_for(4 * m * d);
    std::vector<double> pb(chunk_count(m, gy), 0.0);
    const T* y = f.arrays[0];
    parallel_for(m, gy, [&](std::size_t c, std::size_t lo, std::size_t hi) {
      std::vector<double> S(d + 1);
      double acc = 0;
      for (std::size_t j = lo; j < hi; ++j) {
        fn(y + j * d, yT.data(), ldy, m, d, b.data(), K, true, S.data());
        acc += double(b[j]) * S[0];
      }
      pb[c] = acc;
    });
    double bb = 0;
    for (double p : pb) bb += p;
    f.cache_value = bb;
    f.cache_valid = true;
    E += bb;
  }
  return E;
}

// ---- isotropic Gaussian-mixture posterior: out_i = z_i·P0 + P[1..d] -----------------------------
// Components: centres C_k (K×d), lw_k, h_k, vals_k = [A_k, u_k] (K×(d+1)).
template <class T> struct Posterior {
  std::size_t K = 0, ldk = 0;
  std::vector<T> CT, lw, h, vals;
};

template <class T>
void posterior_apply(const Posterior<T>& P, const T* z, std::size_t n, std::size_t d, T* out, T scale_out,
                     const T* xadd, T xscale) {
  auto fn = ADVECT_PICK(post_row<T>);
  parallel_for(n, grain_for(4 * P.K * (d + 1) + 64), [&](std::size_t, std::size_t lo, std::size_t hi) {
    std::vector<double> o(d + 1);
    for (std::size_t i = lo; i < hi; ++i) {
      const T* zi = z + i * d;
      fn(zi, P.CT.data(), P.ldk, P.K, d, P.lw.data(), P.h.data(), P.vals.data(), d + 1, o.data());
      for (std::size_t k = 0; k < d; ++k) {
        double v = double(zi[k]) * o[0] + o[k + 1];
        out[i * d + k] = T(double(scale_out) * v + (xadd ? double(xscale) * xadd[i * d + k] : 0.0));
      }
    }
  });
}

// Builds the posterior for a mixture with centres cen·μ_k, variances c_k, and per-component
// affine maps A_k (z − cen μ_k) + B μ_k.
template <class T>
Posterior<T> make_posterior(const T* mu, const T* logw, const std::vector<double>& c, const std::vector<double>& A,
                            double cen, double B, std::size_t K, std::size_t d) {
  Posterior<T> P;
  P.K = K;
  P.ldk = padded(K);
  std::vector<T> C(K * d);
  P.vals.assign(K * (d + 1), T(0));
  P.lw.assign(P.ldk, T(-__builtin_inf()));
  P.h.assign(P.ldk, T(0));
  for (std::size_t k = 0; k < K; ++k) {
    P.lw[k] = T(double(logw[k]) - 0.5 * double(d) * std::log(c[k]));
    P.h[k] = T(0.5 / c[k]);
    P.vals[k * (d + 1)] = T(A[k]);
    for (std::size_t b = 0; b < d; ++b) {
      const double ck = cen * double(mu[k * d + b]);
      C[k * d + b] = T(ck);
      P.vals[k * (d + 1) + 1 + b] = T(-A[k] * ck + B * double(mu[k * d + b]));
    }
  }
  P.CT = transpose_pad(C.data(), K, d, P.ldk);
  return P;
}

// ---- langevin ----------------------------------------------------------------------------------
template <class T>
void langevin_velocity(const FieldDesc<T>& f, const T* x, std::size_t n, std::size_t d, T* out) {
  const int pot = int(f.params[0]);
  if (pot == 0) {
    const T* A = f.arrays[0];
    const T* c = f.arrays[1];
    parallel_for(n, grain_for(2 * d * d), [&](std::size_t, std::size_t lo, std::size_t hi) {
      for (std::size_t i = lo; i < hi; ++i)
        for (std::size_t a = 0; a < d; ++a) {
          double s = 0;
          for (std::size_t b = 0; b < d; ++b) s += double(A[a * d + b]) * (double(x[i * d + b]) - c[b]);
          out[i * d + a] = T(-s);
        }
    });
  } else if (pot == 1) {
    const double aa = f.params[2];
    for (std::size_t i = 0; i < n; ++i) {
      const double x1 = x[i * d];
      out[i * d] = T(-4 * aa * x1 * (x1 * x1 - 1));
      for (std::size_t k = 1; k < d; ++k) out[i * d + k] = T(-double(x[i * d + k]));
    }
  } else {
    const std::size_t K = std::size_t(f.params[3]);
    const T* s2 = f.arrays[2];
    std::vector<double> c(K), A(K);
    for (std::size_t k = 0; k < K; ++k) { c[k] = s2[k]; A[k] = 1.0 / c[k]; }
    // −∇V = Σ p_k (μ_k − x)/s_k²: affine map A_k (x − μ_k) negated.
    Posterior<T> P = make_posterior(f.arrays[0], f.arrays[1], c, A, 1.0, 0.0, K, d);
    posterior_apply(P, x, n, d, out, T(-1), static_cast<const T*>(nullptr), T(0));
  }
}

template <class T>
double langevin_energy(const FieldDesc<T>& f, const T* x, std::size_t n, std::size_t d, const T* w) {
  const int pot = int(f.params[0]);
  std::vector<T> a = masses(w, n);
  double E = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const T* xi = x + i * d;
    double V = 0;
    if (pot == 0) {
      const T* A = f.arrays[0];
      const T* c = f.arrays[1];
      for (std::size_t p = 0; p < d; ++p)
        for (std::size_t q = 0; q < d; ++q) V += 0.5 * (double(xi[p]) - c[p]) * double(A[p * d + q]) * (double(xi[q]) - c[q]);
    } else if (pot == 1) {
      const double x1 = xi[0];
      V = f.params[2] * (x1 * x1 - 1) * (x1 * x1 - 1);
      for (std::size_t k = 1; k < d; ++k) V += 0.5 * double(xi[k]) * xi[k];
    } else {
      const std::size_t K = std::size_t(f.params[3]);
      const T* mu = f.arrays[0];
      const T* lw = f.arrays[1];
      const T* s2 = f.arrays[2];
      double mx = -__builtin_inf(), s = 0;
      std::vector<double> e(K);
      for (std::size_t k = 0; k < K; ++k) {
        double r2 = 0;
        for (std::size_t b = 0; b < d; ++b) { const double df = double(xi[b]) - mu[k * d + b]; r2 += df * df; }
        e[k] = double(lw[k]) - 0.5 * double(d) * std::log(6.283185307179586 * s2[k]) - 0.5 * r2 / s2[k];
        mx = std::max(mx, e[k]);
      }
      for (std::size_t k = 0; k < K; ++k) s += std::exp(e[k] - mx);
      V = -(mx + std::log(s));
    }
    E += double(a[i]) * V;
  }
  return E;
}

// ---- mean-field two-layer network ----------------------------------------------------------------
// Data are used transposed (din×N, dout×N, double) so every inner loop runs over the N samples,
// contiguously (vectorised), for one neuron at a time.
struct MlpData {
  bool relu = true;
  std::size_t N = 0, din = 0, dout = 0;
  std::vector<double> UT, r;  // UT: din×N; r: dout×N residuals G(u_k) − y_k
};

template <class T> MlpData mlp_data(const FieldDesc<T>& f) {
  MlpData M;
  M.relu = f.params[0] == 0;
  M.N = std::size_t(f.params[1]);
  M.din = std::size_t(f.params[2]);
  M.dout = std::size_t(f.params[3]);
  const T* U = f.arrays[0];
  M.UT.resize(M.din * M.N);
  for (std::size_t k = 0; k < M.N; ++k)
    for (std::size_t b = 0; b < M.din; ++b) M.UT[b * M.N + k] = double(U[k * M.din + b]);
  return M;
}

// z_k = <w, u_k> for all k (z has N entries).
template <class T> inline void mlp_pre(const MlpData& M, const T* wi, double* z) {
  const std::size_t N = M.N;
  for (std::size_t k = 0; k < N; ++k) z[k] = 0;
  for (std::size_t b = 0; b < M.din; ++b) {
    const double wb = double(wi[b]);
    const double* ub = M.UT.data() + b * N;
    for (std::size_t k = 0; k < N; ++k) z[k] += wb * ub[k];
  }
}

template <class T>
void mlp_residuals(const FieldDesc<T>& f, MlpData& M, const T* x, std::size_t n, std::size_t d, const T* w) {
  const std::size_t N = M.N, dout = M.dout, din = M.din;
  const T* Y = f.arrays[1];
  std::vector<T> a = masses(w, n);
  const std::size_t G = std::max<std::size_t>(64, grain_for(2 * N * d));
  const std::size_t chunks = chunk_count(n, G);
  std::vector<double> part(chunks * N * dout, 0.0);
  parallel_for(n, G, [&](std::size_t c, std::size_t lo, std::size_t hi) {
    double* P = part.data() + c * N * dout;
    std::vector<double> z(N);
    for (std::size_t i = lo; i < hi; ++i) {
      const T* wi = x + i * d;
      mlp_pre(M, wi, z.data());
      if (M.relu)
        for (std::size_t k = 0; k < N; ++k) z[k] = z[k] > 0 ? z[k] : 0;
      for (std::size_t o = 0; o < dout; ++o) {
        const double ao = double(a[i]) * double(wi[din + o]);
        double* Po = P + o * N;
        for (std::size_t k = 0; k < N; ++k) Po[k] += ao * z[k];
      }
    }
  });
  M.r.assign(N * dout, 0.0);
  for (std::size_t c = 0; c < chunks; ++c)
    for (std::size_t e = 0; e < N * dout; ++e) M.r[e] += part[c * N * dout + e];
  for (std::size_t o = 0; o < dout; ++o)
    for (std::size_t k = 0; k < N; ++k) M.r[o * N + k] -= double(Y[k * dout + o]);
}

template <class T>
void mlp_velocity(const FieldDesc<T>& f, const T* x, std::size_t n, std::size_t d, const T* w, T* out) {
  MlpData M = mlp_data(f);
  mlp_residuals(f, M, x, n, d, w);
  const std::size_t N = M.N, din = M.din, dout = M.dout;
  const double invN = 1.0 / double(N);
  parallel_for(n, grain_for(4 * N * d), [&](std::size_t, std::size_t lo, std::size_t hi) {
    std::vector<double> z(N), s(N), c(N);
    for (std::size_t i = lo; i < hi; ++i) {
      const T* wi = x + i * d;
      mlp_pre(M, wi, z.data());
      for (std::size_t k = 0; k < N; ++k) {
        s[k] = M.relu ? (z[k] > 0 ? z[k] : 0) : z[k];
        c[k] = 0;
      }
      for (std::size_t o = 0; o < dout; ++o) {
        const double* ro = M.r.data() + o * N;
        const double ao = double(wi[din + o]);
        double ga = 0;
        for (std::size_t k = 0; k < N; ++k) { ga += s[k] * ro[k]; c[k] += ao * ro[k]; }
        out[i * d + din + o] = T(-ga * invN);
      }
      if (M.relu)
        for (std::size_t k = 0; k < N; ++k) c[k] = z[k] > 0 ? c[k] : 0;
      for (std::size_t b = 0; b < din; ++b) {
        const double* ub = M.UT.data() + b * N;
        double gw = 0;
        for (std::size_t k = 0; k < N; ++k) gw += c[k] * ub[k];
        out[i * d + b] = T(-gw * invN);
      }
    }
  });
}

template <class T>
double mlp_energy(const FieldDesc<T>& f, const T* x, std::size_t n, std::size_t d, const T* w) {
  MlpData M = mlp_data(f);
  mlp_residuals(f, M, x, n, d, w);
  double s = 0;
  for (double v : M.r) s += v * v;
  return 0.5 * s / double(M.N);
}

// ---- schedules -----------------------------------------------------------------------------------
struct Sched { double a, b, da, db; };
inline Sched schedule(int kind, double t) {
  if (kind == 0) return {1 - t, t, -1, 1};
  const double h = 1.5707963267948966;
  return {std::cos(h * t), std::sin(h * t), -h * std::sin(h * t), h * std::cos(h * t)};
}

// Cholesky solve of S X = B for SPD S (d×d), B (d×d); double; returns false when not SPD.
bool spd_solve(std::vector<double> S, std::vector<double>& B, std::size_t d) {
  for (std::size_t j = 0; j < d; ++j) {
    double s = S[j * d + j];
    for (std::size_t k = 0; k < j; ++k) s -= S[j * d + k] * S[j * d + k];
    if (!(s > 0)) return false;
    S[j * d + j] = std::sqrt(s);
    for (std::size_t i = j + 1; i < d; ++i) {
      double t = S[i * d + j];
      for (std::size_t k = 0; k < j; ++k) t -= S[i * d + k] * S[j * d + k];
      S[i * d + j] = t / S[j * d + j];
    }
  }
  for (std::size_t c = 0; c < d; ++c) {
    for (std::size_t i = 0; i < d; ++i) {
      double t = B[i * d + c];
      for (std::size_t k = 0; k < i; ++k) t -= S[i * d + k] * B[k * d + c];
      B[i * d + c] = t / S[i * d + i];
    }
    for (std::size_t ii = d; ii-- > 0;) {
      double t = B[ii * d + c];
      for (std::size_t k = ii + 1; k < d; ++k) t -= S[k * d + ii] * B[k * d + c];
      B[ii * d + c] = t / S[ii * d + ii];
    }
  }
  return true;
}

template <class T>
Status fm_velocity(const FieldDesc<T>& f, double t, const T* x, std::size_t n, std::size_t d, T* out) {
  const int target = int(f.params[0]);
  const Sched s = schedule(int(f.params[1]), t);
  if (target == 2) {
    const T* m0 = f.arrays[0];
    const T* S0 = f.arrays[1];
    const T* m1 = f.arrays[2];
    const T* S1 = f.arrays[3];
    std::vector<double> St(d * d), Bt(d * d);
    for (std::size_t e = 0; e < d * d; ++e) {
      St[e] = s.a * s.a * S0[e] + s.b * s.b * S1[e];
      Bt[e] = s.a * s.da * S0[e] + s.b * s.db * S1[e];
    }
    // A_t = B_t Σ_t⁻¹ = (Σ_t⁻¹ B_tᵀ)ᵀ
    std::vector<double> X(d * d);
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t j = 0; j < d; ++j) X[i * d + j] = Bt[j * d + i];
    if (!spd_solve(St, X, d)) return Status::Error(Code::numeric, "The flow-matching covariance Σ_t is not positive definite");
    std::vector<double> mt(d), dm(d);
    for (std::size_t k = 0; k < d; ++k) { mt[k] = s.a * m0[k] + s.b * m1[k]; dm[k] = s.da * m0[k] + s.db * m1[k]; }
    parallel_for(n, grain_for(2 * d * d), [&](std::size_t, std::size_t lo, std::size_t hi) {
      for (std::size_t i = lo; i < hi; ++i)
        for (std::size_t p = 0; p < d; ++p) {
          double v = dm[p];
          for (std::size_t q = 0; q < d; ++q) v += X[q * d + p] * (double(x[i * d + q]) - mt[q]);
          out[i * d + p] = T(v);
        }
    });
    return Status::Ok();
  }
  const std::size_t K = std::size_t(f.params[2]);
  const T* s2 = f.arrays[2];
  std::vector<double> c(K), A(K);
  for (std::size_t k = 0; k < K; ++k) {
    c[k] = s.a * s.a + s.b * s.b * double(s2[k]);
    A[k] = (s.da * s.a + s.db * s.b * double(s2[k])) / c[k];
  }
  Posterior<T> P = make_posterior(f.arrays[0], f.arrays[1], c, A, s.b, s.db, K, d);
  posterior_apply(P, x, n, d, out, T(1), static_cast<const T*>(nullptr), T(0));
  return Status::Ok();
}

// VP diffusion: β(τ) = βmin + (βmax − βmin) τ / horizon; α_τ = exp(−½∫β); τ = horizon − t.
template <class T>
void diffusion_velocity(const FieldDesc<T>& f, double t, const T* x, std::size_t n, std::size_t d, T* out) {
  const bool sde = f.params[0] == 1;
  const double horizon = f.params[1], bmin = f.params[2], bmax = f.params[3];
  const std::size_t K = std::size_t(f.params[4]);
  const double tau = horizon - t;
  const double beta = bmin + (bmax - bmin) * tau / horizon;
  const double B = bmin * tau + 0.5 * (bmax - bmin) * tau * tau / horizon;
  const double al = std::exp(-0.5 * B);
  const double var = -std::expm1(-B);
  const T* s2 = f.arrays[2];
  std::vector<double> c(K), A(K);
  for (std::size_t k = 0; k < K; ++k) {
    c[k] = var + al * al * double(s2[k]);
    A[k] = -1.0 / c[k];  // score = Σ p_k (α μ_k − z)/c_k
  }
  Posterior<T> P = make_posterior(f.arrays[0], f.arrays[1], c, A, al, 0.0, K, d);
  // ode: ½β(x + score); sde: ½β x + β score
  posterior_apply(P, x, n, d, out, T(sde ? beta : 0.5 * beta), x, T(sde ? 0.5 * beta : 0.5 * beta));
}

// ---- coupled (minibatch-OT) flow matching: v_t(z) = Σ_k p_k(z)(x1_k − x0_k) --------------------
// p_k ∝ exp(−|z − ((1−t)x0_k + t x1_k)|² / (2σ²)): the marginal field of the coupling's straight
// paths smoothed by N(0, σ²I) (torchcfm's OT-CFM target, in closed form).
template <class T>
void coupled_velocity(const FieldDesc<T>& f, double t, const T* x, std::size_t n, std::size_t d, T* out) {
  const double s2 = f.params[0] * f.params[0];
  const std::size_t K = std::size_t(f.params[1]);
  const T* x0 = f.arrays[0];
  const T* x1 = f.arrays[1];
  Posterior<T> P;
  P.K = K;
  P.ldk = padded(K);
  std::vector<T> C(K * d);
  P.vals.assign(K * (d + 1), T(0));
  P.lw.assign(P.ldk, T(-__builtin_inf()));
  P.h.assign(P.ldk, T(0));
  for (std::size_t k = 0; k < K; ++k) {
    P.lw[k] = T(0);
    P.h[k] = T(0.5 / s2);
    for (std::size_t b = 0; b < d; ++b) {
      C[k * d + b] = T((1 - t) * double(x0[k * d + b]) + t * double(x1[k * d + b]));
      P.vals[k * (d + 1) + 1 + b] = T(double(x1[k * d + b]) - double(x0[k * d + b]));
    }
  }
  P.CT = transpose_pad(C.data(), K, d, P.ldk);
  posterior_apply(P, x, n, d, out, T(1), static_cast<const T*>(nullptr), T(0));
}

// ---- Sinkhorn divergence (GeomLoss-style flow) --------------------------------------------------
// S_ε(α, β) = OT_ε(α, β) − ½OT_ε(α, α) − ½OT_ε(β, β), cost |x − y|². With P_ij ∝ exp((g_j − C_ij)/ε)
// row-normalised, ∇f(x_i) = 2(x_i − ȳ_i) where ȳ_i is the P-barycentre; the velocity
// −(1/a_i)∇_{x_i}S = 2(ȳ_i − x̄_i) uses the α–β and α–α (symmetric) potentials. Potentials of the
// previous step warm-start the next solve (f.cache); the first solve uses eps scaling.
template <class T> SinkhornOptions sd_options(const FieldDesc<T>& f, bool warm, double diam2) {
  SinkhornOptions o;
  o.method = SinkhornMethod::online;
  o.reg = f.params[0];
  o.tol = f.params[1];
  o.max_iter = std::size_t(f.params[2]);
  o.warm = warm;
  o.eps0 = warm ? 0 : diam2;
  o.check_every = 1;  // the log-domain check reuses the sweep's column sums: free
  return o;
}

template <class T> double sq_diameter(const T* x, std::size_t n, const T* y, std::size_t m, std::size_t d) {
  double s = 0;
  for (std::size_t k = 0; k < d; ++k) {
    double lo = __builtin_inf(), hi = -__builtin_inf();
    for (std::size_t i = 0; i < n; ++i) { lo = std::min(lo, double(x[i * d + k])); hi = std::max(hi, double(x[i * d + k])); }
    for (std::size_t j = 0; j < m; ++j) { lo = std::min(lo, double(y[j * d + k])); hi = std::max(hi, double(y[j * d + k])); }
    s += (hi - lo) * (hi - lo);
  }
  return s;
}

template <class T>
Status sd_solve(const FieldDesc<T>& f, const T* x, std::size_t n, const T* y, std::size_t m, std::size_t d, const T* a,
                const T* b, std::vector<T>& pf, std::vector<T>& pg, double* value) {
  const bool warm = pf.size() == n && pg.size() == m;
  if (!warm) { pf.assign(n, T(0)); pg.assign(m, T(0)); }
  SinkhornInfo info;
  MetricSpec ms;
  ms.metric = Metric::sqeuclidean;
  Status st = sinkhorn_online(x, n, y, m, d, ms, a, b, sd_options(f, warm, sq_diameter(x, n, y, m, d)), pf.data(),
                              pg.data(), &info, f.cancel, SinkhornProgress());
  if (value) *value = info.value;
  return st;
}

template <class T, int D> auto pick_bary() -> decltype(&scalar::bary_row<T, D>) {
  return active_level() == SimdLevel::avx512 ? &avx512::bary_row<T, D>
         : active_level() == SimdLevel::avx2 ? &avx2::bary_row<T, D>
                                             : &scalar::bary_row<T, D>;
}

// out_i = Σ_j softmax_j((g_j − |x_i − y_j|²)/eps) y_j: the SIMD barycentre kernel for d <= 4,
// else the engine's online softmax sum.
template <class T>
void sd_barycentres(const T* x, std::size_t n, const T* y, std::size_t m, std::size_t d, const T* g, double eps, T* out) {
  if (d > 4) {
    ScoreSpec sc;
    sc.kind = ScoreSpec::cost;
    sc.metric.metric = Metric::sqeuclidean;
    sc.eps = eps;
    softmax_sum_online(x, n, y, m, d, sc, g, y, d, out, static_cast<T*>(nullptr));
    return;
  }
  const std::size_t ldk = padded(m);
  std::vector<T> CT = transpose_pad(y, m, d, ldk), lw(ldk, T(-__builtin_inf()));
  for (std::size_t j = 0; j < m; ++j) lw[j] = T(double(g[j]) / eps);
  const T h = T(1.0 / eps);
  auto f1 = pick_bary<T, 1>();
  auto f2 = pick_bary<T, 2>();
  auto f3 = pick_bary<T, 3>();
  auto f4 = pick_bary<T, 4>();
  auto fn = d == 1 ? f1 : d == 2 ? f2 : d == 3 ? f3 : f4;
  parallel_for(n, grain_for(8 * m * (d + 1)), [&](std::size_t, std::size_t lo, std::size_t hi) {
    double o[4];
    for (std::size_t i = lo; i < hi; ++i) {
      fn(x + i * d, CT.data(), ldk, m, lw.data(), h, o);
      for (std::size_t k = 0; k < d; ++k) out[i * d + k] = T(o[k]);
    }
  });
}

template <class T>
Status sd_velocity(const FieldDesc<T>& f, const T* x, std::size_t n, std::size_t d, const T* w, T* out) {
  const std::size_t m = std::size_t(f.params[3]);
  const T* y = f.arrays[0];
  const T* b = f.arrays[1];
  std::vector<T> a = masses(w, n);
  Status st = sd_solve(f, x, n, y, m, d, a.data(), b, f.cache[0], f.cache[1], nullptr);
  if (!st.ok()) return st;
  st = sd_solve(f, x, n, x, n, d, a.data(), a.data(), f.cache[2], f.cache[3], nullptr);
  if (!st.ok()) return st;
  std::vector<T> yb(n * d), xb(n * d);
  sd_barycentres(x, n, y, m, d, f.cache[1].data(), f.params[0], yb.data());
  sd_barycentres(x, n, x, n, d, f.cache[3].data(), f.params[0], xb.data());
  for (std::size_t e = 0; e < n * d; ++e) out[e] = T(2 * (double(yb[e]) - double(xb[e])));
  return Status::Ok();
}

template <class T> double sd_energy(const FieldDesc<T>& f, const T* x, std::size_t n, std::size_t d, const T* w) {
  // Solves at x update the warm-start cache: the next velocity evaluation at the same x starts
  // from converged potentials. OT_ε(β, β) is constant and solved once per simulation.
  const std::size_t m = std::size_t(f.params[3]);
  const T* y = f.arrays[0];
  const T* b = f.arrays[1];
  std::vector<T> a = masses(w, n);
  double ab = 0, aa = 0;
  if (!sd_solve(f, x, n, y, m, d, a.data(), b, f.cache[0], f.cache[1], &ab).ok()) return kNaN;
  if (!sd_solve(f, x, n, x, n, d, a.data(), a.data(), f.cache[2], f.cache[3], &aa).ok()) return kNaN;
  if (!f.cache_valid) {
    std::vector<T> q0, q1;
    double bb = 0;
    if (!sd_solve(f, y, m, y, m, d, b, b, q0, q1, &bb).ok()) return kNaN;
    f.cache_value = bb;
    f.cache_valid = true;
  }
  return ab - 0.5 * aa - 0.5 * f.cache_value;
}

}  // namespace

template <class T> bool field_has_energy(const FieldDesc<T>& f) {
  return f.type == int(FieldType::mmd) || f.type == int(FieldType::langevin) || f.type == int(FieldType::mean_field_mlp) ||
         f.type == int(FieldType::sinkhorn_divergence);
}

template <class T> Status check_field(const FieldDesc<T>& f, std::size_t n, std::size_t d) {
  auto bad = [](const std::string& m) { return Status::Error(Code::invalid_argument, m); };
  auto need = [&](std::size_t np, std::size_t na) -> bool { return f.params.size() >= np && f.arrays.size() == na; };
  auto len = [&](std::size_t i, std::size_t L) -> bool { return f.lengths[i] == L; };
  if (d == 0) return bad("Expected d >= 1 for particles but received 0");
  // Counts and codes among the params must be small non-negative integers (no UB in size_t casts,
  // no overflow in products of sizes).
  static const int counts[][4] = {{0, 1, -1, -1}, {0, 6, -1, -1}, {0, 3, -1, -1}, {0, 1, 2, 3},
                                  {0, 1, 2, -1}, {0, 4, -1, -1}, {2, 3, -1, -1}, {1, -1, -1, -1}};
  if (f.type < 0 || f.type > 7) return bad("Expected a field type code from 0 to 7 for field");
  for (int c : counts[f.type]) {
    if (c < 0) continue;
    if (std::size_t(c) >= f.params.size()) return bad("Expected more parameters for field");
    const double v = f.params[std::size_t(c)];
    if (!(v >= 0) || v != std::floor(v) || v * double(d) > 9.0e15 || v * v * double(d) > 9.0e15)
      return bad("Expected non-negative integer counts and codes in the field parameters");
  }
  if (f.lengths.size() != f.arrays.size()) return bad("Expected one length per field array");
  switch (FieldType(f.type)) {
    case FieldType::attention: {
      if (!need(4, 3)) return bad("Expected attention parameters for field");
      const std::size_t H = std::size_t(f.params[0]), r = std::size_t(f.params[1]);
      if (H == 0 || r == 0 || !len(0, H * r * d) || !len(1, H * r * d) || !len(2, H * d * d))
        return bad("Expected Q, K of length heads·r·d and V of length heads·d·d for field");
      return Status::Ok();
    }
    case FieldType::mmd: {
      if (f.params.size() < 7) return bad("Expected mmd parameters for field");
      const std::size_t m = std::size_t(f.params[6]);
      if (m == 0) return f.arrays.empty() ? Status::Ok() : bad("Expected no target arrays for field");
      if (f.arrays.size() != 2 || !len(0, m * d) || !len(1, m)) return bad("Expected target y (m·d) and b (m) for field");
      if (f.params[0] < 0 || f.params[0] > 3) return bad("Expected a kernel code from 0 to 3 for field");
      return Status::Ok();
    }
    case FieldType::langevin: {
      if (f.params.size() < 4) return bad("Expected langevin parameters for field");
      const int pot = int(f.params[0]);
      if (pot == 0) return f.arrays.size() == 2 && len(0, d * d) && len(1, d) ? Status::Ok() : bad("Expected A (d·d) and c (d) for field");
      if (pot == 1) return Status::Ok();
      const std::size_t K = std::size_t(f.params[3]);
      return f.arrays.size() == 3 && K > 0 && len(0, K * d) && len(1, K) && len(2, K) ? Status::Ok()
                                                                                        : bad("Expected mu, logw, s2 for field");
    }
    case FieldType::mean_field_mlp: {
      if (!need(4, 2)) return bad("Expected mean-field parameters for field");
      const std::size_t N = std::size_t(f.params[1]), din = std::size_t(f.params[2]), dout = std::size_t(f.params[3]);
      if (din + dout != d || N == 0 || !len(0, N * din) || !len(1, N * dout)) return bad("Expected U (N·din), Y (N·dout) with d = din + dout for field");
      return Status::Ok();
    }
    case FieldType::flow_matching: {
      if (f.params.size() < 3) return bad("Expected flow-matching parameters for field");
      if (int(f.params[0]) == 2)
        return f.arrays.size() == 4 && len(0, d) && len(1, d * d) && len(2, d) && len(3, d * d) ? Status::Ok()
                                                                                                 : bad("Expected m0, S0, m1, S1 for field");
      const std::size_t K = std::size_t(f.params[2]);
      return f.arrays.size() == 3 && K > 0 && len(0, K * d) && len(1, K) && len(2, K) ? Status::Ok()
                                                                                        : bad("Expected mu, logw, s2 for field");
    }
    case FieldType::diffusion: {
      if (f.params.size() < 5 || !(f.params[1] > 0)) return bad("Expected diffusion parameters for field");
      const std::size_t K = std::size_t(f.params[4]);
      return f.arrays.size() == 3 && K > 0 && len(0, K * d) && len(1, K) && len(2, K) ? Status::Ok()
                                                                                        : bad("Expected mu, logw, s2 for field");
    }
    case FieldType::sinkhorn_divergence: {
      if (f.params.size() < 4 || !(f.params[0] > 0) || !(f.params[1] >= 0)) return bad("Expected sinkhorn-divergence parameters for field");
      const std::size_t m = std::size_t(f.params[3]);
      return f.arrays.size() == 2 && m > 0 && len(0, m * d) && len(1, m) ? Status::Ok() : bad("Expected target y (m·d) and b (m) for field");
    }
    case FieldType::coupled_flow_matching: {
      const std::size_t K = f.params.size() >= 2 ? std::size_t(f.params[1]) : 0;
      if (f.params.size() < 2 || !(f.params[0] > 0)) return bad("Expected coupled flow-matching parameters for field");
      return f.arrays.size() == 2 && K > 0 && len(0, K * d) && len(1, K * d) ? Status::Ok() : bad("Expected x0, x1 (K·d) for field");
    }
  }
  return bad("Expected a field type code from 0 to 7 for field");
}

template <class T>
Status field_velocity(const FieldDesc<T>& f, double t, const T* x, std::size_t n, std::size_t d, const T* w, T* out) {
  switch (FieldType(f.type)) {
    case FieldType::attention: attention_velocity(f, x, n, d, w, out); break;
    case FieldType::mmd: mmd_velocity(f, x, n, d, w, out); break;
    case FieldType::langevin: langevin_velocity(f, x, n, d, out); break;
    case FieldType::mean_field_mlp: mlp_velocity(f, x, n, d, w, out); break;
    case FieldType::flow_matching: return fm_velocity(f, t, x, n, d, out);
    case FieldType::diffusion: diffusion_velocity(f, t, x, n, d, out); break;
    case FieldType::sinkhorn_divergence: return sd_velocity(f, x, n, d, w, out);
    case FieldType::coupled_flow_matching: coupled_velocity(f, t, x, n, d, out); break;
  }
  return Status::Ok();
}

template <class T>
double field_energy(const FieldDesc<T>& f, double t, const T* x, std::size_t n, std::size_t d, const T* w) {
  switch (FieldType(f.type)) {
    case FieldType::mmd: return mmd_energy(f, x, n, d, w);
    case FieldType::langevin: return langevin_energy(f, x, n, d, w);
    case FieldType::mean_field_mlp: return mlp_energy(f, x, n, d, w);
    case FieldType::sinkhorn_divergence: return sd_energy(f, x, n, d, w);
    default: return kNaN;
  }
}

#define ADVECT_INSTANTIATE(T)                                                                                    \
  template bool field_has_energy<T>(const FieldDesc<T>&);                                                        \
  template Status check_field<T>(const FieldDesc<T>&, std::size_t, std::size_t);                                 \
  template Status field_velocity<T>(const FieldDesc<T>&, double, const T*, std::size_t, std::size_t, const T*, T*); \
  template double field_energy<T>(const FieldDesc<T>&, double, const T*, std::size_t, std::size_t, const T*);
ADVECT_INSTANTIATE(float)
ADVECT_INSTANTIATE(double)

}  // namespace advect
