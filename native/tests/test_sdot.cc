// C++ tests of the semi-discrete OT core, no Node (run by ctest):
//   advect_sdot_tests diagram|newton|sgd|determinism
// diagram: cells partition the domain, Voronoi equidistance, duplicates and empty cells;
// newton: masses to 1e-9 relative, areas sum to the domain; sgd: close to Newton in 2-D;
// determinism: 1 and 2 threads give bitwise identical results.
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "advect/parallel.h"
#include "advect/power_diagram.h"
#include "advect/sdot.h"

using namespace advect;

#include "check.h"

static const double kSquare[8] = {0, 0, 1, 0, 1, 1, 0, 1};

static std::vector<double> random_sites(std::size_t n, unsigned seed) {
  std::mt19937_64 g(seed);
  std::uniform_real_distribution<double> U(0, 1);
  std::vector<double> y(2 * n);
  for (double& v : y) v = U(g);
  return y;
}

static void test_diagram() {
  const std::size_t n = 500;
  std::vector<double> y = random_sites(n, 1), w(n, 0);
  PowerDiagram pd;
  CHECK(pd.init(y.data(), n, kSquare, 4, Density2D()).ok(), "init");
  PowerDiagramResult D;
  CHECK(pd.compute(w.data(), PowerDiagramOptions(), D).ok(), "compute");
  double area = 0;
  for (double a : D.areas) area += a;
  CHECK(std::fabs(area - 1) < 1e-12, "areas sum to %.17g", area);
  // Voronoi: every vertex is equidistant from its site and the neighbour across the edge.
  double worst = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (int32_t k = D.offsets[i]; k < D.offsets[i + 1]; ++k) {
      const int32_t j = D.edge_nb[k];
      if (j < 0) continue;
      const double x = D.vertices[2 * k], z = D.vertices[2 * k + 1];
      const double di = std::hypot(x - y[2 * i], z - y[2 * i + 1]), dj = std::hypot(x - y[2 * j], z - y[2 * j + 1]);
      worst = std::max(worst, std::fabs(di - dj));
    }
  CHECK(worst < 1e-12, "Voronoi equidistance %.3g", worst);
  // Duplicates: the lower index keeps the cell; a much lower weight empties a cell.
  std::vector<double> y2 = {0.3, 0.3, 0.7, 0.7, 0.3, 0.3};
  std::vector<double> w2 = {0, 0, 0};
  PowerDiagram p2;
  p2.init(y2.data(), 3, kSquare, 4, Density2D());
  p2.compute(w2.data(), PowerDiagramOptions(), D);
  CHECK(D.areas[2] == 0 && D.areas[0] > 0, "duplicate sites: %g %g", D.areas[0], D.areas[2]);
  w2 = {-5, 0, 0};
  p2.compute(w2.data(), PowerDiagramOptions(), D);
  CHECK(D.areas[0] == 0, "empty cell: %g", D.areas[0]);
  CHECK(!check_distinct_sites(y2.data(), 3, 2).ok(), "duplicates detected");
  // A non-convex domain is refused.
  const double arrow[10] = {0, 0, 1, 0, 0.5, 0.2, 1, 1, 0, 1};
  std::vector<double> ccw;
  CHECK(!normalize_domain(arrow, 5, ccw).ok(), "non-convex domain accepted");
}

static void test_newton() {
  const std::size_t n = 2000;
  std::vector<double> y = random_sites(n, 2), b(n, 1.0 / n);
  PowerDiagram pd;
  pd.init(y.data(), n, kSquare, 4, Density2D());
  NewtonResult r;
  NewtonOptions o;
  o.tol = 1e-9;
  CHECK(sdot_newton(pd, b.data(), nullptr, o, nullptr, nullptr, r).ok(), "newton");
  CHECK(r.converged, "not converged: %s", r.reason.c_str());
  double worst = 0, area = 0, mean = 0;
  for (std::size_t i = 0; i < n; ++i) {
    worst = std::max(worst, std::fabs(r.diagram.masses[i] - b[i]) / b[i]);
    area += r.diagram.areas[i];
    mean += r.weights[i];
  }
  CHECK(worst <= 1e-9, "max rel mass error %.3g", worst);
  CHECK(std::fabs(area - 1) < 1e-12, "areas %.17g", area);
  CHECK(std::fabs(mean) < 1e-12, "weights mean %.3g", mean);
  // An image with a zero band: masses still reached.
  std::vector<double> img(16 * 16);
  for (int r0 = 0; r0 < 16; ++r0)
    for (int c = 0; c < 16; ++c) img[r0 * 16 + c] = c < 5 ? 0 : 1 + r0;
  Density2D dens;
  dens.image = img.data(), dens.iw = 16, dens.ih = 16;
  const std::size_t m = 200;
  std::vector<double> y2 = random_sites(m, 3), b2(m, 1.0 / m);
  PowerDiagram p2;
  CHECK(p2.init(y2.data(), m, kSquare, 4, dens).ok(), "image init");
  NewtonResult r2;
  CHECK(sdot_newton(p2, b2.data(), nullptr, o, nullptr, nullptr, r2).ok(), "image newton");
  CHECK(r2.converged && r2.max_rel_error <= 1e-9, "image: converged %d err %.3g", r2.converged, r2.max_rel_error);
}

static void test_sgd() {
  const double y[12] = {0.2, 0.3, 0.7, 0.2, 0.5, 0.5, 0.8, 0.8, 0.3, 0.75, 0.55, 0.9};
  const double b[6] = {0.1, 0.2, 0.15, 0.25, 0.2, 0.1};
  PowerDiagram pd;
  pd.init(y, 6, kSquare, 4, Density2D());
  NewtonResult nr;
  NewtonOptions o;
  o.tol = 1e-10;
  sdot_newton(pd, b, nullptr, o, nullptr, nullptr, nr);
  SamplerSpec s;
  s.a = {0, 0}, s.b = {1, 1};
  SgdOptions so;
  so.iterations = 25000;
  so.seed = 3;
  SgdResult sr;
  CHECK(sdot_sgd(y, 6, 2, b, s, so, nullptr, nullptr, sr).ok(), "sgd");
  double spread = 0, err = 0;
  for (int i = 0; i < 6; ++i) spread = std::max(spread, std::fabs(nr.weights[i])), err = std::max(err, std::fabs(sr.weights[i] - nr.weights[i]));
  CHECK(err < 0.05 * spread, "sgd vs newton: %.3g of %.3g", err, spread);
}

static void test_determinism() {
  const std::size_t n = 20000;
  std::vector<double> y = random_sites(n, 4), b(n, 1.0 / n);
  PowerDiagram pd;
  pd.init(y.data(), n, kSquare, 4, Density2D());
  NewtonOptions o;
  o.tol = 1e-8;
  NewtonResult r1, r2;
  set_max_threads(1);
  sdot_newton(pd, b.data(), nullptr, o, nullptr, nullptr, r1);
  set_max_threads(2);
  sdot_newton(pd, b.data(), nullptr, o, nullptr, nullptr, r2);
  set_max_threads(0);
  CHECK(r1.weights == r2.weights, "weights differ between 1 and 2 threads");
  CHECK(r1.diagram.vertices == r2.diagram.vertices, "vertices differ between 1 and 2 threads");
}

int main(int argc, char** argv) {
  std::string which = argc > 1 ? argv[1] : "all";
  if (which == "diagram" || which == "all") test_diagram();
  if (which == "newton" || which == "all") test_newton();
  if (which == "sgd" || which == "all") test_sgd();
  if (which == "determinism" || which == "all") test_determinism();
  std::printf("%s: %d failure(s)\n", which.c_str(), failures);
  return failures == 0 ? 0 : 1;
}
