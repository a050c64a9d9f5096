// CPU feature detection and the ADVECT_SIMD cap.
#include "advect/simd_level.h"

#include <cstdlib>
#include <cstring>

namespace advect {
namespace {

SimdLevel detect() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  // __builtin_cpu_supports checks CPUID and (on current GCC/glibc) the OS xsave state.
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw"))
    return SimdLevel::avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return SimdLevel::avx2;
#endif
  return SimdLevel::scalar;
}

SimdLevel env_cap() {
  const char* s = std::getenv("ADVECT_SIMD");
  if (!s || !*s) return SimdLevel::avx512;
  if (!std::strcmp(s, "scalar")) return SimdLevel::scalar;
  if (!std::strcmp(s, "avx2")) return SimdLevel::avx2;
  return SimdLevel::avx512;  // "avx512" or anything unknown: no cap (validated in TS)
}

SimdLevel clamp_compiled(SimdLevel l) {
  unsigned mask = compiled_levels_mask();
  for (int v = static_cast<int>(l); v > 0; --v)
    if (mask & (1u << v)) return static_cast<SimdLevel>(v);
  return SimdLevel::scalar;
}

SimdLevel& active_ref() {
  static SimdLevel level = [] {
    SimdLevel d = detect(), c = env_cap();
    return clamp_compiled(static_cast<int>(c) < static_cast<int>(d) ? c : d);
  }();
  return level;
}

}  // namespace

const char* level_name(SimdLevel level) {
  switch (level) {
    case SimdLevel::avx512: return "avx512";
    case SimdLevel::avx2: return "avx2";
    default: return "scalar";
  }
}

SimdLevel detected_level() {
  static SimdLevel d = detect();
  return d;
}

unsigned compiled_levels_mask() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  return 0b111u;
#else
  return 0b001u;
#endif
}

SimdLevel active_level() { return active_ref(); }

SimdLevel set_level_cap(SimdLevel cap) {
  SimdLevel d = detected_level();
  active_ref() = clamp_compiled(static_cast<int>(cap) < static_cast<int>(d) ? cap : d);
  return active_ref();
}

}  // namespace advect
