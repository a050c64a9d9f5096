// 2-D power diagrams by per-cell half-plane clipping (see advect/power_diagram.h).
#include "advect/power_diagram.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "advect/parallel.h"

namespace advect {
namespace {

// A convex polygon in local coordinates; edge k runs from vertex k to k+1 and borders nb[k].
struct Poly {
  std::vector<double> x, y;
  std::vector<int32_t> nb;
  std::size_t size() const { return x.size(); }
  void clear() { x.clear(); y.clear(); nb.clear(); }
  void push(double X, double Y, int32_t l) { x.push_back(X); y.push_back(Y); nb.push_back(l); }
};

struct Scratch {
  Poly a, b, band, piece;
  std::vector<double> s;
  std::vector<std::pair<double, int32_t>> cand;
  std::vector<double> ts;
};

// Clips P to {u : ax·ux + ay·uy <= c}; the new edge is labelled j. Returns true when P changed.
bool clip(Poly& P, double ax, double ay, double c, int32_t j, Poly& out, std::vector<double>& s) {
  const std::size_t n = P.size();
  if (n == 0) return false;
  s.resize(n);
  bool any_out = false, all_out = true;
  for (std::size_t k = 0; k < n; ++k) {
    s[k] = ax * P.x[k] + ay * P.y[k] - c;
    if (s[k] > 0) any_out = true;
    else all_out = false;
  }
  if (!any_out) return false;
  if (all_out) {
    P.clear();
    return true;
  }
  out.clear();
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t q = k + 1 == n ? 0 : k + 1;
    const double sc = s[k], sn = s[q];
    if (sc <= 0) {
      if (sn > 0) {
        if (sc < 0) {
          out.push(P.x[k], P.y[k], P.nb[k]);
          const double t = sc / (sc - sn);
          out.push(P.x[k] + t * (P.x[q] - P.x[k]), P.y[k] + t * (P.y[q] - P.y[k]), j);
        } else {
          out.push(P.x[k], P.y[k], j);
        }
      } else {
        out.push(P.x[k], P.y[k], P.nb[k]);
      }
    } else if (sn < 0) {
      const double t = sc / (sc - sn);
      out.push(P.x[k] + t * (P.x[q] - P.x[k]), P.y[k] + t * (P.y[q] - P.y[k]), P.nb[k]);
    }
  }
  if (out.size() < 3) out.clear();
  std::swap(P, out);
  return true;
}

// Integrals of a polygon (local coordinates) by a fan from the origin:
// area, ∫u, ∫|u|² (triangle (0, a, b): A/3·(a + b) and A/6·(|a|² + |b|² + a·b)).
struct Moments {
  double m0 = 0, mx = 0, my = 0, m2 = 0;
};

void poly_moments(const Poly& P, double wgt, Moments& acc) {
  const std::size_t n = P.size();
  if (n < 3) return;
  double a0 = 0, ax = 0, ay = 0, a2 = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t q = k + 1 == n ? 0 : k + 1;
    const double x0 = P.x[k], y0 = P.y[k], x1 = P.x[q], y1 = P.y[q];
    const double A = 0.5 * (x0 * y1 - x1 * y0);
    a0 += A;
    ax += A * (x0 + x1);
    ay += A * (y0 + y1);
    a2 += A * (x0 * x0 + y0 * y0 + x1 * x1 + y1 * y1 + x0 * x1 + y0 * y1);
  }
  acc.m0 += wgt * a0;
  acc.mx += wgt * ax / 3;
  acc.my += wgt * ay / 3;
  acc.m2 += wgt * a2 / 6;
}

double poly_area(const double* xy, std::size_t nv) {
  double a = 0;
  for (std::size_t k = 0; k < nv; ++k) {
    const std::size_t q = k + 1 == nv ? 0 : k + 1;
    a += xy[2 * k] * xy[2 * q + 1] - xy[2 * q] * xy[2 * k + 1];
  }
  return 0.5 * a;
}

// Pixel geometry of an image density (global coordinates).
struct Pixels {
  const double* v;
  long iw, ih;
  double x0, y1, pw, ph;
};

// ∫ over P (local coordinates around (ox, oy)) of the pixel density; scale multiplies each value.
void image_moments(const Poly& P, double ox, double oy, const Pixels& px, double scale, Scratch& sc, Moments& acc) {
  const std::size_t n = P.size();
  if (n < 3) return;
  double ymin = P.y[0], ymax = P.y[0];
  for (std::size_t k = 1; k < n; ++k) ymin = std::min(ymin, P.y[k]), ymax = std::max(ymax, P.y[k]);
  ymin += oy, ymax += oy;
  long r0 = static_cast<long>(std::floor((px.y1 - ymax) / px.ph));
  long r1 = static_cast<long>(std::floor((px.y1 - ymin) / px.ph));
  r0 = std::max(r0, 0L), r1 = std::min(r1, px.ih - 1);
  for (long r = r0; r <= r1; ++r) {
    const double yb1 = px.y1 - r * px.ph, yb0 = px.y1 - (r + 1) * px.ph;
    sc.band = P;
    clip(sc.band, 0, 1, yb1 - oy, -1, sc.b, sc.s);
    clip(sc.band, 0, -1, -(yb0 - oy), -1, sc.b, sc.s);
    if (sc.band.size() < 3) continue;
    double xmin = sc.band.x[0], xmax = sc.band.x[0];
    for (std::size_t k = 1; k < sc.band.size(); ++k) xmin = std::min(xmin, sc.band.x[k]), xmax = std::max(xmax, sc.band.x[k]);
    xmin += ox, xmax += ox;
    long c0 = static_cast<long>(std::floor((xmin - px.x0) / px.pw));
    long c1 = static_cast<long>(std::floor((xmax - px.x0) / px.pw));
    c0 = std::max(c0, 0L), c1 = std::min(c1, px.iw - 1);
    for (long c = c0; c <= c1; ++c) {
      const double val = px.v[r * px.iw + c];
      if (!(val > 0)) continue;
      const double xa = px.x0 + c * px.pw, xb = px.x0 + (c + 1) * px.pw;
      sc.piece = sc.band;
      clip(sc.piece, 1, 0, xb - ox, -1, sc.b, sc.s);
      clip(sc.piece, -1, 0, -(xa - ox), -1, sc.b, sc.s);
      poly_moments(sc.piece, val * scale, acc);
    }
  }
}

// ∫ of the pixel density along the segment p→q (global coordinates), times scale.
double image_segment(double px0, double py0, double qx, double qy, const Pixels& px, double scale,
                     std::vector<double>& ts) {
  const double dx = qx - px0, dy = qy - py0;
  const double len = std::sqrt(dx * dx + dy * dy);
  if (!(len > 0)) return 0;
  ts.clear();
  ts.push_back(0);
  ts.push_back(1);
  if (dx != 0) {
    const double ca = (std::min(px0, qx) - px.x0) / px.pw, cb = (std::max(px0, qx) - px.x0) / px.pw;
    for (long c = std::max(0L, static_cast<long>(std::ceil(ca))); c <= std::min(px.iw, static_cast<long>(std::floor(cb))); ++c) {
      const double t = (px.x0 + c * px.pw - px0) / dx;
      if (t > 0 && t < 1) ts.push_back(t);
    }
  }
  if (dy != 0) {
    const double ra = (px.y1 - std::max(py0, qy)) / px.ph, rb = (px.y1 - std::min(py0, qy)) / px.ph;
    for (long r = std::max(0L, static_cast<long>(std::ceil(ra))); r <= std::min(px.ih, static_cast<long>(std::floor(rb))); ++r) {
      const double t = (px.y1 - r * px.ph - py0) / dy;
      if (t > 0 && t < 1) ts.push_back(t);
    }
  }
  std::sort(ts.begin(), ts.end());
  double acc = 0;
  for (std::size_t k = 0; k + 1 < ts.size(); ++k) {
    const double dt = ts[k + 1] - ts[k];
    if (!(dt > 0)) continue;
    const double tm = 0.5 * (ts[k] + ts[k + 1]);
    const double mx = px0 + tm * dx, my = py0 + tm * dy;
    const long c = static_cast<long>(std::floor((mx - px.x0) / px.pw));
    const long r = static_cast<long>(std::floor((px.y1 - my) / px.ph));
    if (c < 0 || c >= px.iw || r < 0 || r >= px.ih) continue;
    const double val = px.v[r * px.iw + c];
    if (val > 0) acc += dt * val;
  }
  return acc * len * scale;
}

}  // namespace

Status normalize_domain(const double* xy, std::size_t nv, std::vector<double>& ccw) {
  if (nv < 3) return Status::Error(Code::invalid_argument, "Expected a convex polygon with at least 3 vertices for domain");
  for (std::size_t k = 0; k < 2 * nv; ++k)
    if (!std::isfinite(xy[k])) return Status::Error(Code::invalid_argument, "Expected finite vertices for domain");
  const double a = poly_area(xy, nv);
  if (!(std::fabs(a) > 0)) return Status::Error(Code::invalid_argument, "Expected a polygon with positive area for domain");
  ccw.assign(xy, xy + 2 * nv);
  if (a < 0) {
    for (std::size_t k = 0; k < nv / 2; ++k) {
      std::swap(ccw[2 * k], ccw[2 * (nv - 1 - k)]);
      std::swap(ccw[2 * k + 1], ccw[2 * (nv - 1 - k) + 1]);
    }
  }
  // Convexity: every turn is a left turn (collinear vertices allowed).
  double scale = 0;
  for (std::size_t k = 0; k < 2 * nv; ++k) scale = std::max(scale, std::fabs(ccw[k]));
  const double tol = 1e-12 * (scale * scale + 1e-300);
  for (std::size_t k = 0; k < nv; ++k) {
    const std::size_t p = (k + nv - 1) % nv, q = (k + 1) % nv;
    const double ux = ccw[2 * k] - ccw[2 * p], uy = ccw[2 * k + 1] - ccw[2 * p + 1];
    const double vx = ccw[2 * q] - ccw[2 * k], vy = ccw[2 * q + 1] - ccw[2 * k + 1];
    if (ux * vy - uy * vx < -tol) return Status::Error(Code::invalid_argument, "Expected a convex polygon for domain");
  }
  // A simple polygon whose turns are all left turns has total turning 2π; a star does not.
  double turn = 0;
  for (std::size_t k = 0; k < nv; ++k) {
    const std::size_t p = (k + nv - 1) % nv, q = (k + 1) % nv;
    const double a1 = std::atan2(ccw[2 * k + 1] - ccw[2 * p + 1], ccw[2 * k] - ccw[2 * p]);
    const double a2 = std::atan2(ccw[2 * q + 1] - ccw[2 * k + 1], ccw[2 * q] - ccw[2 * k]);
    double d = a2 - a1;
    while (d <= -M_PI) d += 2 * M_PI;
    while (d > M_PI) d -= 2 * M_PI;
    turn += d;
  }
  if (std::fabs(turn - 2 * M_PI) > 1e-6) return Status::Error(Code::invalid_argument, "Expected a convex polygon for domain");
  return Status::Ok();
}

Status PowerDiagram::init(const double* sites, std::size_t n, const double* domain, std::size_t nv, const Density2D& density) {
  if (n == 0) return Status::Error(Code::invalid_argument, "Expected at least one site for sites");
  if (n > (std::size_t(1) << 30)) return Status::Error(Code::too_large, "Too many sites");
  for (std::size_t k = 0; k < 2 * n; ++k)
    if (!std::isfinite(sites[k])) return Status::Error(Code::invalid_argument, "Expected finite values for sites");
  Status st = normalize_domain(domain, nv, domain_);
  if (!st.ok()) return st;
  sites_ = sites;
  n_ = n;
  const std::size_t m = domain_.size() / 2;
  domain_area_ = poly_area(domain_.data(), m);
  {
    double cx = 0, cy = 0;
    for (std::size_t k = 0; k < m; ++k) {
      const std::size_t q = k + 1 == m ? 0 : k + 1;
      const double cr = domain_[2 * k] * domain_[2 * q + 1] - domain_[2 * q] * domain_[2 * k + 1];
      cx += cr * (domain_[2 * k] + domain_[2 * q]);
      cy += cr * (domain_[2 * k + 1] + domain_[2 * q + 1]);
    }
    dcx_ = cx / (6 * domain_area_), dcy_ = cy / (6 * domain_area_);
  }
  dens_ = density;
  support_pixels_.clear();
  if (dens_.image) {
    if (dens_.iw == 0 || dens_.ih == 0 || !(dens_.x1 > dens_.x0) || !(dens_.y1 > dens_.y0))
      return Status::Error(Code::invalid_argument, "Expected a non-empty image with increasing bounds for density");
    for (std::size_t k = 0; k < dens_.iw * dens_.ih; ++k)
      if (!(dens_.image[k] >= 0) || !std::isfinite(dens_.image[k]))
        return Status::Error(Code::invalid_argument, "Expected finite non-negative pixel values for density");
    Pixels px{dens_.image, static_cast<long>(dens_.iw), static_cast<long>(dens_.ih), dens_.x0, dens_.y1,
              (dens_.x1 - dens_.x0) / dens_.iw, (dens_.y1 - dens_.y0) / dens_.ih};
    Scratch sc;
    Poly P;
    for (std::size_t k = 0; k < m; ++k) P.push(domain_[2 * k] - dcx_, domain_[2 * k + 1] - dcy_, -1);
    Moments mo;
    image_moments(P, dcx_, dcy_, px, 1.0, sc, mo);
    if (!(mo.m0 > 0)) return Status::Error(Code::invalid_argument, "Expected an image with positive mass inside the domain for density");
    scale_ = 1.0 / mo.m0;
    // Support points: centroid of each positive pixel's overlap with the domain.
    for (long r = 0; r < px.ih; ++r)
      for (long c = 0; c < px.iw; ++c) {
        if (!(px.v[r * px.iw + c] > 0)) continue;
        Poly Q;
        const double xa = px.x0 + c * px.pw, xb = xa + px.pw, yb = px.y1 - r * px.ph, ya = yb - px.ph;
        Q.push(xa, ya, -1), Q.push(xb, ya, -1), Q.push(xb, yb, -1), Q.push(xa, yb, -1);
        for (std::size_t k = 0; k < m && Q.size() >= 3; ++k) {
          const std::size_t q = k + 1 == m ? 0 : k + 1;
          const double ex = domain_[2 * q] - domain_[2 * k], ey = domain_[2 * q + 1] - domain_[2 * k + 1];
          // inside: cross(e, x − v_k) >= 0  ⇔  ey·x − ex·y <= ey·v_kx − ex·v_ky
          clip(Q, ey, -ex, ey * domain_[2 * k] - ex * domain_[2 * k + 1], -1, sc.b, sc.s);
        }
        Moments qm;
        poly_moments(Q, 1.0, qm);
        if (qm.m0 > 0) support_pixels_.push_back(static_cast<int32_t>(r * px.iw + c));
      }
  } else {
    scale_ = 1.0 / domain_area_;
  }
  // Grid over the sites' bounding box, about two sites per cell.
  double bx0 = sites[0], bx1 = sites[0], by0 = sites[1], by1 = sites[1];
  for (std::size_t i = 1; i < n; ++i) {
    bx0 = std::min(bx0, sites[2 * i]), bx1 = std::max(bx1, sites[2 * i]);
    by0 = std::min(by0, sites[2 * i + 1]), by1 = std::max(by1, sites[2 * i + 1]);
  }
  const double ext = std::max({bx1 - bx0, by1 - by0, 1e-300});
  const double wx = std::max(bx1 - bx0, ext * 1e-6), wy = std::max(by1 - by0, ext * 1e-6);
  const double cells = std::max(1.0, static_cast<double>(n) / 2);
  h_ = std::sqrt(wx * wy / cells);
  h_ = std::max(h_, std::max(wx, wy) / cells);
  gx_ = std::max(1L, std::min(static_cast<long>(std::ceil(wx / h_)), static_cast<long>(n)));
  gy_ = std::max(1L, std::min(static_cast<long>(std::ceil(wy / h_)), static_cast<long>(n)));
  h_ = std::max(wx / gx_, wy / gy_) * (1 + 1e-12);
  gx0_ = bx0, gy0_ = by0;
  std::vector<int32_t> cell_of(n);
  gstart_.assign(static_cast<std::size_t>(gx_ * gy_) + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    long cx = std::min(gx_ - 1, std::max(0L, static_cast<long>((sites[2 * i] - gx0_) / h_)));
    long cy = std::min(gy_ - 1, std::max(0L, static_cast<long>((sites[2 * i + 1] - gy0_) / h_)));
    cell_of[i] = static_cast<int32_t>(cy * gx_ + cx);
    gstart_[cell_of[i] + 1]++;
  }
  for (std::size_t c = 0; c + 1 < gstart_.size(); ++c) gstart_[c + 1] += gstart_[c];
  gidx_.assign(n, 0);
  std::vector<int32_t> fill(gstart_.begin(), gstart_.end() - 1);
  for (std::size_t i = 0; i < n; ++i) gidx_[fill[cell_of[i]]++] = static_cast<int32_t>(i);
  return Status::Ok();
}

double PowerDiagram::density_at(double x, double y) const {
  if (!dens_.image) return scale_;
  const double pw = (dens_.x1 - dens_.x0) / dens_.iw, ph = (dens_.y1 - dens_.y0) / dens_.ih;
  const long c = static_cast<long>(std::floor((x - dens_.x0) / pw)), r = static_cast<long>(std::floor((dens_.y1 - y) / ph));
  if (c < 0 || r < 0 || c >= static_cast<long>(dens_.iw) || r >= static_cast<long>(dens_.ih)) return 0;
  return scale_ * dens_.image[r * dens_.iw + c];
}

void PowerDiagram::support_point(double px, double py, double& qx, double& qy, bool uniform) const {
  if (dens_.image && !uniform) {
    const double pw = (dens_.x1 - dens_.x0) / dens_.iw, ph = (dens_.y1 - dens_.y0) / dens_.ih;
    double best = std::numeric_limits<double>::infinity();
    qx = dcx_, qy = dcy_;
    for (int32_t k : support_pixels_) {
      const long r = k / static_cast<long>(dens_.iw), c = k % static_cast<long>(dens_.iw);
      const double cx = dens_.x0 + (c + 0.5) * pw, cy = dens_.y1 - (r + 0.5) * ph;
      const double d2 = (cx - px) * (cx - px) + (cy - py) * (cy - py);
      if (d2 < best) best = d2, qx = cx, qy = cy;
    }
    // Pull toward the domain centroid so the point is interior even for a pixel cut by the boundary.
    qx += 1e-3 * (dcx_ - qx), qy += 1e-3 * (dcy_ - qy);
    return;
  }
  // Projection onto the convex domain (the point itself when inside).
  const std::size_t m = domain_.size() / 2;
  bool inside = true;
  double best = std::numeric_limits<double>::infinity();
  qx = px, qy = py;
  for (std::size_t k = 0; k < m; ++k) {
    const std::size_t q = k + 1 == m ? 0 : k + 1;
    const double ax = domain_[2 * k], ay = domain_[2 * k + 1], ex = domain_[2 * q] - ax, ey = domain_[2 * q + 1] - ay;
    if (ex * (py - ay) - ey * (px - ax) < 0) inside = false;
    const double L2 = ex * ex + ey * ey;
    double t = L2 > 0 ? ((px - ax) * ex + (py - ay) * ey) / L2 : 0;
    t = std::min(1.0, std::max(0.0, t));
    const double cx = ax + t * ex, cy = ay + t * ey, d2 = (cx - px) * (cx - px) + (cy - py) * (cy - py);
    if (d2 < best) best = d2, qx = cx, qy = cy;
  }
  if (inside) qx = px, qy = py;
  qx += 1e-3 * (dcx_ - qx), qy += 1e-3 * (dcy_ - qy);
}

namespace {
struct ChunkOut {
  std::vector<double> verts;
  std::vector<int32_t> nb;
  std::vector<int32_t> ei, ej;
  std::vector<double> efacet, elength;
};
}  // namespace

Status PowerDiagram::compute(const double* w, const PowerDiagramOptions& opts, PowerDiagramResult& out) const {
  const std::size_t n = n_;
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(w[i])) return Status::Error(Code::numeric, "Non-finite weight in the power diagram");
  out.masses.assign(n, 0);
  out.areas.assign(n, 0);
  out.centroids.assign(2 * n, 0);
  out.costs.assign(n, 0);
  std::vector<int32_t> counts(n, 0), cell_chunk(n, 0), cell_start(n, 0);
  // Small diagrams run in one chunk: waking a second thread costs more than it saves.
  const std::size_t grain = n < 4096 ? std::max<std::size_t>(n, 1) : 512;
  const std::size_t nchunks = chunk_count(n, grain);
  std::vector<ChunkOut> chunks(nchunks);
  const std::size_t m = domain_.size() / 2;
  const bool image = dens_.image != nullptr;
  Pixels px{dens_.image, static_cast<long>(dens_.iw), static_cast<long>(dens_.ih), dens_.x0, dens_.y1,
            image ? (dens_.x1 - dens_.x0) / dens_.iw : 1, image ? (dens_.y1 - dens_.y0) / dens_.ih : 1};
  const double* Y = sites_;

  // Max-weight quadtree over the grid: level 0 is the grid, each level halves both sides.
  std::vector<std::vector<double>> mip;
  std::vector<long> mipw, miph;
  {
    const double ninf = -std::numeric_limits<double>::infinity();
    mip.emplace_back(static_cast<std::size_t>(gx_ * gy_), ninf);
    mipw.push_back(gx_), miph.push_back(gy_);
    for (long g = 0; g < gx_ * gy_; ++g)
      for (int32_t t = gstart_[g]; t < gstart_[g + 1]; ++t) mip[0][g] = std::max(mip[0][g], w[gidx_[t]]);
    while (mipw.back() > 1 || miph.back() > 1) {
      const long pw = mipw.back(), ph = miph.back(), qw = (pw + 1) / 2, qh = (ph + 1) / 2;
      std::vector<double> lv(static_cast<std::size_t>(qw * qh), ninf);
      const std::vector<double>& prev = mip.back();
      for (long yq = 0; yq < ph; ++yq)
        for (long xq = 0; xq < pw; ++xq) lv[(yq / 2) * qw + xq / 2] = std::max(lv[(yq / 2) * qw + xq / 2], prev[yq * pw + xq]);
      mip.push_back(std::move(lv));
      mipw.push_back(qw), miph.push_back(qh);
    }
  }
  const int top = static_cast<int>(mip.size()) - 1;

  parallel_for(n, grain, [&](std::size_t chunk, std::size_t lo, std::size_t hi) {
    ChunkOut& co = chunks[chunk];
    Scratch sc;
    Poly P;
    for (std::size_t pos = lo; pos < hi; ++pos) {
      // Cells are visited in grid order (spatially coherent); outputs are indexed by site.
      const std::size_t i = static_cast<std::size_t>(gidx_[pos]);
      const double yx = Y[2 * i], yy = Y[2 * i + 1], wi = w[i];
      P.clear();
      for (std::size_t k = 0; k < m; ++k) P.push(domain_[2 * k] - yx, domain_[2 * k + 1] - yy, -1);
      double R = 0;
      auto update_radius = [&]() {
        double r2 = 0;
        for (std::size_t k = 0; k < P.size(); ++k) r2 = std::max(r2, P.x[k] * P.x[k] + P.y[k] * P.y[k]);
        R = std::sqrt(r2);
      };
      update_radius();
      // Site j can cut the cell only if w_j > |d|² − 2R|d| + w_i (max of 2u·d over |u| <= R).
      auto try_site = [&](int32_t j, double dx, double dy, double d2) {
        if (d2 == 0) {
          if (w[j] > wi || (w[j] == wi && static_cast<std::size_t>(j) < i)) P.clear();
          return;
        }
        const double dn = std::sqrt(d2);
        if (w[j] <= d2 - 2 * R * dn + wi) return;
        if (clip(P, 2 * dx, 2 * dy, d2 + wi - w[j], j, sc.b, sc.s)) update_radius();
      };
      const long cx = std::min(gx_ - 1, std::max(0L, static_cast<long>((yx - gx0_) / h_)));
      const long cy = std::min(gy_ - 1, std::max(0L, static_cast<long>((yy - gy0_) / h_)));
      // 1) The 3×3 block of grid cells around the site, nearest first.
      sc.cand.clear();
      for (long gyi = std::max(0L, cy - 1); gyi <= std::min(gy_ - 1, cy + 1); ++gyi)
        for (long gxi = std::max(0L, cx - 1); gxi <= std::min(gx_ - 1, cx + 1); ++gxi) {
          const long g = gyi * gx_ + gxi;
          for (int32_t t = gstart_[g]; t < gstart_[g + 1]; ++t) {
            const int32_t j = gidx_[t];
            if (static_cast<std::size_t>(j) == i) continue;
            const double dx = Y[2 * j] - yx, dy = Y[2 * j + 1] - yy;
            sc.cand.emplace_back(dx * dx + dy * dy, j);
          }
        }
      std::sort(sc.cand.begin(), sc.cand.end());
      for (const auto& cj : sc.cand) {
        if (P.size() == 0) break;
        const int32_t j = cj.second;
        try_site(j, Y[2 * j] - yx, Y[2 * j + 1] - yy, cj.first);
      }
      // 2) Everything else: descend the max-weight quadtree, nearest node first, pruning nodes
      //    whose every site is too far for its weight.
      auto visit = [&](auto&& self, int L, long X, long Yq) -> void {
        if (P.size() == 0) return;
        const double Wn = mip[L][Yq * mipw[L] + X];
        if (Wn == -std::numeric_limits<double>::infinity()) return;
        const long ax = X << L, bx = std::min(gx_, (X + 1) << L), ay = Yq << L, by = std::min(gy_, (Yq + 1) << L);
        if (L == 0) {
          if (std::labs(X - cx) <= 1 && std::labs(Yq - cy) <= 1) return;
        } else if (ax >= cx - 1 && bx <= cx + 2 && ay >= cy - 1 && by <= cy + 2) {
          return;
        }
        const double bx0 = gx0_ + ax * h_, bx1 = gx0_ + bx * h_, by0 = gy0_ + ay * h_, by1 = gy0_ + by * h_;
        const double ddx = std::max({0.0, bx0 - yx, yx - bx1}), ddy = std::max({0.0, by0 - yy, yy - by1});
        const double D = std::sqrt(ddx * ddx + ddy * ddy);
        const double lb = D >= R ? D * D - 2 * R * D : -R * R;
        if (lb + wi >= Wn) return;
        // Exact test on the vertices (the cut is linear in u, so its max over P is at a vertex):
        // no site of the node can cut if dist²(u_k, box) − W >= |u_k|² − w_i for every vertex k.
        {
          const double lx0 = bx0 - yx, lx1 = bx1 - yx, ly0 = by0 - yy, ly1 = by1 - yy;
          bool can_cut = false;
          for (std::size_t k = 0; k < P.size(); ++k) {
            const double ux = P.x[k], uy = P.y[k];
            const double ex = std::max({0.0, lx0 - ux, ux - lx1}), ey = std::max({0.0, ly0 - uy, uy - ly1});
            if (ex * ex + ey * ey - Wn < ux * ux + uy * uy - wi) {
              can_cut = true;
              break;
            }
          }
          if (!can_cut) return;
        }
        if (L == 0) {
          const long g = Yq * gx_ + X;
          for (int32_t t = gstart_[g]; t < gstart_[g + 1] && P.size() > 0; ++t) {
            const int32_t j = gidx_[t];
            if (static_cast<std::size_t>(j) == i) continue;
            const double dx = Y[2 * j] - yx, dy = Y[2 * j + 1] - yy;
            try_site(j, dx, dy, dx * dx + dy * dy);
          }
          return;
        }
        // Children, nearest first.
        std::pair<double, long> ch[4];
        int nc = 0;
        for (long b2 = 0; b2 < 2; ++b2)
          for (long a2 = 0; a2 < 2; ++a2) {
            const long CX = 2 * X + a2, CY = 2 * Yq + b2;
            if (CX >= mipw[L - 1] || CY >= miph[L - 1]) continue;
            const int Lc = L - 1;
            const double cx0 = gx0_ + (CX << Lc) * h_, cx1 = gx0_ + std::min(gx_, (CX + 1) << Lc) * h_;
            const double cy0 = gy0_ + (CY << Lc) * h_, cy1 = gy0_ + std::min(gy_, (CY + 1) << Lc) * h_;
            const double ex = std::max({0.0, cx0 - yx, yx - cx1}), ey = std::max({0.0, cy0 - yy, yy - cy1});
            // Pre-test (disk bound) so that pruned children cost no call.
            const double Wc = mip[Lc][CY * mipw[Lc] + CX];
            const double Dc = std::sqrt(ex * ex + ey * ey);
            if (Wc == -std::numeric_limits<double>::infinity() || (Dc >= R ? Dc * Dc - 2 * R * Dc : -R * R) + wi >= Wc) continue;
            ch[nc++] = {ex * ex + ey * ey, CY * mipw[L - 1] + CX};
          }
        for (int a = 1; a < nc; ++a)  // insertion sort of at most 4 children
          for (int c = a; c > 0 && ch[c] < ch[c - 1]; --c) std::swap(ch[c], ch[c - 1]);
        for (int c = 0; c < nc; ++c) self(self, L - 1, ch[c].second % mipw[L - 1], ch[c].second / mipw[L - 1]);
      };
      if (P.size() > 0) visit(visit, top, 0, 0);
      // Integrals.
      Moments geo, mo;
      poly_moments(P, 1.0, geo);
      if (image) {
        image_moments(P, yx, yy, px, opts.blend > 0 ? scale_ * (1 - opts.blend) : scale_, sc, mo);
        if (opts.blend > 0) {
          const double u = opts.blend / domain_area_;
          mo.m0 += u * geo.m0, mo.mx += u * geo.mx, mo.my += u * geo.my, mo.m2 += u * geo.m2;
        }
      } else {
        mo = geo;
        mo.m0 *= scale_, mo.mx *= scale_, mo.my *= scale_, mo.m2 *= scale_;
      }
      out.areas[i] = std::max(0.0, geo.m0);
      out.masses[i] = std::max(0.0, mo.m0);
      out.costs[i] = std::max(0.0, mo.m2);
      if (mo.m0 > 0) {
        out.centroids[2 * i] = yx + mo.mx / mo.m0, out.centroids[2 * i + 1] = yy + mo.my / mo.m0;
      } else if (geo.m0 > 0) {
        out.centroids[2 * i] = yx + geo.mx / geo.m0, out.centroids[2 * i + 1] = yy + geo.my / geo.m0;
      } else {
        out.centroids[2 * i] = yx, out.centroids[2 * i + 1] = yy;
      }
      const std::size_t nvp = P.size();
      counts[i] = static_cast<int32_t>(nvp);
      cell_chunk[i] = static_cast<int32_t>(chunk);
      cell_start[i] = static_cast<int32_t>(co.nb.size());
      for (std::size_t k = 0; k < nvp; ++k) {
        const std::size_t q = k + 1 == nvp ? 0 : k + 1;
        if (opts.want_cells) {
          co.verts.push_back(P.x[k] + yx);
          co.verts.push_back(P.y[k] + yy);
          co.nb.push_back(P.nb[k]);
        }
        const int32_t j = P.nb[k];
        if (j > static_cast<int32_t>(i)) {
          const double ex = P.x[q] - P.x[k], ey = P.y[q] - P.y[k];
          const double len = std::sqrt(ex * ex + ey * ey);
          if (!(len > 0)) continue;
          double fm = scale_ * len;
          if (image) {
            fm = image_segment(P.x[k] + yx, P.y[k] + yy, P.x[q] + yx, P.y[q] + yy, px, scale_, sc.ts);
            if (opts.blend > 0) fm = (1 - opts.blend) * fm + opts.blend / domain_area_ * len;
          }
          co.ei.push_back(static_cast<int32_t>(i));
          co.ej.push_back(j);
          co.efacet.push_back(fm);
          co.elength.push_back(len);
        }
      }
    }
  });

  out.offsets.assign(n + 1, 0);
  if (opts.want_cells)
    for (std::size_t i = 0; i < n; ++i) out.offsets[i + 1] = out.offsets[i] + counts[i];
  out.vertices.assign(opts.want_cells ? 2 * static_cast<std::size_t>(out.offsets[n]) : 0, 0);
  out.edge_nb.assign(opts.want_cells ? static_cast<std::size_t>(out.offsets[n]) : 0, 0);
  if (opts.want_cells) {
    parallel_for(n, 8192, [&](std::size_t, std::size_t lo, std::size_t hi) {
      for (std::size_t i = lo; i < hi; ++i) {
        const ChunkOut& c = chunks[cell_chunk[i]];
        const std::size_t src = cell_start[i], dst = out.offsets[i], cnt = counts[i];
        std::copy(c.nb.begin() + src, c.nb.begin() + src + cnt, out.edge_nb.begin() + dst);
        std::copy(c.verts.begin() + 2 * src, c.verts.begin() + 2 * (src + cnt), out.vertices.begin() + 2 * dst);
      }
    });
  }
  out.ei.clear(), out.ej.clear(), out.efacet.clear(), out.elength.clear();
  std::size_t ne = 0;
  for (const auto& c : chunks) ne += c.ei.size();
  out.ei.reserve(ne), out.ej.reserve(ne), out.efacet.reserve(ne), out.elength.reserve(ne);
  for (const auto& c : chunks) {
    out.ei.insert(out.ei.end(), c.ei.begin(), c.ei.end());
    out.ej.insert(out.ej.end(), c.ej.begin(), c.ej.end());
    out.efacet.insert(out.efacet.end(), c.efacet.begin(), c.efacet.end());
    out.elength.insert(out.elength.end(), c.elength.begin(), c.elength.end());
  }
  return Status::Ok();
}

}  // namespace advect
