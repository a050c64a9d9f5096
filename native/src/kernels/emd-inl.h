// emd-inl.h: the pricing kernel of the network simplex (native/src/emd.cc).
//
// seg_min(c, pd, len) = min_k (c[k] − pd[k]) for one row segment of the cost matrix, where pd are the
// demand-node potentials. Pricing scans sqrt(n·m) arcs per pivot and is the hot loop; it is a pure
// min-reduction, so every lane order gives the same (exact) result: subtraction is the only
// rounding and it is the same scalar operation on every level. float costs are widened to double
// lane by lane (exact). +inf costs stay +inf (forbidden arcs never enter).

static inline double seg_min_d(const double* c, const double* pd, std::size_t len) {
  constexpr std::size_t L = VecOf<double>::lanes;
  vd m0 = vsplat<vd>(__builtin_inf()), m1 = m0, m2 = m0, m3 = m0;
  std::size_t k = 0;
  for (; k + 4 * L <= len; k += 4 * L) {
    m0 = vmin(m0, vload<vd>(c + k) - vload<vd>(pd + k));
    m1 = vmin(m1, vload<vd>(c + k + L) - vload<vd>(pd + k + L));
    m2 = vmin(m2, vload<vd>(c + k + 2 * L) - vload<vd>(pd + k + 2 * L));
    m3 = vmin(m3, vload<vd>(c + k + 3 * L) - vload<vd>(pd + k + 3 * L));
  }
  for (; k + L <= len; k += L) m0 = vmin(m0, vload<vd>(c + k) - vload<vd>(pd + k));
  m0 = vmin(vmin(m0, m1), vmin(m2, m3));
  double r = m0[0];
  for (std::size_t l = 1; l < L; ++l) r = m0[l] < r ? m0[l] : r;
  for (; k < len; ++k) {
    const double t = c[k] - pd[k];
    r = t < r ? t : r;
  }
  return r;
}

typedef float vfh __attribute__((vector_size(ADVECT_VBYTES / 2)));

static inline double seg_min_f(const float* c, const double* pd, std::size_t len) {
  constexpr std::size_t L = VecOf<double>::lanes;
  vd m0 = vsplat<vd>(__builtin_inf()), m1 = m0;
  std::size_t k = 0;
  for (; k + 2 * L <= len; k += 2 * L) {
    m0 = vmin(m0, __builtin_convertvector(vload<vfh>(c + k), vd) - vload<vd>(pd + k));
    m1 = vmin(m1, __builtin_convertvector(vload<vfh>(c + k + L), vd) - vload<vd>(pd + k + L));
  }
  for (; k + L <= len; k += L) m0 = vmin(m0, __builtin_convertvector(vload<vfh>(c + k), vd) - vload<vd>(pd + k));
  m0 = vmin(m0, m1);
  double r = m0[0];
  for (std::size_t l = 1; l < L; ++l) r = m0[l] < r ? m0[l] : r;
  for (; k < len; ++k) {
    const double t = double(c[k]) - pd[k];
    r = t < r ? t : r;
  }
  return r;
}

// points_seg_min: the same min for the lazy (point-cloud) variant, with costs computed on the fly from
// x_i (d values) and the transposed target cloud yT (d × ldy): metric 0 = Σ(x−y)², 1 = its sqrt,
// 2 = Σ|x−y|. Dimensions are accumulated in order c = 0..d−1 from 0 with separate multiply and add
// (contraction off), exactly as the scalar cost of emd.cc and the TS twin, so every level and both
// backends price identical numbers.
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
static double points_seg_min(const double* xi, const double* yT, std::size_t ldy, std::size_t j0, std::size_t len,
                             std::size_t d, int metric, const double* pd) {
  constexpr std::size_t L = VecOf<double>::lanes;
  vd m0 = vsplat<vd>(__builtin_inf());
  std::size_t k = 0;
  for (; k + L <= len; k += L) {
    vd acc = vsplat<vd>(0.0);
    for (std::size_t c = 0; c < d; ++c) {
      const vd t = vsplat<vd>(xi[c]) - vload<vd>(yT + c * ldy + j0 + k);
      if (metric == 2) acc = acc + (t < 0 ? -t : t);
      else acc = acc + t * t;
    }
    if (metric == 1)
      for (std::size_t l = 0; l < L; ++l) acc[l] = __builtin_sqrt(acc[l]);
    m0 = vmin(m0, acc - vload<vd>(pd + j0 + k));
  }
  double r = m0[0];
  for (std::size_t l = 1; l < L; ++l) r = m0[l] < r ? m0[l] : r;
  for (; k < len; ++k) {
    double s = 0;
    for (std::size_t c = 0; c < d; ++c) {
      const double t = xi[c] - yT[c * ldy + j0 + k];
      if (metric == 2) s += t < 0 ? -t : t;
      else s += t * t;
    }
    if (metric == 1) s = __builtin_sqrt(s);
    const double v = s - pd[j0 + k];
    r = v < r ? v : r;
  }
  return r;
}
#pragma GCC pop_options
