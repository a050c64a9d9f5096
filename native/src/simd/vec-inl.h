// vec-inl.h: explicit SIMD vectors (GCC/clang vector extensions) and the vector exp.
//
// Included once per SIMD level, inside that level's `#pragma GCC target` region and its own
// internal-linkage namespace (see levels-inl.h). ADVECT_VBYTES is the vector width in bytes:
// 16 (baseline x86-64, SSE2: the "scalar" level), 32 (avx2+fma) or 64 (avx512f/dq/vl/bw).
//
// Everything here is `static inline`: no symbol may escape a target region (numpy#25274).

typedef double vd __attribute__((vector_size(ADVECT_VBYTES)));
typedef float vf __attribute__((vector_size(ADVECT_VBYTES)));
typedef long long vi64 __attribute__((vector_size(ADVECT_VBYTES)));
typedef unsigned long long vu64 __attribute__((vector_size(ADVECT_VBYTES)));
typedef int vi32 __attribute__((vector_size(ADVECT_VBYTES)));
typedef unsigned int vu32 __attribute__((vector_size(ADVECT_VBYTES)));

template <class T> struct VecOf;
template <> struct VecOf<double> { typedef vd type; static constexpr int lanes = ADVECT_VBYTES / 8; };
template <> struct VecOf<float> { typedef vf type; static constexpr int lanes = ADVECT_VBYTES / 4; };

template <class V> static inline V vload(const void* p) { V v; __builtin_memcpy(&v, p, sizeof(V)); return v; }
template <class V> static inline void vstore(void* p, V v) { __builtin_memcpy(p, &v, sizeof(V)); }
template <class V, class T> static inline V vsplat(T x) { return V{} + x; }
template <class V> static inline V vmax(V a, V b) { return a > b ? a : b; }  // NaN in a -> b
template <class V> static inline V vmin(V a, V b) { return a < b ? a : b; }

// Horizontal reductions in fixed lane order (deterministic).
template <class T, class V> static inline T hsum(V v) {
  T s = 0;
  for (int k = 0; k < int(sizeof(V) / sizeof(T)); ++k) s += v[k];
  return s;
}
template <class T, class V> static inline T hmax(V v) {
  T s = v[0];
  for (int k = 1; k < int(sizeof(V) / sizeof(T)); ++k) s = v[k] > s ? v[k] : s;
  return s;
}

template <class V> static inline V vsqrt(V v) {
  for (int k = 0; k < int(sizeof(V) / sizeof(v[0])); ++k) v[k] = __builtin_sqrt(v[k]);  // vsqrtp[sd]
  return v;
}
template <class V> static inline V vabs(V v) { return v < 0 ? -v : v; }

// ---------------------------------------------------------------------------------------------
// exp. Cody–Waite reduction x = k ln2 + r, |r| <= ln2/2; k by the 1.5*2^52 (float: 1.5*2^23)
// magic-number rounding (no float->int conversion, so it vectorises on every level); a
// polynomial fitted on Chebyshev nodes (degree 11 for float64, fit error 4e-18; degree 6 for
// float32, fit error 1.9e-9). exp_poly returns p ≈ exp(r) and kd, whose low mantissa bits hold k;
// the callers differ only in how they apply 2^k.
static inline vd exp_poly(vd xc, vd& kd) {
  const vd magic = vsplat<vd>(0x1.8p52);
  kd = xc * 1.4426950408889634 + magic;
  const vd k = kd - magic;
  vd r = xc - k * 0.6931471803691238;
  r = r - k * 1.9082149292705877e-10;
  vd p = vsplat<vd>(2.4989491355772433e-8);
  p = p * r + 2.7632264473731366e-7;
  p = p * r + 2.7557638344026342e-6;
  p = p * r + 2.4801486607756640e-5;
  p = p * r + 1.9841269413815111e-4;
  p = p * r + 1.3888888951133485e-3;
  p = p * r + 8.3333333335690971e-3;
  p = p * r + 4.1666666666493154e-2;
  p = p * r + 1.6666666666666148e-1;
  p = p * r + 5.0000000000000176e-1;
  p = p * r + 1.0;
  return p * r + 1.0;
}
static inline vf exp_poly(vf xc, vf& kd) {
  const vf magic = vsplat<vf>(0x1.8p23f);
  kd = xc * 1.44269504f + magic;
  const vf k = kd - magic;
  vf r = xc - k * 0.693145752f;
  r = r - k * 1.42860677e-6f;
  vf p = vsplat<vf>(1.38294206e-3f);
  p = p * r + 8.37477152e-3f;
  p = p * r + 4.16683580e-2f;
  p = p * r + 1.66664208e-1f;
  p = p * r + 4.99999915e-1f;
  p = p * r + 1.00000004f;
  return p * r + 1.0f;
}

// exp over the full range: 2^k is applied as two exponent-bit scales 2^k1 * 2^k2, so gradual
// underflow to subnormals (x down to -745.13 / -103.97) and overflow to +inf (x > 709.78 / 88.72)
// are right. exp(-inf) = 0, exp(+inf) = +inf, NaN propagates.
// Measured max relative error on a dense grid of [-708, 709] (1e7 points, vs long double expl):
// 2.05e-16 on the scalar (SSE2) level, 1.56e-16 on avx2/avx512 (FMA), i.e. about 1 ulp; float32
// on [-87, 88]: 1.11e-7 scalar, 8.9e-8 avx2/avx512.
// Reproduce: npm run test:native-core (native/tests/test_core.cc prints it); tests/exp.test.ts.
static inline vd vexp(vd x) {
  const vd lo = vsplat<vd>(-745.1332191019412), hi = vsplat<vd>(709.782712893384);
  vd xc = x < lo ? lo : x;  // NaN compares false and passes through
  xc = xc > hi ? hi : xc;
  vd kd;
  const vd p = exp_poly(xc, kd);
  const vi64 ki = (vi64)kd - (vi64)vsplat<vd>(0x1.8p52);  // integer k in [-1075, 1025]
  const vi64 k1 = (vi64)((vu64)(ki + 2048) >> 1) - 1024;   // floor(k/2), logical shift only
  const vi64 k2 = ki - k1;
  vd y = p * (vd)((k1 + 1023) << 52) * (vd)((k2 + 1023) << 52);
  y = x < lo ? vsplat<vd>(0.0) : y;
  y = x > hi ? vsplat<vd>(__builtin_inf()) : y;
  return y;
}
static inline vf vexp(vf x) {
  const vf lo = vsplat<vf>(-103.97208f), hi = vsplat<vf>(88.72284f);
  vf xc = x < lo ? lo : x;
  xc = xc > hi ? hi : xc;
  vf kd;
  const vf p = exp_poly(xc, kd);
  const vi32 ki = (vi32)kd - (vi32)vsplat<vf>(0x1.8p23f);
  const vi32 k1 = (vi32)((vu32)(ki + 256) >> 1) - 128;
  const vi32 k2 = ki - k1;
  vf y = p * (vf)((k1 + 127) << 23) * (vf)((k2 + 127) << 23);
  y = x < lo ? vsplat<vf>(0.0f) : y;
  y = x > hi ? vsplat<vf>(__builtin_inff()) : y;
  return y;
}

// exp for arguments <= 0 (kernel weights exp(−r²/2σ²), softmax terms exp(s − max)): one
// exponent-bit scale; results below the smallest normal (x < −708.39 / −87.34) flush to 0
// instead of going subnormal. NaN propagates, −inf gives 0.
static inline vd vexp_neg(vd x) {
  const vd lo = vsplat<vd>(-708.3964185322641);
  vd kd;
  const vd p = exp_poly(x < lo ? lo : x, kd);
  const vd y = p * (vd)(((vi64)kd - (vi64)vsplat<vd>(0x1.8p52) + 1023) << 52);
  return x < lo ? vsplat<vd>(0.0) : y;
}
static inline vf vexp_neg(vf x) {
  const vf lo = vsplat<vf>(-87.33654f);
  vf kd;
  const vf p = exp_poly(x < lo ? lo : x, kd);
  const vf y = p * (vf)(((vi32)kd - (vi32)vsplat<vf>(0x1.8p23f) + 127) << 23);
  return x < lo ? vsplat<vf>(0.0f) : y;
}

// 2^t for log-sum-exp sums kept in base 2 (t = score·log2(e), t ≤ 0 after the max shift).
// Working in base 2 drops the Cody–Waite multiply-adds: t = k + f exactly (k = round(t), |f| ≤ ½),
// and 2^f is the same near-minimax polynomial with coefficients c_k·ln2^k (max relative error
// 2.2e-16 / 9.7e-8 on [−½, ½]). Arguments are clamped at the bottom of the normal range
// (2^-1021 / 2^-126): added to a sum that contains the max term (= 1), such a term changes
// nothing, so this matches exact zeros bit for bit without the subnormal path. NaN propagates.
static inline vd vexp2_lse(vd t) {
  const vd tc = t < -1021.0 ? vsplat<vd>(-1021.0) : t;
  const vd magic = vsplat<vd>(0x1.8p52);
  const vd kd = tc + magic;
  const vd f = tc - (kd - magic);
  vd p = vsplat<vd>(4.4344267758808195e-10);
  p = p * f + 7.0740982517304842e-9;
  p = p * f + 1.0178203873796574e-7;
  p = p * f + 1.3215433135594995e-6;
  p = p * f + 1.5252733475459238e-5;
  p = p * f + 1.5403530462414240e-4;
  p = p * f + 1.3333558146805672e-3;
  p = p * f + 9.6181291075884244e-3;
  p = p * f + 5.5504108664819852e-2;
  p = p * f + 2.4022650695910156e-1;
  p = p * f + 6.9314718055994533e-1;
  p = p * f + 1.0;
  return p * (vd)(((vi64)kd - (vi64)magic + 1023) << 52);
}
static inline vf vexp2_lse(vf t) {
  const vf tc = t < -126.0f ? vsplat<vf>(-126.0f) : t;
  const vf magic = vsplat<vf>(0x1.8p23f);
  const vf kd = tc + magic;
  const vf f = tc - (kd - magic);
  vf p = vsplat<vf>(1.533757683e-4f);
  p = p * f + 1.339986036e-3f;
  p = p * f + 9.618519534e-3f;
  p = p * f + 5.550328998e-2f;
  p = p * f + 2.402264661e-1f;
  p = p * f + 6.931472056e-1f;
  p = p * f + 1.0f;
  return p * (vf)(((vi32)kd - (vi32)magic + 127) << 23);
}

// Scalar exp through the vector path (lane 0), so every level uses one exp everywhere.
template <class T> static inline T sexp(T x) {
  typedef typename VecOf<T>::type V;
  return vexp(vsplat<V>(x))[0];
}
