// levels-inl.h: instantiate a kernel body once per SIMD level in one translation unit.
//
// Usage, inside `namespace advect { namespace <family> {` of a family TU:
//   #define ADVECT_KERNEL_BODY "kernels/lse-inl.h"
//   #include "simd/levels-inl.h"
// This defines namespaces scalar, avx2 and avx512, each internal, each compiled for its target,
// each containing vec-inl.h and the body. All standard headers must be included before this file.

#if defined(__GNUC__) && !defined(__clang__)
#define ADVECT_TARGET_PUSH_AVX2 _Pragma("GCC push_options") _Pragma("GCC target(\"avx2,fma\")")
#define ADVECT_TARGET_PUSH_AVX512 \
  _Pragma("GCC push_options") _Pragma("GCC target(\"avx512f,avx512dq,avx512vl,avx512bw,avx2,fma\")")
#define ADVECT_TARGET_POP _Pragma("GCC pop_options")
#elif defined(__clang__)
#define ADVECT_TARGET_PUSH_AVX2 \
  _Pragma("clang attribute push(__attribute__((target(\"avx2,fma\"))), apply_to = function)")
#define ADVECT_TARGET_PUSH_AVX512                                                                 \
  _Pragma(                                                                                         \
      "clang attribute push(__attribute__((target(\"avx512f,avx512dq,avx512vl,avx512bw,avx2,fma\"))), apply_to = function)")
#define ADVECT_TARGET_POP _Pragma("clang attribute pop")
#endif

namespace {

namespace scalar {
#define ADVECT_VBYTES 16
#include "simd/vec-inl.h"
#include ADVECT_KERNEL_BODY
#undef ADVECT_VBYTES
}  // namespace scalar

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
ADVECT_TARGET_PUSH_AVX2
namespace avx2 {
#define ADVECT_VBYTES 32
#include "simd/vec-inl.h"
#include ADVECT_KERNEL_BODY
#undef ADVECT_VBYTES
}  // namespace avx2
ADVECT_TARGET_POP

ADVECT_TARGET_PUSH_AVX512
namespace avx512 {
#define ADVECT_VBYTES 64
#include "simd/vec-inl.h"
#include ADVECT_KERNEL_BODY
#undef ADVECT_VBYTES
}  // namespace avx512
ADVECT_TARGET_POP
#else
namespace avx2 = scalar;
namespace avx512 = scalar;
#endif

}  // namespace

// Picks the active level's copy of a function (template instance) defined in the body, e.g.
// `auto fn = ADVECT_PICK(lse_dense_rows_range<T>);` inside the family namespace. Needs
// advect/simd_level.h.
#ifndef ADVECT_PICK
#define ADVECT_PICK(fn)                              \
  (active_level() == SimdLevel::avx512 ? &avx512::fn \
   : active_level() == SimdLevel::avx2 ? &avx2::fn   \
                                       : &scalar::fn)
#endif
