// C++ tests of the core, no Node: exp accuracy on a dense grid (every SIMD level), LSE against
// a long-double reference, and bitwise determinism across thread counts. Run by ctest.
//   advect_core_tests exp|lse|determinism|levels
#include <cmath>
#include <new>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "advect/kernels.h"
#include "advect/parallel.h"
#include "advect/simd_level.h"

using namespace advect;

#include "check.h"

template <class T> double max_rel_exp_error(double lo, double hi, std::size_t n) {
  std::vector<T> x(n), y(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = T(lo + (hi - lo) * double(i) / double(n - 1));
  exp_array(x.data(), n, y.data());
  double worst = 0;
  for (std::size_t i = 0; i < n; ++i) {
    long double ref = expl((long double)x[i]);
    double rel = double(fabsl((long double)y[i] - ref) / ref);
    if (rel > worst) worst = rel;
  }
  return worst;
}

static void test_exp() {
  for (int lvl = 0; lvl <= int(detected_level()); ++lvl) {
    set_level_cap(SimdLevel(lvl));
    double e64 = max_rel_exp_error<double>(-708.0, 709.0, 10000000);
    double e32 = max_rel_exp_error<float>(-87.0, 88.0, 10000000);
    std::printf("exp max relative error, level %s: float64 %.3g, float32 %.3g\n", level_name(active_level()), e64, e32);
    CHECK(e64 < 4.5e-16, "float64 exp error %g", e64);
    CHECK(e32 < 2.4e-7, "float32 exp error %g", e32);
    // Special values and underflow.
    double xs[] = {-INFINITY, INFINITY, NAN, 0.0, -745.2, -740.0, 710.0};
    double ys[7];
    exp_array(xs, 7, ys);
    CHECK(ys[0] == 0.0, "exp(-inf) = %g", ys[0]);
    CHECK(ys[1] == INFINITY, "exp(inf) = %g", ys[1]);
    CHECK(std::isnan(ys[2]), "exp(NaN) = %g", ys[2]);
    CHECK(ys[3] == 1.0, "exp(0) = %g", ys[3]);
    CHECK(ys[4] == 0.0, "exp(-745.2) = %g", ys[4]);
    CHECK(std::fabs(ys[5] - std::exp(-740.0)) <= 1e-323, "exp(-740) subnormal %g vs %g", ys[5], std::exp(-740.0));
    CHECK(ys[6] == INFINITY, "exp(710) = %g", ys[6]);
    float xf[] = {-INFINITY, NAN, -104.0f, -100.0f, 89.0f};
    float yf[5];
    exp_array(xf, 5, yf);
    CHECK(yf[0] == 0.0f && std::isnan(yf[1]) && yf[2] == 0.0f && yf[4] == INFINITY, "float specials");
    CHECK(std::fabs(yf[3] - std::exp(-100.0f)) <= 2e-45f, "float subnormal exp(-100) %g", double(yf[3]));
  }
  set_level_cap(SimdLevel::avx512);
}

static void test_lse() {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> U(0, 1);
  const std::size_t n = 37, m = 1111;
  std::vector<double> C(n * m), alpha(n), beta(m), rows(n), cols(m);
  for (auto& v : C) v = U(rng);
  for (auto& v : alpha) v = U(rng);
  for (auto& v : beta) v = U(rng);
  beta[3] = -INFINITY;
  const double eps = 0.013;
  lse_dense_rows(C.data(), n, m, alpha.data(), beta.data(), eps, rows.data());
  lse_dense_cols(C.data(), n, m, alpha.data(), beta.data(), eps, cols.data());
  for (std::size_t i = 0; i < n; ++i) {
    long double mx = -INFINITY, s = 0;
    for (std::size_t j = 0; j < m; ++j) mx = std::max<long double>(mx, (alpha[i] + beta[j] - C[i * m + j]) / eps);
    for (std::size_t j = 0; j < m; ++j) s += expl((alpha[i] + beta[j] - C[i * m + j]) / eps - mx);
    double ref = double(mx + logl(s));
    CHECK(std::fabs(rows[i] - ref) <= 1e-13 * std::fabs(ref), "row %zu: %.17g vs %.17g", i, rows[i], ref);
  }
  for (std::size_t j = 0; j < m; ++j) {
    if (j == 3) { CHECK(cols[j] == -INFINITY, "zero-weight column gives -inf"); continue; }
    long double mx = -INFINITY, s = 0;
    for (std::size_t i = 0; i < n; ++i) mx = std::max<long double>(mx, (alpha[i] + beta[j] - C[i * m + j]) / eps);
    for (std::size_t i = 0; i < n; ++i) s += expl((alpha[i] + beta[j] - C[i * m + j]) / eps - mx);
    double ref = double(mx + logl(s));
    CHECK(std::fabs(cols[j] - ref) <= 1e-13 * std::fabs(ref), "col %zu: %.17g vs %.17g", j, cols[j], ref);
  }
}

static void test_determinism() {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> U(0, 1);
  const std::size_t n = 517, m = 613, d = 3;
  std::vector<double> x(n * d), y(m * d);
  for (auto& v : x) v = U(rng);
  for (auto& v : y) v = U(rng);
  std::vector<double> a1(n), a2(n), c1(m), c2(m);
  set_max_threads(1);
  lse_online_rows(x.data(), n, y.data(), m, d, MetricSpec{}, (const double*)nullptr, (const double*)nullptr, 0.05, a1.data());
  lse_online_cols(x.data(), n, y.data(), m, d, MetricSpec{}, (const double*)nullptr, (const double*)nullptr, 0.05, c1.data());
  set_max_threads(2);
  lse_online_rows(x.data(), n, y.data(), m, d, MetricSpec{}, (const double*)nullptr, (const double*)nullptr, 0.05, a2.data());
  lse_online_cols(x.data(), n, y.data(), m, d, MetricSpec{}, (const double*)nullptr, (const double*)nullptr, 0.05, c2.data());
  CHECK(std::memcmp(a1.data(), a2.data(), n * 8) == 0, "rows differ across thread counts");
  CHECK(std::memcmp(c1.data(), c2.data(), m * 8) == 0, "cols differ across thread counts");
  set_max_threads(0);
}

static void test_exceptions() {
  // A throwing chunk must not terminate the process: the exception reaches the caller, for any
  // thread count, and later chunks are skipped.
  for (int threads : {1, 2}) {
    set_max_threads(threads);
    bool caught = false;
    try {
      parallel_for(1000, 10, [](std::size_t c, std::size_t, std::size_t) {
        if (c == 37) throw std::bad_alloc();
      });
    } catch (const std::bad_alloc&) {
      caught = true;
    }
    CHECK(caught, "exception from a chunk not rethrown (%d threads)", threads);
  }
  set_max_threads(0);
}

static void test_levels() {
  // Every compiled level agrees with the scalar level on the dense LSE (to rounding).
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> U(0, 1);
  const std::size_t n = 64, m = 300;
  std::vector<double> C(n * m), ref(n), got(n);
  for (auto& v : C) v = U(rng);
  set_level_cap(SimdLevel::scalar);
  lse_dense_rows(C.data(), n, m, (const double*)nullptr, (const double*)nullptr, 0.1, ref.data());
  for (int lvl = 1; lvl <= int(detected_level()); ++lvl) {
    set_level_cap(SimdLevel(lvl));
    lse_dense_rows(C.data(), n, m, (const double*)nullptr, (const double*)nullptr, 0.1, got.data());
    for (std::size_t i = 0; i < n; ++i)
      CHECK(std::fabs(got[i] - ref[i]) <= 1e-14 * std::fabs(ref[i]), "level %d row %zu", lvl, i);
  }
  set_level_cap(SimdLevel::avx512);
}

int main(int argc, char** argv) {
  std::string which = argc > 1 ? argv[1] : "all";
  if (which == "exp" || which == "all") test_exp();
  if (which == "lse" || which == "all") test_lse();
  if (which == "determinism" || which == "all") test_determinism();
  if (which == "levels" || which == "all") test_levels();
  if (which == "exceptions" || which == "all") test_exceptions();
  std::printf("%s: %d failure(s)\n", which.c_str(), failures);
  return failures == 0 ? 0 : 1;
}
