// Stochastic semi-dual OT in any dimension: averaged SGD (Genevay, Cuturi, Peyré, Bach 2016).
// See advect/sdot.h. The sample stream (mulberry32 + Box–Muller) is the one in
// src/util/random.ts, so the js twin draws the same points.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "advect/sdot.h"

namespace advect {
namespace {

struct Sampler {
  const SamplerSpec& spec;
  std::size_t d;
  Mulberry32 rng;
  bool has_spare = false;
  double spare = 0;

  double normal() {
    if (has_spare) {
      has_spare = false;
      return spare;
    }
    double u = 0;
    while (u == 0) u = rng.next();
    const double v = rng.next();
    const double r = std::sqrt(-2 * std::log(u));
    spare = r * std::sin(2 * M_PI * v);
    has_spare = true;
    return r * std::cos(2 * M_PI * v);
  }

  void draw(double* x) {
    switch (spec.kind) {
      case SamplerSpec::uniform_box:
        for (std::size_t k = 0; k < d; ++k) x[k] = spec.a[k] + (spec.b[k] - spec.a[k]) * rng.next();
        break;
      case SamplerSpec::gaussian:
        for (std::size_t k = 0; k < d; ++k) x[k] = spec.a[k] + spec.b[k] * normal();
        break;
      case SamplerSpec::samples: {
        const std::size_t idx = static_cast<std::size_t>(std::floor(rng.next() * static_cast<double>(spec.ns)));
        for (std::size_t k = 0; k < d; ++k) x[k] = spec.data[idx * d + k];
        break;
      }
    }
  }
};

}  // namespace

Status sdot_sgd(const double* Y, std::size_t n, std::size_t d, const double* b, const SamplerSpec& sampler,
                const SgdOptions& opt, const std::atomic<bool>* cancel, const SdotProgress& progress, SgdResult& out) {
  if (n == 0 || d == 0) return Status::Error(Code::invalid_argument, "Expected at least one site for sites");
  if (sampler.kind == SamplerSpec::samples && (sampler.ns == 0 || sampler.data == nullptr))
    return Status::Error(Code::invalid_argument, "Expected at least one sample for samples");
  if (sampler.kind != SamplerSpec::samples && (sampler.a.size() != d || sampler.b.size() != d))
    return Status::Error(Code::invalid_argument, "Expected sampler parameters of length d");
  out = SgdResult();
  double C = opt.step;
  if (!(C > 0)) {
    std::vector<double> mean(d, 0);
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t k = 0; k < d; ++k) mean[k] += Y[j * d + k] / static_cast<double>(n);
    double s = 0;
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t k = 0; k < d; ++k) s += (Y[j * d + k] - mean[k]) * (Y[j * d + k] - mean[k]);
    C = n > 1 ? s / static_cast<double>(n) : 1;
    if (!(C > 0)) C = 1;
  }
  out.step = C;
  std::vector<double> logb(n);
  for (std::size_t j = 0; j < n; ++j) logb[j] = std::log(b[j]);
  Sampler smp{sampler, d, Mulberry32(opt.seed)};
  std::vector<double> w(n, 0), wbar(n, 0), pi(n), msum(n, 0), c(n), x(d);
  const int K = opt.iterations, B = std::max(1, opt.batch);
  const int report_every = std::max(1, K / 100);
  long counted = 0;
  for (int k = 1; k <= K; ++k) {
    if (cancel && cancel->load(std::memory_order_relaxed)) return Status::Error(Code::aborted, "The operation was aborted");
    std::fill(pi.begin(), pi.end(), 0.0);
    for (int s = 0; s < B; ++s) {
      smp.draw(x.data());
      for (std::size_t j = 0; j < n; ++j) {
        double q = 0;
        for (std::size_t t = 0; t < d; ++t) {
          const double e = x[t] - Y[j * d + t];
          q += e * e;
        }
        c[j] = q - w[j];
      }
      if (opt.eps > 0) {
        double mx = -std::numeric_limits<double>::infinity();
        for (std::size_t j = 0; j < n; ++j) {
          c[j] = logb[j] - c[j] / opt.eps;
          mx = std::max(mx, c[j]);
        }
        double z = 0;
        for (std::size_t j = 0; j < n; ++j) z += (c[j] = std::exp(c[j] - mx));
        for (std::size_t j = 0; j < n; ++j) pi[j] += c[j] / (z * B);
      } else {
        std::size_t best = 0;
        for (std::size_t j = 1; j < n; ++j)
          if (c[j] < c[best]) best = j;
        pi[best] += 1.0 / B;
      }
    }
    const double step = C / std::sqrt(static_cast<double>(k));
    const double inv_k = 1.0 / k;
    for (std::size_t j = 0; j < n; ++j) {
      w[j] += step * (b[j] - pi[j]);
      wbar[j] += (w[j] - wbar[j]) * inv_k;
    }
    if (2 * k > K) {
      for (std::size_t j = 0; j < n; ++j) msum[j] += pi[j];
      ++counted;
    }
    if (!std::isfinite(w[0])) return Status::Error(Code::numeric, "SGD weights became non-finite; reduce stepSize");
    if (progress && (k % report_every == 0 || k == K)) progress(k, K, step, 0);
  }
  auto centred = [](std::vector<double> v) {
    double s = 0;
    for (double x : v) s += x;
    s /= static_cast<double>(v.size());
    for (double& x : v) x -= s;
    return v;
  };
  out.weights = centred(wbar);
  out.last = centred(w);
  out.masses.assign(n, 0);
  for (std::size_t j = 0; j < n; ++j) out.masses[j] = counted ? msum[j] / counted : 0;
  out.iterations = K;
  return Status::Ok();
}

}  // namespace advect
