// SIMD level selection. The level is chosen once at load from the CPU
// (__builtin_cpu_supports) and capped by ADVECT_SIMD=scalar|avx2|avx512.
// Kernel families pick their function table from active_level().
#pragma once

namespace advect {

enum class SimdLevel : int { scalar = 0, avx2 = 1, avx512 = 2 };

const char* level_name(SimdLevel level);
// Best level this CPU (and OS) supports.
SimdLevel detected_level();
// Levels compiled into this binary (bitmask over SimdLevel).
unsigned compiled_levels_mask();
// The level in use: min(detected, ADVECT_SIMD cap, compiled).
SimdLevel active_level();
// Re-read the cap (tests only); returns the new active level.
SimdLevel set_level_cap(SimdLevel cap);

}  // namespace advect
