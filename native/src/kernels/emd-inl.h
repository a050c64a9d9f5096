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
