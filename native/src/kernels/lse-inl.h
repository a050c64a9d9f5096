// lse-inl.h: pairwise costs, log-sum-exp and online softmax sums for one SIMD level.
// Compiled once per level through levels-inl.h; see include/advect/kernels.h for the maths.
//
// Numerics:
// - LSE is single-pass over memory: values are staged in L1 tiles of kTile, each tile gets a
//   max pass and an exp-sum pass, and tiles merge as (m, s) pairs (KeOps' rule):
//   s ← s·2^(m − m') + s_tile when the max grows. Every exp argument is ≤ 0: no overflow.
// - Scores are kept in base 2 (t = score·log2 e, folded into one multiply-add with pre-scaled
//   offsets), so each term costs one vexp2_lse, which needs no Cody–Waite reduction. The result
//   is converted back once: m·ln2 + log(s).
// - Dense kernels keep per-lane running sums in T (float32 stays float32: one widening per
//   element would cost more than the exp). Every term is in (0, 1] relative to the running max,
//   so the rounding error is a random walk of ~sqrt(m/W) half-ulps: 1.4e-7 relative in the sum
//   (1e-8 in the LSE) for a 300 000-entry float32 row, checked with numpy. Online kernels merge
//   tiles in double.
// - Column LSE keeps per-column (M, S) vectors and rescales once per group of kColRows rows,
//   so it costs 1 + 1/kColRows exps per element and reads C once.

static constexpr std::size_t kTile = 512;

static constexpr double kLog2e = 1.4426950408889634;
static constexpr double kLn2 = 0.6931471805599453;

// Running (max, sum) in base 2: the value is m·ln2 + log(s).
struct LseAcc {
  double m = -__builtin_inf();
  double s = 0;
  double result() const {
    if (s != s) return s;  // NaN seen in some tile: propagate, never hide it behind -inf
    return m == -__builtin_inf() ? m : m * kLn2 + std::log(s);
  }
};

// Merge buf[0..padded) into acc, given the tile max tm (buf's padding holds -inf).
template <class T> static inline void lse_merge(const T* buf, std::size_t padded, T tm, LseAcc& acc) {
  typedef typename VecOf<T>::type V;
  constexpr std::size_t W = VecOf<T>::lanes;
  if (tm != tm) { acc.s = __builtin_nan(""); return; }
  if (tm == -__builtin_inf()) return;
  if (tm > acc.m) {
    acc.s *= std::exp2(acc.m - double(tm));
    acc.m = tm;
  }
  const V mm = vsplat<V>(T(acc.m));
  V vs0 = vsplat<V>(T(0)), vs1 = vs0;
  std::size_t j = 0;
  for (; j + 2 * W <= padded; j += 2 * W) {  // two accumulators: exp latency overlaps
    vs0 += vexp2_lse(vload<V>(buf + j) - mm);
    vs1 += vexp2_lse(vload<V>(buf + j + W) - mm);
  }
  for (; j < padded; j += W) vs0 += vexp2_lse(vload<V>(buf + j) - mm);
  acc.s += hsum<T>(vs0 + vs1);
}

// Tile max of buf[0..padded), NaN-aware: returns NaN if any entry is NaN.
template <class T> static inline T tile_max(const T* buf, std::size_t padded) {
  typedef typename VecOf<T>::type V;
  constexpr std::size_t W = VecOf<T>::lanes;
  V vm = vsplat<V>(T(-__builtin_inf()));
  V nan = vsplat<V>(T(0));
  for (std::size_t j = 0; j < padded; j += W) {
    V v = vload<V>(buf + j);
    vm = vmax(v, vm);
    nan += v - v;  // 0 for finite, NaN for NaN or ±inf
  }
  T tm = hmax<T>(vm);
  if (hsum<T>(nan) != 0 || tm != tm) {
    for (std::size_t j = 0; j < padded; ++j) if (buf[j] != buf[j]) return buf[j];
  }
  return tm;
}

// ---- pairwise cost of one x row against a tile of y (y transposed: yT[k*ldy + j]) ----------
// Writes c_j for j in [j0, j0+len) into out[0..len). len need not be a lane multiple: the
// transposed copy is padded to a lane multiple by the driver.
template <class T>
static inline void cost_tile(const T* xi, const T* yT, std::size_t ldy, std::size_t d, std::size_t j0,
                             std::size_t len, MetricSpec ms, const T* ynorm, T xnorm, T* out) {
  typedef typename VecOf<T>::type V;
  constexpr std::size_t W = VecOf<T>::lanes;
  const std::size_t padded = (len + W - 1) / W * W;
  for (std::size_t j = 0; j < padded; j += W) {
    V acc = vsplat<V>(T(0));
    switch (ms.metric) {
      case Metric::sqeuclidean:
      case Metric::euclidean:
        for (std::size_t k = 0; k < d; ++k) {
          V diff = vsplat<V>(xi[k]) - vload<V>(yT + k * ldy + j0 + j);
          acc += diff * diff;
        }
        if (ms.metric == Metric::euclidean) acc = vsqrt(acc);
        break;
      case Metric::cityblock:
        for (std::size_t k = 0; k < d; ++k) acc += vabs(vsplat<V>(xi[k]) - vload<V>(yT + k * ldy + j0 + j));
        break;
      case Metric::cosine: {
        for (std::size_t k = 0; k < d; ++k) acc += vsplat<V>(xi[k]) * vload<V>(yT + k * ldy + j0 + j);
        V den = vsplat<V>(xnorm) * vload<V>(ynorm + j0 + j);
        acc = vsplat<V>(T(1)) - acc / den;
        break;
      }
      case Metric::minkowski: {
        // Scalar pow per pair: correct but slow; minkowski is not a hot path.
        T tmp[W];
        for (std::size_t l = 0; l < W; ++l) {
          double s = 0;
          for (std::size_t k = 0; k < d; ++k) s += std::pow(std::fabs(double(xi[k]) - double(yT[k * ldy + j0 + j + l])), ms.p);
          tmp[l] = T(std::pow(s, 1.0 / ms.p));
        }
        acc = vload<V>(tmp);
        break;
      }
    }
    vstore(out + j, acc);
  }
}

// ---- dist: rows [lo, hi) of the n×m cost matrix --------------------------------------------
// sqeuclidean/euclidean follow POT: c = (−2<x,y> + |x|²) + |y|², clamped at 0, then sqrt.
template <class T>
static void dist_rows(const T* x, const T* yT, std::size_t ldy, std::size_t m, std::size_t d, MetricSpec ms,
                      const T* xnorm, const T* ynorm, std::size_t lo, std::size_t hi, T* out) {
  typedef typename VecOf<T>::type V;
  constexpr std::size_t W = VecOf<T>::lanes;
  alignas(64) T buf[kTile];
  for (std::size_t i = lo; i < hi; ++i) {
    const T* xi = x + i * d;
    T* row = out + i * m;
    for (std::size_t j0 = 0; j0 < m; j0 += kTile) {
      const std::size_t len = std::min(kTile, m - j0);
      const std::size_t padded = (len + W - 1) / W * W;
      if (ms.metric == Metric::sqeuclidean || ms.metric == Metric::euclidean) {
        // ynorm holds |y_j|², xnorm holds |x_i|².
        for (std::size_t j = 0; j < padded; j += W) {
          V dot = vsplat<V>(T(0));
          for (std::size_t k = 0; k < d; ++k) dot += vsplat<V>(xi[k]) * vload<V>(yT + k * ldy + j0 + j);
          V c = (vsplat<V>(T(-2)) * dot + xnorm[i]) + vload<V>(ynorm + j0 + j);
          c = c < vsplat<V>(T(0)) ? vsplat<V>(T(0)) : c;  // clamp at 0; NaN compares false and stays
          if (ms.metric == Metric::euclidean) c = vsqrt(c);
          vstore(buf + j, c);
        }
      } else {
        cost_tile(xi, yT, ldy, d, j0, len, ms, ynorm, xnorm ? xnorm[i] : T(0), buf);
      }
      std::memcpy(row + j0, buf, len * sizeof(T));
    }
  }
}

static constexpr std::size_t kColRows = ADVECT_VBYTES == 64 ? 8 : 4;

template <class T>
static inline void lse_cols_scalar_update(T v, T& M, T& S) {
  if (S != S) return;             // a NaN seen earlier sticks
  if (v != v) { S = v; return; }
  if (v > M) {
    S = (M == T(-__builtin_inf()) ? T(0) : S * T(std::exp2(double(M) - double(v)))) + T(1);
    M = v;
  } else if (M != T(-__builtin_inf())) {
    S += T(std::exp2(double(v) - double(M)));
  }
}

// ---- dense LSE over rows, rows [lo, hi) --------------------------------------------------
// beta2 = beta·log2(e)/eps (pre-scaled by the driver, may be null); scores t = beta2 − C·inv2.
// One pass over each row with per-lane running (M, S) vectors: kColRows vectors of scores are
// held in registers, their max updates M with one rescale exp, then their exps are added to S
// (1 + 1/kColRows exps per element, no staging buffer). The lanes are merged at the end of the
// row in lane order; the ragged tail goes through the scalar update.
template <class T>
static void lse_dense_rows_range(const T* C, std::size_t m, const T* alpha, const T* beta2, double eps,
                                 std::size_t lo, std::size_t hi, T* out) {
  typedef typename VecOf<T>::type V;
  constexpr std::size_t W = VecOf<T>::lanes;
  constexpr std::size_t G = kColRows * W;  // elements per register group
  const T ninf = -__builtin_inf();
  const T inv2 = T(kLog2e / eps);
  const V vinv2 = vsplat<V>(inv2), vninf = vsplat<V>(ninf), vzero = vsplat<V>(T(0));
  const std::size_t mg = m / G * G;
  for (std::size_t i = lo; i < hi; ++i) {
    const T* row = C + i * m;
    V M = vninf, S = vzero;
    auto nan = (M != M);
    for (std::size_t j = 0; j < mg; j += G) {
      V x[kColRows];
      V g = vninf;
      for (std::size_t k = 0; k < kColRows; ++k) {
        const V c = vload<V>(row + j + k * W);
        x[k] = beta2 ? vload<V>(beta2 + j + k * W) - c * vinv2 : -(c * vinv2);
        g = vmax(x[k], g);
        nan |= (x[k] != x[k]);
      }
      const V mn = vmax(g, M);
      V f = vexp2_lse(M - mn);
      f = M == vninf ? vzero : f;
      V e = vexp2_lse(x[0] - mn);
      for (std::size_t k = 1; k < kColRows; ++k) e += vexp2_lse(x[k] - mn);
      e = mn == vninf ? vzero : e;
      S = S * f + e;
      M = mn;
    }
    // merge the lanes (fixed order), then the tail
    T m2 = ninf, s2 = 0;
    bool any_nan = false;
    for (std::size_t l = 0; l < W; ++l) {
      if (nan[l]) any_nan = true;
      if (M[l] > m2) m2 = M[l];
    }
    double sd = 0;
    if (m2 != ninf)
      for (std::size_t l = 0; l < W; ++l)
        if (M[l] != ninf) sd += double(S[l]) * std::exp2(double(M[l]) - double(m2));
    s2 = T(sd);
    for (std::size_t j = mg; j < m; ++j) lse_cols_scalar_update(T((beta2 ? beta2[j] : T(0)) - row[j] * inv2), m2, s2);
    double r;
    if (any_nan || s2 != s2) r = __builtin_nan("");
    else if (m2 == ninf) r = ninf;
    else r = double(m2) * kLn2 + std::log(double(s2));
    if (alpha) r += double(alpha[i]) / eps;
    out[i] = T(r);
  }
}

// ---- dense LSE over columns: partial (M, S) per column for rows [lo, hi) ------------------
// Rows are taken kColRows at a time and C is read once: for each vector of columns the group's
// scores stay in registers, the group max updates the running max M (one exp per column per
// group to rescale S), and the group's exps are summed into S. Rows are streamed sequentially
// (kColRows streams), which keeps C prefetch- and TLB-friendly. M and S (base-2 scores) are in
// T; the driver merges the partials of the row chunks in chunk order (deterministic).
// A ragged last group (fewer than kColRows rows) takes the scalar path.
template <class T>
static void lse_dense_cols_partial(const T* C, std::size_t m, const T* alpha, double eps, std::size_t lo,
                                   std::size_t hi, T* M, T* S) {
  typedef typename VecOf<T>::type V;
  constexpr std::size_t W = VecOf<T>::lanes;
  const T ninf = -__builtin_inf();
  const T inv2 = T(kLog2e / eps);
  const V vinv2 = vsplat<V>(inv2), vninf = vsplat<V>(ninf);
  const std::size_t vm = m / W * W;
  for (std::size_t j = 0; j < m; ++j) { M[j] = ninf; S[j] = 0; }
  for (std::size_t i0 = lo; i0 < hi; i0 += kColRows) {
    const std::size_t r = std::min(kColRows, hi - i0);
    T a2[kColRows];
    const T* rows[kColRows];
    for (std::size_t k = 0; k < r; ++k) {
      a2[k] = alpha ? T(alpha[i0 + k] * inv2) : T(0);
      rows[k] = C + (i0 + k) * m;
    }
    std::size_t j = 0;
    if (r == kColRows) {
      for (; j < vm; j += W) {
        V x[kColRows];
        V g = vninf;
        auto nan = (g != g);
        for (std::size_t k = 0; k < kColRows; ++k) {
          x[k] = vsplat<V>(a2[k]) - vload<V>(rows[k] + j) * vinv2;
          g = vmax(x[k], g);
          nan |= (x[k] != x[k]);
        }
        const V mo = vload<V>(M + j);
        const V mn = vmax(g, mo);
        V f = vexp2_lse(mo - mn);
        f = mo == vninf ? vsplat<V>(T(0)) : f;
        V e = vexp2_lse(x[0] - mn);
        for (std::size_t k = 1; k < kColRows; ++k) e += vexp2_lse(x[k] - mn);
        e = mn == vninf ? vsplat<V>(T(0)) : e;  // every score so far is -inf
        V acc = vload<V>(S + j) * f + e;
        acc = nan ? vsplat<V>(T(__builtin_nan(""))) : acc;
        vstore(M + j, mn);
        vstore(S + j, acc);
      }
    }
    for (; j < m; ++j)
      for (std::size_t k = 0; k < r; ++k) lse_cols_scalar_update(T(a2[k] - rows[k][j] * inv2), M[j], S[j]);
  }
}

// ---- online LSE over rows of x against y (yT transposed, padded) ----------------------------
// beta2 = beta·log2(e)/eps (pre-scaled and padded by the driver, may be null).
template <class T>
static void lse_online_rows_range(const T* x, const T* yT, std::size_t ldy, std::size_t m, std::size_t d,
                                  MetricSpec ms, const T* xnorm, const T* ynorm, const T* alpha,
                                  const T* beta2, double eps, std::size_t lo, std::size_t hi, T* out) {
  typedef typename VecOf<T>::type V;
  constexpr std::size_t W = VecOf<T>::lanes;
  alignas(64) T buf[kTile + W];
  const T inv2 = T(kLog2e / eps);
  const V vinv2 = vsplat<V>(inv2);
  for (std::size_t i = lo; i < hi; ++i) {
    LseAcc acc;
    for (std::size_t j0 = 0; j0 < m; j0 += kTile) {
      const std::size_t len = std::min(kTile, m - j0);
      const std::size_t padded = (len + W - 1) / W * W;
      if (ms.metric == Metric::sqeuclidean && d <= 4) {
        // Hot path (low-dimensional point clouds): cost, score and max in one pass.
        const T* xi = x + i * d;
        V vm = vsplat<V>(T(-__builtin_inf()));
        for (std::size_t j = 0; j < padded; j += W) {
          V c = vsplat<V>(T(0));
          for (std::size_t k = 0; k < d; ++k) {
            V diff = vsplat<V>(xi[k]) - vload<V>(yT + k * ldy + j0 + j);
            c += diff * diff;
          }
          V v = (beta2 ? vload<V>(beta2 + j0 + j) : vsplat<V>(T(0))) - c * vinv2;
          vm = vmax(v, vm);
          vstore(buf + j, v);
        }
        for (std::size_t t = len; t < padded; ++t) buf[t] = -__builtin_inf();
        T tm = len % W ? tile_max(buf, padded) : hmax<T>(vm);
        if (tm == T(-__builtin_inf()) || tm != tm) tm = tile_max(buf, padded);
        lse_merge(buf, padded, tm, acc);
        continue;
      }
      cost_tile(x + i * d, yT, ldy, d, j0, len, ms, ynorm, xnorm ? xnorm[i] : T(0), buf);
      if (beta2) {
        for (std::size_t j = 0; j < padded; j += W)
          vstore(buf + j, vload<V>(beta2 + j0 + j) - vload<V>(buf + j) * vinv2);
      } else {
        for (std::size_t j = 0; j < padded; j += W) vstore(buf + j, -(vload<V>(buf + j) * vinv2));
      }
      for (std::size_t t = len; t < padded; ++t) buf[t] = -__builtin_inf();
      lse_merge(buf, padded, tile_max(buf, padded), acc);
    }
    double r = acc.result();
    if (alpha) r += double(alpha[i]) / eps;
    out[i] = T(r);
  }
}

// ---- online softmax-weighted sum, rows [lo, hi) -------------------------------------------
// Running (m, s, acc[dv]) per row; when a tile raises the max, s and acc are rescaled once.
template <class T>
static void softmax_sum_range(const T* x, const T* yT, std::size_t ldy, std::size_t m, std::size_t d,
                              ScoreSpec sc, const T* xnorm, const T* ynorm, const T* beta, const T* Vm,
                              std::size_t dv, std::size_t lo, std::size_t hi, T* out, T* lse_out) {
  typedef typename VecOf<T>::type V;
  constexpr std::size_t W = VecOf<T>::lanes;
  alignas(64) T buf[kTile + W];
  std::vector<double> acc(dv);
  const T inv = T(1.0 / sc.eps);
  const T scale = T(sc.scale);
  for (std::size_t i = lo; i < hi; ++i) {
    const T* xi = x + i * d;
    double mrun = -__builtin_inf(), s = 0;
    std::fill(acc.begin(), acc.end(), 0.0);
    bool nan_seen = false;
    for (std::size_t j0 = 0; j0 < m; j0 += kTile) {
      const std::size_t len = std::min(kTile, m - j0);
      const std::size_t padded = (len + W - 1) / W * W;
      if (sc.kind == ScoreSpec::cost) {
        cost_tile(xi, yT, ldy, d, j0, len, sc.metric, ynorm, xnorm ? xnorm[i] : T(0), buf);
        for (std::size_t j = 0; j < padded; j += W) {
          V b = beta ? vload<V>(beta + j0 + j) : vsplat<V>(T(0));
          vstore(buf + j, (b - vload<V>(buf + j)) * inv);
        }
      } else {
        for (std::size_t j = 0; j < padded; j += W) {
          V dot = vsplat<V>(T(0));
          for (std::size_t k = 0; k < d; ++k) dot += vsplat<V>(xi[k]) * vload<V>(yT + k * ldy + j0 + j);
          V b = beta ? vload<V>(beta + j0 + j) : vsplat<V>(T(0));
          vstore(buf + j, b + dot * scale);
        }
      }
      T tm = -__builtin_inf();
      for (std::size_t j = 0; j < len; ++j) {
        if (buf[j] != buf[j]) nan_seen = true;
        tm = buf[j] > tm ? buf[j] : tm;
      }
      if (tm == -__builtin_inf()) continue;
      if (tm > mrun) {
        double f = std::exp(mrun - double(tm));
        s *= f;
        for (std::size_t k = 0; k < dv; ++k) acc[k] *= f;
        mrun = tm;
      }
      const V mm = vsplat<V>(T(mrun));
      for (std::size_t j = len; j < padded; ++j) buf[j] = -__builtin_inf();
      for (std::size_t j = 0; j < padded; j += W) vstore(buf + j, vexp(vload<V>(buf + j) - mm));
      for (std::size_t j = 0; j < len; ++j) {
        const double w = buf[j];
        s += w;
        const T* vj = Vm + (j0 + j) * dv;
        for (std::size_t k = 0; k < dv; ++k) acc[k] += w * double(vj[k]);
      }
    }
    T* oi = out + i * dv;
    if (nan_seen) {
      for (std::size_t k = 0; k < dv; ++k) oi[k] = T(__builtin_nan(""));
      if (lse_out) lse_out[i] = T(__builtin_nan(""));
      continue;
    }
    if (s > 0) {
      for (std::size_t k = 0; k < dv; ++k) oi[k] = T(acc[k] / s);
    } else {
      for (std::size_t k = 0; k < dv; ++k) oi[k] = T(0);  // every weight is zero: empty mixture
    }
    if (lse_out) lse_out[i] = T(mrun == -__builtin_inf() ? mrun : mrun + std::log(s));
  }
}

template <class T> static void exp_range(const T* x, std::size_t lo, std::size_t hi, T* out) {
  typedef typename VecOf<T>::type V;
  constexpr std::size_t W = VecOf<T>::lanes;
  std::size_t i = lo;
  for (; i + W <= hi; i += W) vstore(out + i, vexp(vload<V>(x + i)));
  for (; i < hi; ++i) out[i] = sexp<T>(x[i]);
}

// Sum of x[lo, hi) in double (float32 is widened per element; GCC vectorises the conversion).
// Also the bandwidth probe of the benchmarks (float64).
template <class T> static double sum_range(const T* x, std::size_t lo, std::size_t hi) {
  typedef typename VecOf<double>::type VD;
  constexpr std::size_t W = VecOf<double>::lanes;
  VD a0 = vsplat<VD>(0.0), a1 = a0, a2 = a0, a3 = a0;
  std::size_t i = lo;
  double tmp[4 * W];
  for (; i + 4 * W <= hi; i += 4 * W) {
    for (std::size_t k = 0; k < 4 * W; ++k) tmp[k] = double(x[i + k]);
    a0 += vload<VD>(tmp);
    a1 += vload<VD>(tmp + W);
    a2 += vload<VD>(tmp + 2 * W);
    a3 += vload<VD>(tmp + 3 * W);
  }
  double s = hsum<double>((a0 + a1) + (a2 + a3));
  for (; i < hi; ++i) s += double(x[i]);
  return s;
}

// Index of the first non-finite entry of x[lo, hi), or hi if all are finite. The vector test
// v − v is 0 for finite values and NaN for NaN or ±inf; the exact index is found lane by lane
// only in the block that fails.
template <class T> static std::size_t first_non_finite_range(const T* x, std::size_t lo, std::size_t hi) {
  typedef typename VecOf<T>::type V;
  constexpr std::size_t W = VecOf<T>::lanes;
  std::size_t i = lo;
  for (; i + 4 * W <= hi; i += 4 * W) {
    V a = vload<V>(x + i), b = vload<V>(x + i + W), c = vload<V>(x + i + 2 * W), d = vload<V>(x + i + 3 * W);
    V t = ((a - a) + (b - b)) + ((c - c) + (d - d));
    if (hsum<T>(t * T(0)) != 0) break;  // NaN somewhere in this block
  }
  for (; i < hi; ++i) if (!(x[i] - x[i] == 0)) return i;
  return hi;
}
