// One parallel_for for the whole core (DESIGN §3).
// - OpenMP when built with ADVECT_OPENMP, otherwise std::thread, or serial for one thread.
// - Work is split into fixed chunks whose boundaries depend only on (n, grain), never on the
//   thread count. Any reduction over chunks is done by the caller in chunk order, so results
//   are bitwise identical for every thread count.
#pragma once
#include <cstddef>
#include <functional>

namespace advect {

int max_threads();        // threads parallel_for may use
void set_max_threads(int n);  // n <= 0 resets to the hardware default (or ADVECT_THREADS)
int hardware_threads();
bool openmp_enabled();

// Number of chunks parallel_for will use for (n, grain).
inline std::size_t chunk_count(std::size_t n, std::size_t grain) {
  if (grain == 0) grain = 1;
  return (n + grain - 1) / grain;
}

// Calls fn(chunk_index, lo, hi) for each chunk [lo, hi) of [0, n) with hi - lo <= grain.
void parallel_for(std::size_t n, std::size_t grain,
                  const std::function<void(std::size_t, std::size_t, std::size_t)>& fn);

}  // namespace advect
