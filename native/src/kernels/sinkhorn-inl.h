// sinkhorn-inl.h: the dense Sinkhorn sweeps for one SIMD level (compiled per level through
// levels-inl.h; drivers in native/src/sinkhorn.cc).
//
// kernel_rows:  K_ij = exp((alpha_i + beta_j − C_ij) / reg) for rows [lo, hi), optionally
//               accumulating K_ij·u_i into a column partial (the first Kᵀu of a solve, or the
//               one after an absorption). Division by reg (not multiplication by 1/reg), as POT.
// fused_rows:   one sweep over K for both half-steps (DESIGN §2): for row i,
//               s_i = Σ_j K_ij v_j, u_i = a_i / s_i, then part_j += K_ij u_i.
//               Rows go in blocks of 4 so v and part are read once per 4 rows; the row
//               block is re-read from L1/L2, K is streamed from memory once per iteration.
//               Partials are per chunk of rows; the driver reduces them in chunk order.
// plan_rows:    P_ij = u_i K_ij v_j (or exp((f_i + g_j − C_ij)/reg)) with <C,P>, row sums and
//               column partials, in double.
//
// Numerics: dot products accumulate in T per lane, then in a fixed lane order (hsum); a
// zero weight gives u_i = 0 exactly (its row is skipped); s_i = 0 with a_i > 0 (a row that
// underflowed entirely) or a non-finite u_i is reported through *bad.

#include "kernels/lse-inl.h"  // cost_tile (online costs), in this level's namespace

template <class T>
static void kernel_rows(const T* C, std::size_t m, const T* alpha, const T* beta, double reg, const T* u,
                        std::size_t lo, std::size_t hi, T* K, T* part) {
  typedef typename VecOf<T>::type V;
  constexpr std::size_t W = VecOf<T>::lanes;
  const T r = T(reg);
  for (std::size_t i = lo; i < hi; ++i) {
    const T* row = C + i * m;
    T* krow = K + i * m;
    const T ai = alpha ? alpha[i] : T(0);
    std::size_t j = 0;
    const V va = vsplat<V>(ai), vr = vsplat<V>(r);
    for (; j + W <= m; j += W) {
      V bj = beta ? vload<V>(beta + j) : vsplat<V>(T(0));
      vstore(krow + j, vexp((va + bj - vload<V>(row + j)) / vr));
    }
    for (; j < m; ++j) krow[j] = sexp<T>((ai + (beta ? beta[j] : T(0)) - row[j]) / r);
    if (part && u) {
      const T ui = u[i];
      if (ui == T(0)) continue;
      const V vu = vsplat<V>(ui);
      j = 0;
      for (; j + W <= m; j += W) vstore(part + j, vload<V>(part + j) + vload<V>(krow + j) * vu);
      for (; j < m; ++j) part[j] += krow[j] * ui;
    }
  }
}

// Subnormal kernel entries (exp(−C/reg) between the smallest normal and the smallest
// subnormal: a whole band of a float32 K at reg 0.01) make every multiply take a microcode
// assist, several times slower. The sweep runs with flush-to-zero / denormals-are-zero: a
// subnormal entry counts as 0, a relative change below 2^-126 (float) / 2^-1022 (double) of the
// row's largest term unless the row is itself at the edge of underflow (auto avoids that range).
struct FlushDenormals {
#if defined(__x86_64__) || defined(__i386__)
  unsigned saved;
  FlushDenormals() : saved(_mm_getcsr()) { _mm_setcsr(saved | 0x8040); }  // FTZ | DAZ
  ~FlushDenormals() { _mm_setcsr(saved); }
#endif
};

template <class T>
static void fused_rows(const T* K, std::size_t m, const T* v, const T* a, std::size_t lo, std::size_t hi, T* u,
                       T* part, int* bad) {
  typedef typename VecOf<T>::type V;
  constexpr std::size_t W = VecOf<T>::lanes;
  const std::size_t mv = m / W * W;
  FlushDenormals ftz;
  std::size_t i = lo;
  for (; i + 4 <= hi; i += 4) {
    const T* r0 = K + i * m;
    const T* r1 = r0 + m;
    const T* r2 = r1 + m;
    const T* r3 = r2 + m;
    V s0 = vsplat<V>(T(0)), s1 = s0, s2 = s0, s3 = s0;
    for (std::size_t j = 0; j < mv; j += W) {
      const V vj = vload<V>(v + j);
      s0 += vload<V>(r0 + j) * vj;
      s1 += vload<V>(r1 + j) * vj;
      s2 += vload<V>(r2 + j) * vj;
      s3 += vload<V>(r3 + j) * vj;
    }
    T t[4] = {hsum<T>(s0), hsum<T>(s1), hsum<T>(s2), hsum<T>(s3)};
    for (std::size_t j = mv; j < m; ++j) {
      t[0] += r0[j] * v[j];
      t[1] += r1[j] * v[j];
      t[2] += r2[j] * v[j];
      t[3] += r3[j] * v[j];
    }
    T uu[4];
    for (int k = 0; k < 4; ++k) {
      const T ak = a[i + k];
      T uk = ak == T(0) ? T(0) : ak / t[k];
      if (!(uk - uk == T(0))) *bad = 1;  // inf (s = 0) or NaN
      uu[k] = uk;
      u[i + k] = uk;
    }
    const V u0 = vsplat<V>(uu[0]), u1 = vsplat<V>(uu[1]), u2 = vsplat<V>(uu[2]), u3 = vsplat<V>(uu[3]);
    for (std::size_t j = 0; j < mv; j += W) {
      V p = vload<V>(part + j);
      p += vload<V>(r0 + j) * u0;
      p += vload<V>(r1 + j) * u1;
      p += vload<V>(r2 + j) * u2;
      p += vload<V>(r3 + j) * u3;
      vstore(part + j, p);
    }
    for (std::size_t j = mv; j < m; ++j) part[j] += r0[j] * uu[0] + r1[j] * uu[1] + r2[j] * uu[2] + r3[j] * uu[3];
  }
  for (; i < hi; ++i) {
    const T* r0 = K + i * m;
    V s0 = vsplat<V>(T(0));
    for (std::size_t j = 0; j < mv; j += W) s0 += vload<V>(r0 + j) * vload<V>(v + j);
    T t = hsum<T>(s0);
    for (std::size_t j = mv; j < m; ++j) t += r0[j] * v[j];
    const T ai = a[i];
    T ui = ai == T(0) ? T(0) : ai / t;
    if (!(ui - ui == T(0))) *bad = 1;
    u[i] = ui;
    if (ui == T(0)) continue;
    const V u0 = vsplat<V>(ui);
    for (std::size_t j = 0; j < mv; j += W) vstore(part + j, vload<V>(part + j) + vload<V>(r0 + j) * u0);
    for (std::size_t j = mv; j < m; ++j) part[j] += r0[j] * ui;
  }
}

// Fused log-domain sweep (dense C), rows [lo, hi): both half-steps in one pass over C.
// With g just updated from f (so Σ_i exp((f_i + g_j − C_ij)/eps) = b_j), every term of
//   r_i = Σ_j exp((f_i + g_j − C_ij)/eps)
// is ≤ b_j: no overflow, and f_i ← f_i + eps(log a_i − log r_i) is POT's
// f_i = eps(log a_i − LSE_j((g_j − C_ij)/eps)) without a max pass. After the update each row of
// exp((f_i + g_j − C_ij)/eps) sums to a_i, so the column sums accumulated into part (the next
// g update and the marginal error) are bounded too. A row whose r_i leaves [tiny, huge] (far
// from converged, or underflow) is redone with the max-shifted LSE. One exp per element per
// half-step, C streamed once per iteration (the row is re-read from cache).
template <class T>
static void log_fused_rows(const T* C, std::size_t m, const T* g, const double* loga, double eps, std::size_t lo,
                           std::size_t hi, T* f, T* part, int* bad) {
  typedef typename VecOf<T>::type V;
  constexpr std::size_t W = VecOf<T>::lanes;
  const std::size_t mv = m / W * W;
  // Terms in base 2: 2^((f + g − C)·log2e/eps) with vexp2_lse (arguments ≤ 0 up to rounding, as
  // bounded above; its floor of 2^-1021 / 2^-126 per term is far below the tiny threshold).
  const T k2 = T(kLog2e / eps);
  const V vk = vsplat<V>(k2);
  const double tiny = sizeof(T) == 4 ? 1e-30 : 1e-280, huge = sizeof(T) == 4 ? 1e30 : 1e280;
  for (std::size_t i = lo; i < hi; ++i) {
    if (loga[i] == -__builtin_inf()) { f[i] = T(-__builtin_inf()); continue; }
    const T* row = C + i * m;
    double fi = double(f[i]);
    bool exact = !(fi - fi == 0);
    if (!exact) {
      const V vf = vsplat<V>(T(fi));
      V acc0 = vsplat<V>(T(0)), acc1 = acc0;
      std::size_t j = 0;
      for (; j + 2 * W <= mv; j += 2 * W) {
        acc0 += vexp2_lse((vf + vload<V>(g + j) - vload<V>(row + j)) * vk);
        acc1 += vexp2_lse((vf + vload<V>(g + j + W) - vload<V>(row + j + W)) * vk);
      }
      for (; j < mv; j += W) acc0 += vexp2_lse((vf + vload<V>(g + j) - vload<V>(row + j)) * vk);
      double r = double(hsum<T>(acc0 + acc1));
      for (; j < m; ++j) r += std::exp2((double(fi) + double(g[j]) - double(row[j])) * (kLog2e / eps));
      if (r > tiny && r < huge) fi = fi + eps * (loga[i] - std::log(r));
      else exact = true;
    }
    if (exact) {  // max-shifted LSE of (g_j − C_ij)/eps (rare: far from converged or underflow)
      double mx = -__builtin_inf();
      for (std::size_t j = 0; j < m; ++j) mx = std::max(mx, (double(g[j]) - double(row[j])) / eps);
      double r = 0;
      if (mx > -__builtin_inf())
        for (std::size_t j = 0; j < m; ++j) r += std::exp((double(g[j]) - double(row[j])) / eps - mx);
      fi = eps * (loga[i] - (mx + std::log(r)));
    }
    const T ft = T(fi);
    f[i] = ft;
    if (!(ft - ft == T(0))) { *bad = 1; continue; }
    const V vf = vsplat<V>(ft);
    std::size_t j = 0;
    for (; j < mv; j += W) vstore(part + j, vload<V>(part + j) + vexp2_lse((vf + vload<V>(g + j) - vload<V>(row + j)) * vk));
    for (; j < m; ++j) part[j] += T(std::exp2((double(ft) + double(g[j]) - double(row[j])) * (kLog2e / eps)));
  }
}

// Plan statistics for rows [lo, hi). Mode K: P_ij = u_i K_ij v_j. Mode potentials (K null):
// P_ij = exp((f_i + g_j − C_ij)/reg). Writes P into plan when non-null. cost += Σ P C (double),
// rows[i] = Σ_j P_ij, colpart[j] += P_ij (double).
template <class T>
static void plan_rows(const T* C, std::size_t m, const T* K, const T* u, const T* v, const T* f, const T* g,
                      double reg, std::size_t lo, std::size_t hi, T* plan, double* cost, double* rows,
                      double* colpart) {
  typedef typename VecOf<T>::type V;
  constexpr std::size_t W = VecOf<T>::lanes;
  alignas(64) T buf[W];
  const T r = T(reg);
  double c = 0;
  for (std::size_t i = lo; i < hi; ++i) {
    const T* crow = C + i * m;
    double rs = 0;
    std::size_t j = 0;
    if (std::is_same<T, double>::value) {
      // float64: vector accumulators (sums already in double); float32 keeps the scalar double sums.
      V vrs = vsplat<V>(T(0)), vc = vrs;
      for (; j + W <= m; j += W) {
        V p;
        if (K) p = vsplat<V>(u[i]) * vload<V>(K + i * m + j) * vload<V>(v + j);
        else p = vexp((vsplat<V>(f[i]) + vload<V>(g + j) - vload<V>(crow + j)) / vsplat<V>(r));
        vrs += p;
        vc += p * vload<V>(crow + j);
        double* cp = colpart + j;
        for (std::size_t l = 0; l < W; ++l) cp[l] += double(p[l]);
        if (plan) vstore(plan + i * m + j, p);
      }
      rs = double(hsum<T>(vrs));
      c += double(hsum<T>(vc));
    }
    for (; j < m; j += W) {
      const std::size_t len = std::min<std::size_t>(W, m - j);
      if (len == W) {
        V p;
        if (K) p = vsplat<V>(u[i]) * vload<V>(K + i * m + j) * vload<V>(v + j);
        else p = vexp((vsplat<V>(f[i]) + vload<V>(g + j) - vload<V>(crow + j)) / vsplat<V>(r));
        vstore(buf, p);
      } else {
        for (std::size_t l = 0; l < len; ++l)
          buf[l] = K ? u[i] * K[i * m + j + l] * v[j + l] : sexp<T>((f[i] + g[j + l] - crow[j + l]) / r);
      }
      for (std::size_t l = 0; l < len; ++l) {
        const double p = buf[l];
        rs += p;
        if (p != 0) c += p * double(crow[j + l]);
        colpart[j + l] += p;
      }
      if (plan) std::memcpy(plan + i * m + j, buf, len * sizeof(T));
    }
    rows[i] = rs;
  }
  *cost += c;
}

// Online plan statistics for rows [lo, hi): rows[i] = Σ_j P_ij and cost += Σ_j P_ij c_ij with
// P_ij = exp((f_i + g_j − c(x_i, y_j))/reg), costs recomputed per tile (g padded with −inf).
template <class T>
static void online_stats_rows(const T* x, const T* yT, std::size_t ldy, std::size_t m, std::size_t d, MetricSpec ms,
                              const T* xnorm, const T* ynorm, const T* f, const T* g, double reg, std::size_t lo,
                              std::size_t hi, double* rows, double* cost) {
  typedef typename VecOf<T>::type V;
  constexpr std::size_t W = VecOf<T>::lanes;
  alignas(64) T buf[kTile + W], pb[kTile + W];
  const V vr = vsplat<V>(T(reg));
  double c = 0;
  for (std::size_t i = lo; i < hi; ++i) {
    double rs = 0;
    if (f[i] == -__builtin_inf()) { rows[i] = 0; continue; }
    const V vf = vsplat<V>(f[i]);
    for (std::size_t j0 = 0; j0 < m; j0 += kTile) {
      const std::size_t len = std::min(kTile, m - j0);
      const std::size_t padded = (len + W - 1) / W * W;
      cost_tile(x + i * d, yT, ldy, d, j0, len, ms, ynorm, xnorm ? xnorm[i] : T(0), buf);
      for (std::size_t j = 0; j < padded; j += W) {
        const V cj = vload<V>(buf + j);
        const V p = vexp((vf + vload<V>(g + j0 + j) - cj) / vr);
        vstore(pb + j, p);
      }
      for (std::size_t j = 0; j < len; ++j) {
        const double p = pb[j];
        rs += p;
        if (p != 0) c += p * double(buf[j]);
      }
    }
    rows[i] = rs;
  }
  *cost += c;
}
