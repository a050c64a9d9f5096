// 2-D power (Laguerre) diagrams clipped to a convex polygon, with the integrals that
// semi-discrete optimal transport needs (issue 6).
//
//   Lag_i(w) = { x in domain : |x − y_i|² − w_i <= |x − y_j|² − w_j for all j }
//
// Each cell is computed on its own (sdot style, no global triangulation): the domain polygon is
// clipped by the bisector half-planes of nearby sites, visited ring by ring on a uniform grid,
// until a safe radius proves that no farther site can cut the cell:
//   R = max_{x in cell} |x − y_i|,   site j cannot cut if |y_j − y_i| >= R + sqrt(max(0, R² − w_i + w_max)).
// Clipping is done in coordinates local to y_i (u = x − y_i), where the half-plane of site j is
// 2 u·d <= |d|² + w_i − w_j with d = y_j − y_i; this keeps full precision for tiny cells.
// Cells are independent, so they are split over parallel_for; variable-length output is gathered
// per chunk and concatenated in chunk order (results do not depend on the thread count).
//
// Degenerate input: duplicate sites (same position) are ordered by weight, then by index (the
// lower index keeps the cell); collinear and cocircular sites need nothing special; empty cells,
// sites outside the domain, N = 1 and N = 2 all give valid (possibly empty) cells.
//
// Densities are probability measures on the domain: uniform (1/area), or piecewise constant on
// a pixel grid covering a rectangle (row 0 at the top), normalised by its mass inside the domain.
// Image integrals are exact: each cell is clipped against the pixel rows, then columns.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "advect/status.h"

namespace advect {

struct Density2D {
  const double* image = nullptr;  // ih rows × iw cols, row-major, row 0 = top (y = y1); null = uniform
  std::size_t iw = 0, ih = 0;
  double x0 = 0, y0 = 0, x1 = 1, y1 = 1;  // rectangle covered by the image
};

struct PowerDiagramOptions {
  bool want_cells = true;  // polygons and per-edge neighbours
  // Image densities only: integrate (1 − blend)·ρ + blend·uniform (the homotopy that gives every
  // cell mass when sites start in zero-density regions). 0 = the density itself.
  double blend = 0;
};

struct PowerDiagramResult {
  std::vector<double> masses;     // μ(Lag_i)
  std::vector<double> areas;      // Lebesgue area of Lag_i
  std::vector<double> centroids;  // 2N, ∫x dμ / mass (geometric centroid if mass 0, site if area 0)
  std::vector<double> costs;      // ∫_{Lag_i} |x − y_i|² dμ
  // Cells: polygon of cell i = vertices [offsets[i], offsets[i+1]), counter-clockwise; edge k goes
  // from vertex k to the next and borders edge_nb[k] (−1: domain boundary).
  std::vector<int32_t> offsets, edge_nb;
  std::vector<double> vertices;
  // Facets shared by i < j: facet measure ∫_facet ρ ds and Euclidean length.
  std::vector<int32_t> ei, ej;
  std::vector<double> efacet, elength;
};

// A prepared problem: sites, domain and density, with the site grid and the density's
// normalisation computed once and reused across weight vectors (Newton, line search).
class PowerDiagram {
 public:
  // domain: nv vertices (x, y), convex, counter-clockwise (the caller normalises orientation).
  Status init(const double* sites, std::size_t n, const double* domain, std::size_t nv, const Density2D& density);
  Status compute(const double* weights, const PowerDiagramOptions& opts, PowerDiagramResult& out) const;
  std::size_t size() const { return n_; }
  const double* sites() const { return sites_; }
  double domain_area() const { return domain_area_; }
  // Sites in grid order (a spatially coherent permutation of 0..N-1).
  const int32_t* order() const { return gidx_.data(); }
  // Nearest point of the density's support to p (for re-seeding empty cells).
  // With uniform = true the support is the whole domain (the blended density's support).
  void support_point(double px, double py, double& qx, double& qy, bool uniform = false) const;
  bool has_image() const { return dens_.image != nullptr; }
  // The normalised density value at a point (0 outside the domain is NOT checked here).
  double density_at(double x, double y) const;

 private:
  const double* sites_ = nullptr;
  std::size_t n_ = 0;
  std::vector<double> domain_;
  double domain_area_ = 0, dcx_ = 0, dcy_ = 0;
  Density2D dens_;
  double scale_ = 1;  // density normaliser: value = scale_ * pixel (or scale_ when uniform)
  // Grid over the sites' bounding box.
  double gx0_ = 0, gy0_ = 0, h_ = 1;
  long gx_ = 1, gy_ = 1;
  std::vector<int32_t> gstart_, gidx_;
  std::vector<int32_t> support_pixels_;  // positive pixels inside the domain (image only)
};

// Domain checks shared by every entry point: convex, non-degenerate; makes it counter-clockwise.
Status normalize_domain(const double* xy, std::size_t nv, std::vector<double>& ccw);

}  // namespace advect
