// particles-inl.h: pair kernels of the particle fields, for one SIMD level (levels-inl.h).
//
// - mmd_row: for one particle x_i against a cloud y (transposed, padded: yT[k*ldy + j], weights b
//   zero in the padding) returns S0 = Σ_j b_j φ(r²_ij) and S_k = Σ_j b_j φ(r²_ij) y_jk, so that
//   Σ_j b_j ∇_1 k(x_i, y_j) = x_i S0 − S (∇_1 k(x, y) = φ(|x−y|²)(x − y)). With `values` it
//   returns Σ_j b_j k(r²_ij) in S0 instead (energies). Tiles of kTileP pairs in L1; the tile
//   sums are in T, the running sums across tiles in double.
// - post_row: online softmax over K atoms of s_k = lw_k − h_k |z − C_k|² (C transposed), returning
//   Σ_k p_k vals_k (vals K×dv, row-major). Same (max, sum) merge as the engine's LSE kernels.
// - attn_rows: flash-attention-style block of rows (queries q, keys kT transposed, values v),
//   score β<q_i, k_j> + lw_j, online softmax in blocks of kTileA keys, O((n+m)·d) memory.

static constexpr std::size_t kTileP = 256;

// Every exp in this family has an argument <= 0: vexp_neg (vec-inl.h).
static constexpr std::size_t kTileA = 128;

// u^q for u > 0; fast paths when 2q is an integer (p = 1 energy, Riesz s odd/even), else pow.
template <class V, class T> static inline V pvpow(V u, double q) {
  const double tq = 2 * q;
  if (tq == std::floor(tq) && std::fabs(tq) <= 16) {
    const int iq = int(std::fabs(tq));
    V r = vsplat<V>(T(1));
    for (int k = 0; k < iq / 2; ++k) r *= u;
    if (iq & 1) r *= vsqrt(u);
    return tq < 0 ? vsplat<V>(T(1)) / r : r;
  }
  for (int k = 0; k < int(sizeof(V) / sizeof(T)); ++k) u[k] = T(std::pow(double(u[k]), q));
  return u;
}

// MmdKernel (kind, sigma, p, eps, s) is defined by the family TU, outside the level namespaces.

// φ(r²) (values = false) or k(r²) (values = true) for a vector of squared distances.
template <class V, class T> static inline V mmd_phi(V r2, const MmdKernel& K, bool values) {
  switch (K.kind) {
    case 0: {
      const V e = vexp_neg(r2 * T(-0.5 / (K.sigma * K.sigma)));
      return values ? e : e * T(-1.0 / (K.sigma * K.sigma));
    }
    case 1: {
      const V u = r2 + T(K.eps);
      if (values) return -pvpow<V, T>(u, K.p / 2);
      return pvpow<V, T>(u, K.p / 2 - 1) * T(-K.p);
    }
    case 2: {
      const V rho = vsqrt(r2 + T(K.eps));
      const V e = vexp_neg(rho * T(-1.0 / K.sigma));
      return values ? e : -e / (rho * T(K.sigma));
    }
    default: {
      const V u = r2 + T(K.eps);
      if (K.s == 0) {
        if (values) {
          V o = u;
          for (int k = 0; k < int(sizeof(V) / sizeof(T)); ++k) o[k] = T(-0.5 * std::log(double(u[k])));
          return o;
        }
        return vsplat<V>(T(-1)) / u;
      }
      if (values) return pvpow<V, T>(u, -K.s / 2);
      return pvpow<V, T>(u, -K.s / 2 - 1) * T(-K.s);
    }
  }
}

// Single pass for small d: the D + 1 sums stay in registers (two vector accumulators each, so
// the exp latency of consecutive vectors overlaps).
template <class T, int D, bool VALUES>
static void mmd_row_small(const T* xi, const T* yT, std::size_t ldy, std::size_t m, const T* b, const MmdKernel& K,
                          double* S) {
  typedef typename VecOf<T>::type V;
  constexpr std::size_t W = VecOf<T>::lanes;
  V xs[D];
  for (int k = 0; k < D; ++k) xs[k] = vsplat<V>(xi[k]);
  for (int k = 0; k <= D; ++k) S[k] = 0;
  const std::size_t padded = (m + W - 1) / W * W;
  for (std::size_t j0 = 0; j0 < padded; j0 += kTileP) {
    const std::size_t end = std::min(padded, j0 + kTileP);
    V acc[2][D + 1];
    for (int h = 0; h < 2; ++h)
      for (int k = 0; k <= D; ++k) acc[h][k] = vsplat<V>(T(0));
    std::size_t j = j0;
    for (; j + 2 * W <= end; j += 2 * W) {
      for (int h = 0; h < 2; ++h) {
        const std::size_t jj = j + std::size_t(h) * W;
        V yk[D];
        V r2 = vsplat<V>(T(0));
        for (int k = 0; k < D; ++k) {
          yk[k] = vload<V>(yT + std::size_t(k) * ldy + jj);
          const V df = xs[k] - yk[k];
          r2 += df * df;
        }
        const V w = vload<V>(b + jj) * mmd_phi<V, T>(r2, K, VALUES);
        acc[h][0] += w;
        if (!VALUES)
          for (int k = 0; k < D; ++k) acc[h][k + 1] += w * yk[k];
      }
    }
    for (; j < end; j += W) {
      V yk[D];
      V r2 = vsplat<V>(T(0));
      for (int k = 0; k < D; ++k) {
        yk[k] = vload<V>(yT + std::size_t(k) * ldy + j);
        const V df = xs[k] - yk[k];
        r2 += df * df;
      }
      const V w = vload<V>(b + j) * mmd_phi<V, T>(r2, K, VALUES);
      acc[0][0] += w;
      if (!VALUES)
        for (int k = 0; k < D; ++k) acc[0][k + 1] += w * yk[k];
    }
    for (int k = 0; k <= D; ++k) S[k] += hsum<T>(acc[0][k] + acc[1][k]);
  }
}

// S[0..d] as described above; S has d + 1 entries.
template <class T>
static void mmd_row(const T* xi, const T* yT, std::size_t ldy, std::size_t m, std::size_t d, const T* b,
                    const MmdKernel& K, bool values, double* S) {
  switch (d) {
    case 1: return values ? mmd_row_small<T, 1, true>(xi, yT, ldy, m, b, K, S) : mmd_row_small<T, 1, false>(xi, yT, ldy, m, b, K, S);
    case 2: return values ? mmd_row_small<T, 2, true>(xi, yT, ldy, m, b, K, S) : mmd_row_small<T, 2, false>(xi, yT, ldy, m, b, K, S);
    case 3: return values ? mmd_row_small<T, 3, true>(xi, yT, ldy, m, b, K, S) : mmd_row_small<T, 3, false>(xi, yT, ldy, m, b, K, S);
    case 4: return values ? mmd_row_small<T, 4, true>(xi, yT, ldy, m, b, K, S) : mmd_row_small<T, 4, false>(xi, yT, ldy, m, b, K, S);
    default: break;
  }
  typedef typename VecOf<T>::type V;
  constexpr std::size_t W = VecOf<T>::lanes;
  alignas(64) T phi[kTileP];
  for (std::size_t k = 0; k <= d; ++k) S[k] = 0;
  for (std::size_t j0 = 0; j0 < m; j0 += kTileP) {
    const std::size_t len = std::min(kTileP, m - j0);
    const std::size_t padded = (len + W - 1) / W * W;
    V s0 = vsplat<V>(T(0));
    for (std::size_t j = 0; j < padded; j += W) {
      V r2 = vsplat<V>(T(0));
      for (std::size_t k = 0; k < d; ++k) {
        const V df = vsplat<V>(xi[k]) - vload<V>(yT + k * ldy + j0 + j);
        r2 += df * df;
      }
      const V w = vload<V>(b + j0 + j) * mmd_phi<V, T>(r2, K, values);
      s0 += w;
      vstore(phi + j, w);
    }
    S[0] += hsum<T>(s0);
    if (values) continue;
    for (std::size_t k = 0; k < d; ++k) {
      V sk = vsplat<V>(T(0));
      const T* yk = yT + k * ldy + j0;
      for (std::size_t j = 0; j < padded; j += W) sk += vload<V>(phi + j) * vload<V>(yk + j);
      S[k + 1] += hsum<T>(sk);
    }
  }
}

// out[0..dv) = Σ_k p_k vals_k with p = softmax(lw_k − h_k |z − C_k|²). CT is d×ldk, lw padded
// with -inf and h with 0. Returns false if every score is -inf (out = 0).
template <class T>
static bool post_row(const T* z, const T* CT, std::size_t ldk, std::size_t K, std::size_t d, const T* lw,
                     const T* h, const T* vals, std::size_t dv, double* out) {
  typedef typename VecOf<T>::type V;
  constexpr std::size_t W = VecOf<T>::lanes;
  alignas(64) T buf[kTileP];
  double mrun = -__builtin_inf(), s = 0;
  for (std::size_t k = 0; k < dv; ++k) out[k] = 0;
  for (std::size_t j0 = 0; j0 < K; j0 += kTileP) {
    const std::size_t len = std::min(kTileP, K - j0);
    const std::size_t padded = (len + W - 1) / W * W;
    V vm = vsplat<V>(T(-__builtin_inf()));
    for (std::size_t j = 0; j < padded; j += W) {
      V r2 = vsplat<V>(T(0));
      for (std::size_t k = 0; k < d; ++k) {
        const V df = vsplat<V>(z[k]) - vload<V>(CT + k * ldk + j0 + j);
        r2 += df * df;
      }
      const V sc = vload<V>(lw + j0 + j) - vload<V>(h + j0 + j) * r2;
      vm = vmax(sc, vm);
      vstore(buf + j, sc);
    }
    const T tm = hmax<T>(vm);
    if (!(tm > -__builtin_inf())) continue;
    if (tm > mrun) {
      const double f = std::exp(mrun - double(tm));
      s *= f;
      for (std::size_t k = 0; k < dv; ++k) out[k] *= f;
      mrun = tm;
    }
    const V mm = vsplat<V>(T(mrun));
    for (std::size_t j = 0; j < padded; j += W) vstore(buf + j, vexp_neg(vload<V>(buf + j) - mm));
    for (std::size_t j = 0; j < len; ++j) {
      const double w = buf[j];
      if (w == 0) continue;
      s += w;
      const T* vj = vals + (j0 + j) * dv;
      for (std::size_t k = 0; k < dv; ++k) out[k] += w * double(vj[k]);
    }
  }
  if (!(s > 0)) {
    for (std::size_t k = 0; k < dv; ++k) out[k] = 0;
    return false;
  }
  for (std::size_t k = 0; k < dv; ++k) out[k] /= s;
  return true;
}

// Barycentre of the centres: out[0..D) = Σ_k p_k C_k with p = softmax(lw_k − h·|z − C_k|²), C
// transposed (D×ldk, lw padded with -inf). Online over tiles; the sums stay in vectors (small D).
template <class T, int D>
static void bary_row(const T* z, const T* CT, std::size_t ldk, std::size_t K, const T* lw, T h, double* out) {
  typedef typename VecOf<T>::type V;
  constexpr std::size_t W = VecOf<T>::lanes;
  alignas(64) T buf[kTileP];
  V zs[D];
  for (int k = 0; k < D; ++k) zs[k] = vsplat<V>(z[k]);
  double mrun = -__builtin_inf(), s = 0, acc[D];
  for (int k = 0; k < D; ++k) acc[k] = 0;
  const V hv = vsplat<V>(h);
  for (std::size_t j0 = 0; j0 < K; j0 += kTileP) {
    const std::size_t len = std::min(kTileP, K - j0);
    const std::size_t padded = (len + W - 1) / W * W;
    V vm = vsplat<V>(T(-__builtin_inf()));
    for (std::size_t j = 0; j < padded; j += W) {
      V r2 = vsplat<V>(T(0));
      for (int k = 0; k < D; ++k) {
        const V df = zs[k] - vload<V>(CT + std::size_t(k) * ldk + j0 + j);
        r2 += df * df;
      }
      const V sc = vload<V>(lw + j0 + j) - hv * r2;
      vm = vmax(sc, vm);
      vstore(buf + j, sc);
    }
    const T tm = hmax<T>(vm);
    if (!(tm > -__builtin_inf())) continue;
    if (tm > mrun) {
      const double f = std::exp(mrun - double(tm));
      s *= f;
      for (int k = 0; k < D; ++k) acc[k] *= f;
      mrun = tm;
    }
    const V mm = vsplat<V>(T(mrun));
    V vs = vsplat<V>(T(0)), va[D];
    for (int k = 0; k < D; ++k) va[k] = vsplat<V>(T(0));
    for (std::size_t j = 0; j < padded; j += W) {
      const V e = vexp_neg(vload<V>(buf + j) - mm);
      vs += e;
      for (int k = 0; k < D; ++k) va[k] += e * vload<V>(CT + std::size_t(k) * ldk + j0 + j);
    }
    s += hsum<T>(vs);
    for (int k = 0; k < D; ++k) acc[k] += hsum<T>(va[k]);
  }
  for (int k = 0; k < D; ++k) out[k] = s > 0 ? acc[k] / s : 0;
}

// Register-blocked flash attention for dv a multiple of NVB·W: R query rows at a time; per key
// tile the scores are an R×JV-vector micro-GEMM (keys along lanes), the softmax update is online
// per row, and P·V runs over the output in slabs of NVB vectors, keeping R×NVB accumulators in
// registers while streaming the V rows of the tile (L1-resident) once per slab.
template <class T, int R, int NVB>
static void attn_rows_blocked(const T* q, std::size_t r, const T* kT, std::size_t ldk, std::size_t m,
                              const T* lw, const T* v, std::size_t dv, T beta, std::size_t lo, std::size_t hi,
                              T* out) {
  typedef typename VecOf<T>::type V;
  constexpr std::size_t W = VecOf<T>::lanes;
  constexpr int JV = (ADVECT_VBYTES == 64) ? 4 : 2;
  alignas(64) T sc[R][kTileA];
  std::vector<T> accv(dv * std::size_t{R});
  T* acc = accv.data();
  for (std::size_t i0 = lo; i0 < hi; i0 += R) {
    const std::size_t nr = std::min<std::size_t>(R, hi - i0);
    T mrun[R], srun[R];
    const T* qa[R];
    for (int a = 0; a < R; ++a) {
      mrun[a] = -__builtin_inf();
      srun[a] = 0;
      qa[a] = q + (i0 + std::min<std::size_t>(std::size_t(a), nr - 1)) * r;
    }
    std::fill(accv.begin(), accv.end(), T(0));
    for (std::size_t j0 = 0; j0 < m; j0 += kTileA) {
      const std::size_t len = std::min(kTileA, m - j0);
      const std::size_t padded = (len + W - 1) / W * W;
      std::size_t j = 0;
      for (; j + JV * W <= padded; j += JV * W) {
        V s[R][JV];
        for (int a = 0; a < R; ++a)
          for (int u = 0; u < JV; ++u) s[a][u] = vsplat<V>(T(0));
        const T* kb = kT + j0 + j;
        for (std::size_t k = 0; k < r; ++k) {
          V kk[JV];
          for (int u = 0; u < JV; ++u) kk[u] = vload<V>(kb + k * ldk + u * W);
          for (int a = 0; a < R; ++a) {
            const V qb = vsplat<V>(qa[a][k]);
            for (int u = 0; u < JV; ++u) s[a][u] += qb * kk[u];
          }
        }
        for (int u = 0; u < JV; ++u) {
          const V l = vload<V>(lw + j0 + j + u * W);
          for (int a = 0; a < R; ++a) vstore(sc[a] + j + u * W, s[a][u] * beta + l);
        }
      }
      for (; j < padded; j += W) {
        V s[R];
        for (int a = 0; a < R; ++a) s[a] = vsplat<V>(T(0));
        for (std::size_t k = 0; k < r; ++k) {
          const V kk = vload<V>(kT + k * ldk + j0 + j);
          for (int a = 0; a < R; ++a) s[a] += vsplat<V>(qa[a][k]) * kk;
        }
        const V l = vload<V>(lw + j0 + j);
        for (int a = 0; a < R; ++a) vstore(sc[a] + j, s[a] * beta + l);
      }
      for (std::size_t a = 0; a < R; ++a) {
        if (a >= nr) {
          for (std::size_t jj = 0; jj < padded; ++jj) sc[a][jj] = 0;
          continue;
        }
        V vm = vsplat<V>(T(-__builtin_inf()));
        for (std::size_t jj = 0; jj < padded; jj += W) vm = vmax(vload<V>(sc[a] + jj), vm);
        const T tm = hmax<T>(vm);
        if (!(tm > -__builtin_inf())) {
          for (std::size_t jj = 0; jj < padded; ++jj) sc[a][jj] = 0;
          continue;
        }
        if (tm > mrun[a]) {
          const T f = sexp<T>(mrun[a] - tm);
          srun[a] *= f;
          for (std::size_t k = 0; k < dv; ++k) acc[a * dv + k] *= f;
          mrun[a] = tm;
        }
        const V mm = vsplat<V>(mrun[a]);
        V vs = vsplat<V>(T(0));
        for (std::size_t jj = 0; jj < padded; jj += W) {
          const V e = vexp_neg(vload<V>(sc[a] + jj) - mm);
          vs += e;
          vstore(sc[a] + jj, e);
        }
        srun[a] += hsum<T>(vs);
      }
      for (std::size_t u0 = 0; u0 < dv; u0 += std::size_t(NVB) * W) {
        V ac[R][NVB];
        for (int a = 0; a < R; ++a)
          for (int u = 0; u < NVB; ++u) ac[a][u] = vload<V>(acc + a * dv + u0 + u * W);
        for (std::size_t jj = 0; jj < len; ++jj) {
          const T* vj = v + (j0 + jj) * dv + u0;
          V vv[NVB];
          for (int u = 0; u < NVB; ++u) vv[u] = vload<V>(vj + u * W);
          for (int a = 0; a < R; ++a) {
            const V p = vsplat<V>(sc[a][jj]);
            for (int u = 0; u < NVB; ++u) ac[a][u] += p * vv[u];
          }
        }
        for (int a = 0; a < R; ++a)
          for (int u = 0; u < NVB; ++u) vstore(acc + a * dv + u0 + u * W, ac[a][u]);
      }
    }
    for (std::size_t a = 0; a < nr; ++a) {
      T* oi = out + (i0 + a) * dv;
      const T inv = srun[a] > 0 ? T(1) / srun[a] : T(0);
      for (std::size_t k = 0; k < dv; ++k) oi[k] += acc[a * dv + k] * inv;
    }
  }
}

// Flash-attention block: rows [lo, hi) of out (n×dv) += Σ_j softmax_j(beta<q_i,k_j> + lw_j) v_j.
// q: n×r row-major; kT: r×ldk (keys transposed, zero padded); lw: ldk (padding -inf);
// v: m×dv row-major. Uses the register-blocked kernel when dv is 1, 2, 4 or 8 vectors;
// otherwise queries are processed kRowsA at a time so each key tile is reused.
static constexpr std::size_t kRowsA = 4;
template <class T>
static void attn_rows_generic(const T* q, std::size_t r, const T* kT, std::size_t ldk, std::size_t m, const T* lw,
                      const T* v, std::size_t dv, T beta, std::size_t lo, std::size_t hi, T* out) {
  typedef typename VecOf<T>::type V;
  constexpr std::size_t W = VecOf<T>::lanes;
  alignas(64) T sc[kRowsA][kTileA];
  std::vector<T> acc(kRowsA * dv);
  for (std::size_t i0 = lo; i0 < hi; i0 += kRowsA) {
    const std::size_t nr = std::min(kRowsA, hi - i0);
    T mrun[kRowsA], srun[kRowsA];
    for (std::size_t a = 0; a < kRowsA; ++a) { mrun[a] = -__builtin_inf(); srun[a] = 0; }
    std::fill(acc.begin(), acc.end(), T(0));
    for (std::size_t j0 = 0; j0 < m; j0 += kTileA) {
      const std::size_t len = std::min(kTileA, m - j0);
      const std::size_t padded = (len + W - 1) / W * W;
      // scores for nr rows × padded keys
      for (std::size_t j = 0; j < padded; j += W) {
        V s[kRowsA];
        for (std::size_t a = 0; a < kRowsA; ++a) s[a] = vsplat<V>(T(0));
        for (std::size_t k = 0; k < r; ++k) {
          const V kk = vload<V>(kT + k * ldk + j0 + j);
          for (std::size_t a = 0; a < kRowsA; ++a) s[a] += vsplat<V>(q[(i0 + (a < nr ? a : 0)) * r + k]) * kk;
        }
        const V l = vload<V>(lw + j0 + j);
        for (std::size_t a = 0; a < kRowsA; ++a) vstore(sc[a] + j, s[a] * beta + l);
      }
      for (std::size_t a = 0; a < nr; ++a) {
        V vm = vsplat<V>(T(-__builtin_inf()));
        for (std::size_t j = 0; j < padded; j += W) vm = vmax(vload<V>(sc[a] + j), vm);
        const T tm = hmax<T>(vm);
        if (!(tm > -__builtin_inf())) {
          for (std::size_t j = 0; j < padded; ++j) sc[a][j] = 0;
          continue;
        }
        if (tm > mrun[a]) {
          const T f = sexp<T>(mrun[a] - tm);
          srun[a] *= f;
          T* ac = acc.data() + a * dv;
          for (std::size_t k = 0; k < dv; ++k) ac[k] *= f;
          mrun[a] = tm;
        }
        const V mm = vsplat<V>(mrun[a]);
        V vs = vsplat<V>(T(0));
        for (std::size_t j = 0; j < padded; j += W) {
          const V e = vexp_neg(vload<V>(sc[a] + j) - mm);
          vs += e;
          vstore(sc[a] + j, e);
        }
        srun[a] += hsum<T>(vs);
      }
      // acc[a] += Σ_j p_aj v_j  (vectorised over dv)
      for (std::size_t j = 0; j < len; ++j) {
        const T* vj = v + (j0 + j) * dv;
        for (std::size_t a = 0; a < nr; ++a) {
          const T p = sc[a][j];
          T* ac = acc.data() + a * dv;
          std::size_t k = 0;
          for (; k + W <= dv; k += W) vstore(ac + k, vload<V>(ac + k) + vsplat<V>(p) * vload<V>(vj + k));
          for (; k < dv; ++k) ac[k] += p * vj[k];
        }
      }
    }
    for (std::size_t a = 0; a < nr; ++a) {
      T* oi = out + (i0 + a) * dv;
      const T* ac = acc.data() + a * dv;
      const T inv = srun[a] > 0 ? T(1) / srun[a] : T(0);
      for (std::size_t k = 0; k < dv; ++k) oi[k] += ac[k] * inv;
    }
  }
}

template <class T>
static void attn_rows(const T* q, std::size_t r, const T* kT, std::size_t ldk, std::size_t m, const T* lw,
                      const T* v, std::size_t dv, T beta, std::size_t lo, std::size_t hi, T* out) {
  constexpr std::size_t W = VecOf<T>::lanes;
  // 32 vector registers (AVX-512): 6 rows × 4 output vectors; 16 (AVX2, SSE): 4 rows × 2.
  constexpr bool wide = ADVECT_VBYTES == 64;
  if (dv % W == 0) {
    const std::size_t NV = dv / W;
    if (NV == 1) return attn_rows_blocked<T, wide ? 8 : 6, 1>(q, r, kT, ldk, m, lw, v, dv, beta, lo, hi, out);
    if (NV == 2 || (!wide && NV % 2 == 0)) return attn_rows_blocked<T, wide ? 8 : 4, 2>(q, r, kT, ldk, m, lw, v, dv, beta, lo, hi, out);
    if (NV % 4 == 0) return attn_rows_blocked<T, 6, 4>(q, r, kT, ldk, m, lw, v, dv, beta, lo, hi, out);
    if (NV % 2 == 0) return attn_rows_blocked<T, wide ? 8 : 4, 2>(q, r, kT, ldk, m, lw, v, dv, beta, lo, hi, out);
    return attn_rows_blocked<T, wide ? 8 : 6, 1>(q, r, kT, ldk, m, lw, v, dv, beta, lo, hi, out);
  }
  attn_rows_generic(q, r, kT, ldk, m, lw, v, dv, beta, lo, hi, out);
}
