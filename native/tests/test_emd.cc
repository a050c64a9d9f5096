// C++ tests of the network simplex (no Node), run by ctest: on random problems the plan is a
// feasible vertex (exact marginals, at most n+m−1 entries), the duals certify optimality
// (u_i + v_j ≤ C_ij everywhere, equality on the support, Σ a u + Σ b v = cost), uniform
// equal-size problems give a permutation, and the points variant agrees with the dense one.
//   advect_emd_tests duality|permutation|points
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "advect/emd.h"

using namespace advect;

#include "check.h"

struct Problem {
  std::size_t n, m, d = 2;
  std::vector<double> a, b, x, y, C;
};

static Problem random_problem(std::size_t n, std::size_t m, unsigned seed, bool uniform) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> U(0, 1);
  Problem p{n, m};
  p.a.resize(n);
  p.b.resize(m);
  double sa = 0, sb = 0;
  for (auto& v : p.a) sa += (v = uniform ? 1.0 : 0.1 + U(rng));
  for (auto& v : p.b) sb += (v = uniform ? 1.0 : 0.1 + U(rng));
  for (auto& v : p.a) v /= sa;
  for (auto& v : p.b) v /= sb;
  p.x.resize(n * p.d);
  p.y.resize(m * p.d);
  for (auto& v : p.x) v = U(rng);
  for (auto& v : p.y) v = U(rng);
  p.C.resize(n * m);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < m; ++j) {
      double s = 0;
      for (std::size_t k = 0; k < p.d; ++k) s += (p.x[i * p.d + k] - p.y[j * p.d + k]) * (p.x[i * p.d + k] - p.y[j * p.d + k]);
      p.C[i * m + j] = s;
    }
  return p;
}

static void test_duality() {
  for (unsigned seed = 1; seed <= 6; ++seed) {
    const std::size_t n = 20 + 7 * seed, m = 45 - 3 * seed;
    Problem p = random_problem(n, m, seed, false);
    EmdResult r;
    Status st = emd_dense(p.a.data(), n, p.b.data(), m, p.C.data(), EmdOptions{}, r);
    CHECK(st.ok() && r.status == EmdStatus::optimal, "seed %u: status", seed);
    CHECK(r.values.size() <= n + m - 1, "seed %u: %zu entries > n+m-1", seed, r.values.size());
    std::vector<double> rows(n, 0), cols(m, 0);
    double cost = 0;
    for (std::size_t k = 0; k < r.values.size(); ++k) {
      rows[r.rows[k]] += r.values[k];
      cols[r.cols[k]] += r.values[k];
      cost += r.values[k] * p.C[r.rows[k] * m + r.cols[k]];
      // complementary slackness on the support
      const double slack = p.C[r.rows[k] * m + r.cols[k]] - r.u[r.rows[k]] - r.v[r.cols[k]];
      CHECK(std::fabs(slack) <= 1e-12, "seed %u: slack %g on the support", seed, slack);
    }
    for (std::size_t i = 0; i < n; ++i) CHECK(std::fabs(rows[i] - p.a[i]) <= 1e-14, "row %zu marginal", i);
    for (std::size_t j = 0; j < m; ++j) CHECK(std::fabs(cols[j] - p.b[j]) <= 1e-14, "col %zu marginal", j);
    double dual = 0, worst = 0;
    for (std::size_t i = 0; i < n; ++i) dual += p.a[i] * r.u[i];
    for (std::size_t j = 0; j < m; ++j) dual += p.b[j] * r.v[j];
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < m; ++j) worst = std::max(worst, r.u[i] + r.v[j] - p.C[i * m + j]);
    CHECK(worst <= 1e-12, "seed %u: dual infeasible by %g", seed, worst);
    CHECK(std::fabs(dual - cost) <= 1e-12 * std::max(1.0, cost), "seed %u: dual %g vs cost %g", seed, dual, cost);
    CHECK(std::fabs(r.cost - cost) <= 1e-13 * std::max(1.0, cost), "seed %u: reported cost", seed);
  }
}

static void test_permutation() {
  const std::size_t n = 64;
  Problem p = random_problem(n, n, 42, true);
  EmdResult r;
  Status st = emd_dense(p.a.data(), n, p.b.data(), n, p.C.data(), EmdOptions{}, r);
  CHECK(st.ok() && r.status == EmdStatus::optimal, "status");
  std::vector<int> seen(n, 0);
  for (std::size_t k = 0; k < r.values.size(); ++k)
    if (r.values[k] > 1e-15) seen[r.cols[k]]++;
  std::size_t positive = 0;
  for (double v : r.values) positive += v > 1e-15;
  CHECK(positive == n, "uniform n=n plan has %zu positive entries, expected %zu", positive, n);
  for (std::size_t j = 0; j < n; ++j) CHECK(seen[j] == 1, "column %zu used %d times", j, seen[j]);
}

static void test_points() {
  Problem p = random_problem(40, 33, 9, false);
  EmdResult dense, points;
  CHECK(emd_dense(p.a.data(), p.n, p.b.data(), p.m, p.C.data(), EmdOptions{}, dense).ok(), "dense");
  CHECK(emd_points(p.a.data(), p.n, p.b.data(), p.m, p.x.data(), p.y.data(), p.d, Metric::sqeuclidean, EmdOptions{}, points).ok(), "points");
  CHECK(std::fabs(dense.cost - points.cost) <= 1e-13 * dense.cost, "points cost %.17g vs dense %.17g", points.cost, dense.cost);
}

int main(int argc, char** argv) {
  std::string which = argc > 1 ? argv[1] : "all";
  if (which == "duality" || which == "all") test_duality();
  if (which == "permutation" || which == "all") test_permutation();
  if (which == "points" || which == "all") test_points();
  std::printf("%s: %d failure(s)\n", which.c_str(), failures);
  return failures == 0 ? 0 : 1;
}
